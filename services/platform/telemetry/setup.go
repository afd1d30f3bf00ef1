package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/nhs-pathways/pathways/services/platform/metrics"
)

// Shutdown flushes whatever telemetry is still buffered and stops the exporters. Call it once,
// with a context bounding how long the flush may take.
type Shutdown func(ctx context.Context) error

// Setup builds the tracer and meter providers the Config asks for and installs them, with the W3C
// tracecontext and baggage propagators, as the process-wide (otel global) ones. Call it once, in
// main, before any server or client is built, and call the returned Shutdown on the way out. On
// error nothing is installed and nothing is left running.
func Setup(ctx context.Context, cfg Config) (Shutdown, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("telemetry config: %w", err)
	}
	res, err := resource.New(ctx, resource.WithTelemetrySDK(), resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName(cfg.ServiceName), semconv.ServiceVersion(cfg.ServiceVersion)))
	if err != nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}
	tp, err := tracerProvider(ctx, cfg, res)
	if err != nil {
		return nil, err
	}
	mp, err := meterProvider(ctx, cfg, res)
	if err != nil {
		return nil, errors.Join(err, tp.Shutdown(ctx))
	}
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		slog.Warn("opentelemetry", "service", cfg.ServiceName, "err", err)
	}))
	return func(ctx context.Context) error {
		return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx))
	}, nil
}

func tracerProvider(ctx context.Context, cfg Config, res *resource.Resource) (*sdktrace.TracerProvider, error) {
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if cfg.OTLPEndpoint != "" {
		exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(cfg.OTLPEndpoint))
		if err != nil {
			return nil, fmt.Errorf("telemetry: otlp trace exporter for %s: %w", cfg.OTLPEndpoint, err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	if cfg.TraceFile != "" {
		exp, err := openSpanFile(cfg.TraceFile, cfg.ServiceName)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(spanFileFlushEvery)))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

func meterProvider(ctx context.Context, cfg Config, res *resource.Resource) (*sdkmetric.MeterProvider, error) {
	prom, err := metrics.NewReader()
	if err != nil {
		return nil, err
	}
	opts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithReader(prom)}
	for _, r := range cfg.MetricReaders {
		opts = append(opts, sdkmetric.WithReader(r))
	}
	if cfg.OTLPEndpoint != "" {
		exp, err := otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpointURL(cfg.OTLPEndpoint))
		if err != nil {
			return nil, fmt.Errorf("telemetry: otlp metric exporter for %s: %w", cfg.OTLPEndpoint, err)
		}
		every := cfg.MetricInterval
		if every == 0 {
			every = DefaultMetricInterval
		}
		opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(every))))
	}
	return sdkmetric.NewMeterProvider(opts...), nil
}

// Within runs the shutdown with its own deadline d, keeping ctx's values but not its
// cancellation: in main, ctx has usually ended (the signal) by the time telemetry is flushed.
func (s Shutdown) Within(ctx context.Context, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	defer cancel()
	return s(ctx)
}
