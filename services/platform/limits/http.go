package limits

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The defaults of HTTPConfig (DefaultHTTPConfig).
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultMaxHeaderBytes    = 64 << 10 // room for a bearer token with many claims and cookies
	DefaultMaxBodyBytes      = 4 << 20  // as gRPC's message cap: a REST gateway passes bodies on
)

// HTTPConfig bounds an HTTP server: how long reading a request's header, then the whole
// request, then writing the response may take, how long a kept-alive connection may wait for
// its next request, and how big a header and a body may be. A zero field means net/http's
// default (for the timeouts and the body: none; for the header: 1 MB). It is a value.
type HTTPConfig struct {
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading the whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of reading the request to the end of writing
	// the response. A streaming or long-poll route lifts it for itself with Streaming.
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	MaxHeaderBytes int
	// MaxBodyBytes is the largest request body accepted (MaxBody); a bigger one is 413.
	MaxBodyBytes int
}

// DefaultHTTPConfig returns the bounds every pathways HTTP server runs with unless told otherwise.
func DefaultHTTPConfig() HTTPConfig {
	return HTTPConfig{ReadHeaderTimeout: DefaultReadHeaderTimeout, ReadTimeout: DefaultReadTimeout, WriteTimeout: DefaultWriteTimeout,
		IdleTimeout: DefaultIdleTimeout, MaxHeaderBytes: DefaultMaxHeaderBytes, MaxBodyBytes: DefaultMaxBodyBytes}
}

// Validate returns every problem at once, each naming its flag and rule.
func (c HTTPConfig) Validate() error {
	return errors.Join(notNegative(flagReadHeaderTimeout, c.ReadHeaderTimeout), notNegative(flagReadTimeout, c.ReadTimeout),
		notNegative(flagWriteTimeout, c.WriteTimeout), notNegative(flagIdleTimeout, c.IdleTimeout),
		notNegative(flagMaxHeader, c.MaxHeaderBytes), notNegative(flagMaxBody, c.MaxBodyBytes))
}

// NewHTTPServer returns a server for addr with c's timeouts and header cap, serving h behind
// MaxBody when c caps the body. Serve it as any http.Server (Serve, Shutdown).
func NewHTTPServer(addr string, h http.Handler, c HTTPConfig) *http.Server {
	if c.MaxBodyBytes > 0 {
		h = MaxBody(int64(c.MaxBodyBytes), h)
	}
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: c.ReadHeaderTimeout, ReadTimeout: c.ReadTimeout,
		WriteTimeout: c.WriteTimeout, IdleTimeout: c.IdleTimeout, MaxHeaderBytes: c.MaxHeaderBytes}
}

// Streaming lifts the server's read and write deadlines for the route h (server-sent events, a
// long poll, a large download): its connection stays open as long as the handler runs, until
// the client goes or the request's context ends. Other routes keep the server's timeouts.
func Streaming(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})  // unsupported writers have no deadline to lift
		_ = rc.SetWriteDeadline(time.Time{}) // (the error is http.ErrNotSupported)
		h.ServeHTTP(w, r)
	})
}

// MaxBody answers 413 Request Entity Too Large, in plain text naming the limit, to a request
// whose body is over limit bytes: at once when its Content-Length says so, otherwise when the
// handler reads past the limit (the handler's read fails with *http.MaxBytesError and what it
// writes afterwards is discarded; a handler that wrote its answer before reading keeps it).
func MaxBody(limit int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			tooLarge(w, limit)
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		cw := &cappedWriter{ResponseWriter: w, limit: limit}
		r.Body = &cappedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit), w: cw}
		h.ServeHTTP(cw, r)
	})
}

func tooLarge(w http.ResponseWriter, limit int64) {
	w.Header().Set("Connection", "close")
	http.Error(w, fmt.Sprintf("request body too large: at most %d bytes are accepted", limit), http.StatusRequestEntityTooLarge)
}
