package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxRetryAfter caps how long a Retry-After header may make the client wait.
const maxRetryAfter = 60 * time.Second

// htmlPeekBytes is how much of a 500 body is read to tell an HTML error
// page from a v3 error.
const htmlPeekBytes = 64 << 10

// attemptKey keys the per-request attemptState in a request's context.
type attemptKey struct{}

// attemptState follows one logical request through its attempts. It lives
// in the request context so that the hooks of the shared retrying client
// can see which request they serve. It is only touched by the goroutine
// that sends the request.
type attemptState struct {
	op          string
	method      string
	path        string
	idempotent  bool
	once        bool // never retried
	maxAttempts int

	attempts       int
	cause          string    // why the last attempt failed, when it is retried
	causeAt        time.Time // when that failure was seen
	retryAfter     time.Duration
	maybeCommitted bool
	// retriesDenied is set when a retryable failure was not retried
	// because the request is not idempotent or the deadline is too close.
	retriesDenied string
}

func stateFrom(ctx context.Context) *attemptState {
	if st, ok := ctx.Value(attemptKey{}).(*attemptState); ok {
		return st
	}
	return &attemptState{}
}

// newRetryingClient configures the one retrying HTTP client of c.
func (c *Client) newRetryingClient(hc *http.Client, waitMin, waitMax time.Duration) *retryablehttp.Client {
	rc := retryablehttp.NewClient()
	rc.HTTPClient = hc
	rc.Logger = nil // Logging goes through c.log, with the request context.
	rc.RetryMax = c.maxRetries
	rc.RetryWaitMin = waitMin
	rc.RetryWaitMax = waitMax
	rc.CheckRetry = c.checkRetry
	rc.Backoff = backoff
	rc.RequestLogHook = c.logAttempt
	// Keep the last answer so that errors can quote it.
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return rc
}

// logAttempt counts attempts and logs every retry with its cause.
func (c *Client) logAttempt(_ retryablehttp.Logger, req *http.Request, retry int) {
	st := stateFrom(req.Context())
	st.attempts = retry + 1
	if retry == 0 {
		return
	}
	fields := map[string]any{
		"operation":    st.op,
		"method":       st.method,
		"path":         st.path,
		"attempt":      st.attempts,
		"max_attempts": st.maxAttempts,
		"cause":        st.cause,
		"waited_ms":    time.Since(st.causeAt).Milliseconds(),
	}
	c.log.Warn(req.Context(), "retrying Prism Central request", fields)
}

// checkRetry decides whether an attempt is retried: connection errors,
// 429, 502, 503, 504 and 500 with an HTML body. Failures that may have
// reached the server are retried only for idempotent requests.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st := stateFrom(ctx)
	st.retryAfter = 0
	if st.once {
		return false, nil
	}
	retry := func(cause string, mayHaveLanded bool) (bool, error) {
		if mayHaveLanded && !st.idempotent {
			st.retriesDenied = cause + " (not retried: the request may have been processed and is not safe to repeat)"
			return false, nil
		}
		if mayHaveLanded {
			st.maybeCommitted = true
		}
		st.cause = cause
		st.causeAt = time.Now()
		return true, nil
	}
	if err != nil {
		if isCertificateError(err) {
			return false, nil
		}
		return retry("connection error: "+err.Error(), !isDialError(err))
	}
	switch code := resp.StatusCode; code {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		cause := fmt.Sprintf("%d %s", code, http.StatusText(code))
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			st.retryAfter = d
			cause += " (Retry-After " + d.String() + ")"
			if deadline, has := ctx.Deadline(); has && time.Now().Add(d).After(deadline) {
				st.retriesDenied = cause + " (not retried: the wait asked for goes past the deadline)"
				return false, nil
			}
		}
		// The server refused the request before processing it.
		return retry(cause, false)
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return retry(fmt.Sprintf("%d %s", code, http.StatusText(code)), true)
	case http.StatusInternalServerError:
		if isHTMLResponse(resp) {
			return retry("500 Internal Server Error with an HTML page", true)
		}
	}
	return false, nil
}

// isHTMLResponse reports whether resp carries an HTML page. It reads the
// start of the body and puts it back.
func isHTMLResponse(resp *http.Response) bool {
	if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "text/html") {
		return true
	}
	if resp.Body == nil {
		return false
	}
	peek, err := io.ReadAll(io.LimitReader(resp.Body, htmlPeekBytes))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(peek), resp.Body), resp.Body}
	if err != nil {
		return false
	}
	return looksLikeHTML(peek)
}

// backoff waits as the server asked (Retry-After, capped) or else a
// jittered exponential delay between min and max.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.Request != nil {
		if st := stateFrom(resp.Request.Context()); st.retryAfter > 0 {
			return st.retryAfter
		}
	}
	return jitteredBackoff(minWait, maxWait, attempt)
}

// jitteredBackoff returns a random delay in [min, min(max, min*2^attempt)].
func jitteredBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	upper := minWait
	for i := 0; i < attempt && upper < maxWait; i++ {
		upper *= 2
	}
	upper = min(upper, maxWait)
	if upper <= minWait {
		return minWait
	}
	return minWait + rand.N(upper-minWait+1)
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date,
// capped at maxRetryAfter.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		d = time.Duration(secs) * time.Second
	} else {
		t, err := http.ParseTime(v)
		if err != nil {
			return 0, false
		}
		d = max(t.Sub(now), 0)
	}
	return min(d, maxRetryAfter), true
}

// isCertificateError reports a TLS verification failure.
func isCertificateError(err error) bool {
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verr) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}

// isDialError reports a failure to connect, which never reaches the
// server's application and is always safe to retry.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
