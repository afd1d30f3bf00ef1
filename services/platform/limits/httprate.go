package limits

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/nhs-pathways/pathways/services/platform/identity"
)

// RemoteIP is the IP address the request came from (http.Request.RemoteAddr without its port).
// Behind a reverse proxy that is the proxy's: key by a header the proxy sets instead.
func RemoteIP(r *http.Request) string { return host(r.RemoteAddr) }

// HTTPCaller is the rate limit key of a request, as Caller is of a gRPC call: the Principal
// identity.Interceptor.Handle put in its context when the limit runs inside that, otherwise
// "ip:" and RemoteIP.
func HTTPCaller(r *http.Request) string {
	if p, ok := identity.FromContext(r.Context()); ok && p.ID() != "" {
		return "principal:" + p.ID()
	}
	return "ip:" + RemoteIP(r)
}

// HTTP limits the requests to h per key(r) (HTTPCaller when nil): a request over its key's rate
// is answered 429 Too Many Requests with Retry-After (whole seconds, at least 1) and a plain-text
// line, and h does not run.
func (l *Limiter) HTTP(key func(*http.Request) string, h http.Handler) http.Handler {
	if key == nil {
		key = HTTPCaller
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := identity.FromContext(r.Context()); ok && l.unlimited(p) {
			h.ServeHTTP(w, r)
			return
		}
		ok, wait := l.Allow(key(r))
		if ok {
			h.ServeHTTP(w, r)
			return
		}
		seconds := retryAfterSeconds(wait)
		w.Header().Set("Retry-After", strconv.FormatInt(seconds, 10))
		http.Error(w, fmt.Sprintf("too many requests: at most %g a second (bursts of %d) per caller; retry after %d s",
			l.rate.PerSecond, l.rate.Burst, seconds), http.StatusTooManyRequests)
	})
}

// retryAfterSeconds is wait in whole seconds, rounded up, at least 1.
func retryAfterSeconds(wait time.Duration) int64 {
	return max(1, int64(ceil(wait, time.Second)/time.Second))
}
