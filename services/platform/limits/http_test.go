package limits_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nhs-pathways/pathways/services/platform/limits"
)

func TestNewHTTPServerSetsTheTimeouts(t *testing.T) {
	srv := limits.NewHTTPServer("127.0.0.1:8084", http.NotFoundHandler(), limits.DefaultHTTPConfig())
	require.Equal(t, "127.0.0.1:8084", srv.Addr)
	require.Equal(t, limits.DefaultReadHeaderTimeout, srv.ReadHeaderTimeout)
	require.Equal(t, limits.DefaultReadTimeout, srv.ReadTimeout)
	require.Equal(t, limits.DefaultWriteTimeout, srv.WriteTimeout)
	require.Equal(t, limits.DefaultIdleTimeout, srv.IdleTimeout)
	require.Equal(t, limits.DefaultMaxHeaderBytes, srv.MaxHeaderBytes)
}

// serveHTTP starts srv (its Handler and timeouts) on loopback and returns its URL.
func serveHTTP(t *testing.T, srv *http.Server) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(srv.Handler)
	ts.Config = srv
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.URL
}

// echo answers with the body it read, or 400 when reading failed.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	_, _ = w.Write(body)
})

func post(t *testing.T, url string, body io.Reader) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, body)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(text), resp.Header
}

// onlyReader hides a body's length, so it is sent chunked, without Content-Length.
type onlyReader struct{ io.Reader }

func TestBodiesOverTheCapAre413(t *testing.T) {
	cfg := limits.DefaultHTTPConfig()
	cfg.MaxBodyBytes = 16
	url := serveHTTP(t, limits.NewHTTPServer("", echo, cfg))

	code, text, _ := post(t, url, strings.NewReader("sixteen bytes ok"))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "sixteen bytes ok", text)

	code, text, _ = post(t, url, strings.NewReader("seventeen bytes!!"))
	require.Equal(t, http.StatusRequestEntityTooLarge, code, "Content-Length over the cap")
	require.Equal(t, "request body too large: at most 16 bytes are accepted\n", text)

	code, text, _ = post(t, url, onlyReader{strings.NewReader(strings.Repeat("x", 1000))})
	require.Equal(t, http.StatusRequestEntityTooLarge, code, "a chunked body read past the cap: 413, not the handler's 400")
	require.Contains(t, text, "at most 16 bytes")

	ignoring := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "never read") })
	url = serveHTTP(t, limits.NewHTTPServer("", ignoring, cfg))
	code, _, _ = post(t, url, strings.NewReader(strings.Repeat("x", 1000)))
	require.Equal(t, http.StatusRequestEntityTooLarge, code, "a Content-Length over the cap is refused before the handler runs")
}

func TestStreamingRoutesOutliveTheWriteTimeout(t *testing.T) {
	cfg := limits.DefaultHTTPConfig()
	cfg.WriteTimeout = time.Nanosecond // over before any handler writes
	mux := http.NewServeMux()
	hello := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") })
	mux.Handle("/plain", hello)
	mux.Handle("/stream", limits.Streaming(hello))
	url := serveHTTP(t, limits.NewHTTPServer("", mux, cfg))

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/plain", http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err, "the write timeout cuts an ordinary route off")

	code, text, _ := post(t, url+"/stream", http.NoBody)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "hello", text)
}

func TestRequestsOverTheRateAre429(t *testing.T) {
	c := newClock()
	l := limits.NewLimiter(limits.Rate{PerSecond: 0.25, Burst: 1, Now: c.Now})
	url := serveHTTP(t, &http.Server{Handler: l.HTTP(nil, echo), ReadHeaderTimeout: time.Minute})

	code, _, _ := post(t, url, http.NoBody)
	require.Equal(t, http.StatusOK, code)
	code, text, header := post(t, url, http.NoBody)
	require.Equal(t, http.StatusTooManyRequests, code)
	require.Equal(t, "4", header.Get("Retry-After"), "a token every 4 s")
	require.Contains(t, text, "retry after 4 s")

	c.Advance(3500 * time.Millisecond)
	_, _, header = post(t, url, http.NoBody)
	require.Equal(t, "1", header.Get("Retry-After"), "half a second is rounded up")
	c.Advance(time.Second)
	code, _, _ = post(t, url, http.NoBody)
	require.Equal(t, http.StatusOK, code)
}

func TestRateLimitKeyedByTheCallersFunction(t *testing.T) {
	l := limits.NewLimiter(limits.Rate{PerSecond: 1, Burst: 1, Now: newClock().Now})
	byKey := func(r *http.Request) string { return r.Header.Get("X-Client") }
	url := serveHTTP(t, &http.Server{Handler: l.HTTP(byKey, echo), ReadHeaderTimeout: time.Minute})
	send := func(client string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, http.NoBody)
		require.NoError(t, err)
		req.Header.Set("X-Client", client)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, send("a"))
	require.Equal(t, http.StatusTooManyRequests, send("a"))
	require.Equal(t, http.StatusOK, send("b"), "another key, from the same address, is served")
}
