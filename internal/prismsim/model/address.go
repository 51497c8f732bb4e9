package model

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ParseRemoteAddress splits "[https://]host[:port][/...]" into a lower-cased host and a port
// (0 when there is none).
func ParseRemoteAddress(raw string) (string, int, error) {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	for _, scheme := range []string{"https://", "http://"} {
		if strings.HasPrefix(lower, scheme) {
			s = s[len(scheme):]
			break
		}
	}
	if strings.Contains(s, "://") {
		return "", 0, errors.New("unsupported scheme")
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	host, port := s, 0
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		h, p, err := net.SplitHostPort(s)
		if err != nil {
			return "", 0, fmt.Errorf("invalid host:port: %w", err)
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
		host, port = h, n
	}
	if host == "" {
		return "", 0, errors.New("no host")
	}
	if strings.ContainsAny(host, " @\t") {
		return "", 0, errors.New("invalid host")
	}
	return strings.ToLower(host), port, nil
}
