package model

import "sync"

// RequestLog remembers the answers of mutations by their request id (v4's
// Ntnx-Request-Id), so that a request sent again with the same id answers what the first
// one answered and does not act twice. It keeps the latest MaxLoggedRequests ids.
type RequestLog struct {
	mu    sync.Mutex
	byID  map[string]*loggedRequest
	order []string
}

// MaxLoggedRequests bounds a RequestLog.
const MaxLoggedRequests = 10000

type loggedRequest struct {
	op     string
	done   bool
	answer LoggedAnswer
}

// LoggedAnswer is a remembered answer, in the wire's own terms.
type LoggedAnswer struct {
	Status int
	Header map[string][]string
	Body   any
}

// RequestState is what Begin found for a request id.
type RequestState int

const (
	// RequestNew: the id is unknown; the caller acts, then calls End.
	RequestNew RequestState = iota
	// RequestAnswered: the same operation with this id was answered; Begin returns its answer.
	RequestAnswered
	// RequestInProgress: the same id is being served right now.
	RequestInProgress
	// RequestOtherOperation: the id was used for another operation.
	RequestOtherOperation
)

// Begin looks id up for op (a method and path): a new id is marked in progress.
func (l *RequestLog) Begin(id, op string) (RequestState, LoggedAnswer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID == nil {
		l.byID = map[string]*loggedRequest{}
	}
	r, ok := l.byID[id]
	switch {
	case !ok:
		l.byID[id] = &loggedRequest{op: op}
		l.order = append(l.order, id)
		for len(l.order) > MaxLoggedRequests {
			delete(l.byID, l.order[0])
			l.order = l.order[1:]
		}
		return RequestNew, LoggedAnswer{}
	case r.op != op:
		return RequestOtherOperation, LoggedAnswer{}
	case !r.done:
		return RequestInProgress, LoggedAnswer{}
	default:
		return RequestAnswered, r.answer
	}
}

// End records the answer to id; keep false forgets the id instead (an answer the client
// may retry for a different outcome, such as an unavailable site).
func (l *RequestLog) End(id string, answer LoggedAnswer, keep bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.byID[id]
	if !ok {
		return
	}
	if !keep {
		delete(l.byID, id)
		return
	}
	r.done, r.answer = true, answer
}
