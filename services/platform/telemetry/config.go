// Package telemetry sets up OpenTelemetry for a pathways process: one tracer provider and one
// meter provider, installed globally with the W3C tracecontext and baggage propagators, so that
// otelgrpc handlers, the Temporal tracing interceptor and the event store journal all record into
// the same traces. Exporters follow the Config: OTLP over gRPC to a collector, a JSON-lines span
// file for local runs and tests, or none (the providers are still real, so trace context still
// propagates across calls).
package telemetry

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/nhs-pathways/pathways/services/platform/config"
)

// Environment variables RegisterFlags names for its flags.
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
	// MetricReaders are further readers of the meter provider, e.g. a ManualReader in tests. The
	// Prometheus exporter that metrics.Handler serves on /metrics is always installed.
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

// RegisterFlags adds -otlp-endpoint, -trace-file and -service-name to fs, with
// OTEL_EXPORTER_OTLP_ENDPOINT, PATHWAYS_TRACE_FILE and OTEL_SERVICE_NAME as their variables (an
// empty variable counts as unset, as the OpenTelemetry specification says). Call it from main
// only, before fs.Parse; c's fields are the defaults.
func (c *Config) RegisterFlags(fs *config.FlagSet) {
	fs.String(&c.OTLPEndpoint, "otlp-endpoint", EnvOTLPEndpoint,
		"OpenTelemetry collector OTLP/gRPC URL for traces and metrics, e.g. http://127.0.0.1:4317 (empty: no export)")
	fs.String(&c.TraceFile, "trace-file", EnvTraceFile, "append every finished span to this file as JSON lines (empty: off)")
	fs.String(&c.ServiceName, "service-name", EnvServiceName, "service.name of this process's traces and metrics")
}
