package metrics_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/nhs-pathways/pathways/services/platform/metrics"
)

func scrape(t *testing.T, addr string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+metrics.Path, http.NoBody)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// One test, as the reader is process-wide: before any reader /metrics says so; after, it serves
// what the meter provider records, in Prometheus names, with the Go runtime figures.
func TestServeShowsTheMeterProvidersFigures(t *testing.T) {
	srv, err := metrics.Serve(t.Context(), "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	code, body := scrape(t, srv.Addr())
	require.Equal(t, http.StatusServiceUnavailable, code, body)

	reader, err := metrics.NewReader()
	require.NoError(t, err)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(t.Context()) })
	counter, err := mp.Meter("pathways/test").Int64Counter("finance.ingest.conflicts")
	require.NoError(t, err)
	counter.Add(t.Context(), 2)

	code, body = scrape(t, srv.Addr())
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `finance_ingest_conflicts_total{otel_scope_name="pathways/test"`)
	require.Contains(t, body, "go_goroutines ")
	require.Contains(t, body, "process_cpu_seconds_total ")
}
