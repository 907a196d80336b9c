// Package tracing exports ferry's operations — sync runs, webhook
// handlers, actions, proxy calls, auth events — as OpenTelemetry traces
// over OTLP/HTTP: one span per operation, a child span per upstream call,
// its log lines as events.
//
// Spans are built from what the operations log records once an operation
// has ended (store.Execution and its report), so the hot paths pay
// nothing for them but a call that queues: the SDK's batch processor
// sends them behind, and drops spans rather than wait when its queue is
// full. Only what the log already redacted is exported; header values
// that look secret are redacted again here (redact.go).
package tracing

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/ferryhq/ferry/store"
)

// serviceName is the resource's service.name unless OTEL_SERVICE_NAME
// sets one.
const serviceName = "ferry"

// Exporter sends finished operations as traces. It is safe for concurrent
// use; a nil *Exporter exports nothing.
type Exporter struct {
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	log      *slog.Logger
}

// New validates cfg and returns an exporter sending to its endpoint. It
// connects to nothing yet: a collector that is down shows as export
// failures in the log, not as an error here.
func New(cfg Config) (*Exporter, error) {
	endpoint, err := cfg.endpointURL()
	if err != nil {
		return nil, err
	}
	if err := cfg.validateHeaders(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	opts := []otlptracehttp.Option{otlptracehttp.WithEndpointURL(endpoint), otlptracehttp.WithHeaders(cfg.Headers)}
	if cfg.Timeout > 0 {
		opts = append(opts, otlptracehttp.WithTimeout(cfg.Timeout))
	}
	exp, err := otlptracehttp.New(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	attrs := []resource.Option{resource.WithSchemaURL(semconv.SchemaURL), resource.WithAttributes(semconv.ServiceName(serviceName))}
	if cfg.ServiceVersion != "" {
		attrs = append(attrs, resource.WithAttributes(semconv.ServiceVersion(cfg.ServiceVersion)))
	}
	// Last: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override.
	res, err := resource.New(context.Background(), append(attrs, resource.WithFromEnv())...)
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	var batch []sdktrace.BatchSpanProcessorOption
	if cfg.BatchTimeout > 0 {
		batch = append(batch, sdktrace.WithBatchTimeout(cfg.BatchTimeout))
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(loggedExporter{exp, cfg.Logger}, batch...),
		sdktrace.WithResource(res),
	)
	return &Exporter{provider: provider, tracer: provider.Tracer("github.com/ferryhq/ferry/tracing"), log: cfg.Logger}, nil
}

// Operation exports a finished operation and its report (JSON
// hostfns.Report: log lines, upstream calls; nil for none). It does not
// block: spans are queued for the batch processor. A report that does not
// decode is logged and the operation exported without it.
func (x *Exporter) Operation(e store.Execution, report json.RawMessage) {
	if x == nil {
		return
	}
	rep, err := decodeReport(report)
	if err != nil {
		x.log.Warn("tracing: operation report not exported", "operation", e.ID, "err", err)
	}
	x.export(e, rep)
}

// Shutdown sends the spans still queued and stops the exporter; spans
// exported after it are dropped. ctx bounds the wait.
func (x *Exporter) Shutdown(ctx context.Context) error {
	if x == nil {
		return nil
	}
	if err := x.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: shutdown: %w", err)
	}
	return nil
}

// loggedExporter logs a batch that could not be sent to ferry's logger,
// rather than to OpenTelemetry's global error handler, and drops it (the
// SDK's exporter has retried it already).
type loggedExporter struct {
	sdktrace.SpanExporter
	log *slog.Logger
}

func (l loggedExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := l.SpanExporter.ExportSpans(ctx, spans); err != nil {
		l.log.Warn("tracing: spans not exported", "spans", len(spans), "err", err)
	}
	return nil
}
