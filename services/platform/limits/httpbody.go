package limits

import (
	"errors"
	"io"
	"net/http"
	"sync"
)

// cappedBody is a request body read through http.MaxBytesReader that has w answer 413 the
// moment a read goes past the limit.
type cappedBody struct {
	io.ReadCloser
	w *cappedWriter
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		b.w.refuse()
	}
	return n, err
}

// cappedWriter passes the handler's answer on until the body went over the limit; from then
// on the answer is the 413, and what the handler writes is discarded.
type cappedWriter struct {
	http.ResponseWriter
	limit   int64
	mu      sync.Mutex // a handler may read the body in one goroutine and write in another
	wrote   bool
	refused bool
}

func (w *cappedWriter) refuse() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.wrote || w.refused {
		return
	}
	w.refused = true
	tooLarge(w.ResponseWriter, w.limit)
}

// passing marks the answer started and reports whether the handler's writes go through.
func (w *cappedWriter) passing() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wrote = true
	return !w.refused
}

func (w *cappedWriter) WriteHeader(code int) {
	if w.passing() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	if w.passing() {
		return w.ResponseWriter.Write(p)
	}
	return len(p), nil
}

// Flush lets handlers that assert http.Flusher stream through MaxBody.
func (w *cappedWriter) Flush() {
	if w.passing() {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}

// Unwrap lets http.ResponseController reach the server's writer (deadlines, hijacking).
func (w *cappedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
