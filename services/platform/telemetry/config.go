// Package telemetry sets up OpenTelemetry for a pathways process: one tracer provider and one
// meter provider, installed globally with the W3C tracecontext and baggage propagators, so that
// otelgrpc handlers, the Temporal tracing interceptor and the event store journal all record into
// the same traces. Exporters follow the Config: OTLP over gRPC to a collector, a JSON-lines span
// file for local runs and tests, or none (the providers are still real, so trace context still
// propagates across calls).
package telemetry

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Environment variables RegisterFlags reads for the flag defaults. Only a main passes getenv.
const (
	// EnvOTLPEndpoint is the standard OpenTelemetry collector endpoint variable.
	EnvOTLPEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT"
	// EnvServiceName is the standard variable overriding the service name.
	EnvServiceName = "OTEL_SERVICE_NAME"
	// EnvTraceFile names the JSON-lines span file.
	EnvTraceFile = "PATHWAYS_TRACE_FILE"
)

// DefaultMetricInterval is how often metrics are pushed to the collector.
const DefaultMetricInterval = 30 * time.Second

// Config says what the process is called and where its telemetry goes.
type Config struct {
	// ServiceName is the resource's service.name (required).
	ServiceName string
	// ServiceVersion is the resource's service.version (optional).
	ServiceVersion string
	// OTLPEndpoint is the collector's OTLP/gRPC URL, e.g. "http://127.0.0.1:4317" (http means
	// plaintext, https TLS). Empty: no OTLP export.
	OTLPEndpoint string
	// TraceFile, when set, receives every finished span as one JSON object per line (SpanRecord),
	// appended to the file.
	TraceFile string
	// MetricInterval is how often metrics are exported over OTLP; 0 means DefaultMetricInterval.
	MetricInterval time.Duration
	// MetricReaders are further readers of the meter provider, e.g. a Prometheus exporter a
	// service serves on /metrics, or a ManualReader in tests.
	MetricReaders []sdkmetric.Reader
}

// Validate reports every problem with the configuration at once; each names its flag.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.ServiceName) == "" {
		errs = append(errs, errors.New("service-name: is required"))
	}
	if c.OTLPEndpoint != "" {
		if err := checkEndpoint(c.OTLPEndpoint); err != nil {
			errs = append(errs, err)
		}
	}
	if c.TraceFile != "" && strings.TrimSpace(c.TraceFile) == "" {
		errs = append(errs, errors.New("trace-file: must be a file path, not blank"))
	}
	if c.MetricInterval < 0 {
		errs = append(errs, fmt.Errorf("metric-interval: must not be negative, not %v", c.MetricInterval))
	}
	return errors.Join(errs...)
}

func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("otlp-endpoint: must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:4317, not %q", endpoint)
	}
	return nil
}

// RegisterFlags adds --otlp-endpoint and --trace-file to fs, defaulting to
// OTEL_EXPORTER_OTLP_ENDPOINT and PATHWAYS_TRACE_FILE from getenv; OTEL_SERVICE_NAME, if set,
// replaces c.ServiceName. Call it from main only, before fs.Parse.
func (c *Config) RegisterFlags(fs *flag.FlagSet, getenv func(string) string) {
	if name := getenv(EnvServiceName); name != "" {
		c.ServiceName = name
	}
	fs.StringVar(&c.OTLPEndpoint, "otlp-endpoint", or(getenv(EnvOTLPEndpoint), c.OTLPEndpoint),
		"OpenTelemetry collector OTLP/gRPC URL, e.g. http://127.0.0.1:4317 (empty: no export)")
	fs.StringVar(&c.TraceFile, "trace-file", or(getenv(EnvTraceFile), c.TraceFile),
		"append every finished span to this file as JSON lines (empty: off)")
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
