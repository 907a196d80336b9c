package tracing

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

// Attributes of an operation's span (see also error.type, semconv's).
const (
	attrOperationID  = attribute.Key("ferry.operation.id")
	attrType         = attribute.Key("ferry.operation.type")
	attrEnvironment  = attribute.Key("ferry.environment")
	attrIntegration  = attribute.Key("ferry.integration")
	attrConnectionID = attribute.Key("ferry.connection_id")
	attrFunction     = attribute.Key("ferry.function")
	attrTrigger      = attribute.Key("ferry.trigger")
	attrStatus       = attribute.Key("ferry.status")
	attrDroppedLogs  = attribute.Key("ferry.logs.dropped")
	attrDroppedCalls = attribute.Key("ferry.calls.dropped")
	// ferry.records.<model>.added|updated|deleted: a run's record changes.
	recordsPrefix = "ferry.records."
)

// Attributes of a log line's event and of an upstream call's span.
const (
	eventLog       = "log"
	attrLogLevel   = attribute.Key("ferry.log.level")
	attrLogMessage = attribute.Key("ferry.log.message")
	attrLogMeta    = attribute.Key("ferry.log.meta") // JSON
	attrAttempt    = attribute.Key("ferry.attempt")  // 0-based
	headerPrefix   = "http.request.header."          // + lowercase name, semconv's
)

// errorOther is error.type for a call that got no answer (semconv's
// fallback value): its span's status says why.
const errorOther = "_OTHER"

// report is the part of a hostfns.Report that becomes spans.
type report struct {
	Logs         []hostfns.LogLine `json:"logs"`
	DroppedLogs  int               `json:"droppedLogs"`
	Calls        []hostfns.Call    `json:"calls"`
	DroppedCalls int               `json:"droppedCalls"`
}

func decodeReport(raw json.RawMessage) (report, error) {
	var r report
	if len(raw) == 0 {
		return r, nil
	}
	err := json.Unmarshal(raw, &r)
	if err != nil {
		return report{}, err
	}
	return r, nil
}

// export builds an operation's spans, which the batch processor queues.
func (x *Exporter) export(e store.Execution, r report) {
	start, end := e.StartedAt, e.EndedAt
	if end.Before(start) {
		end = start
	}
	ctx, span := x.tracer.Start(context.Background(), spanName(e),
		trace.WithTimestamp(start), trace.WithSpanKind(spanKind(e.Type)), trace.WithAttributes(operationAttrs(e, r)...))
	for _, l := range r.Logs {
		span.AddEvent(eventLog, trace.WithTimestamp(l.Time), trace.WithAttributes(logAttrs(l)...))
	}
	for _, c := range r.Calls {
		x.exportCall(ctx, c, start)
	}
	if e.Status == store.ExecutionFailed {
		msg := ""
		if e.Error != nil {
			msg = e.Error.Message
		}
		span.SetStatus(codes.Error, msg)
	}
	span.End(trace.WithTimestamp(end))
}

// spanName names an operation's span by its type and function: "sync
// github-issues", "proxy GET /repos".
func spanName(e store.Execution) string {
	if e.Function == "" {
		return e.Type
	}
	return e.Type + " " + e.Function
}

// spanKind is Server for the operations an API request runs while its
// client waits (proxy calls, actions), Internal for the others.
func spanKind(typ string) trace.SpanKind {
	if typ == store.ExecutionTypeProxy || typ == store.ExecutionTypeAction {
		return trace.SpanKindServer
	}
	return trace.SpanKindInternal
}

func operationAttrs(e store.Execution, r report) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 12+3*len(e.Records))
	if e.ID != 0 {
		attrs = append(attrs, attrOperationID.Int64(int64(e.ID)))
	}
	attrs = append(attrs,
		attrType.String(e.Type), attrEnvironment.String(e.Environment), attrIntegration.String(e.Integration),
		attrConnectionID.String(e.ConnectionID), attrFunction.String(e.Function), attrTrigger.String(e.Trigger),
		attrStatus.String(e.Status),
	)
	if e.Error != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(e.Error.Type))
	}
	for model, n := range e.Records {
		p := recordsPrefix + model
		attrs = append(attrs, attribute.Int(p+".added", n.Added), attribute.Int(p+".updated", n.Updated), attribute.Int(p+".deleted", n.Deleted))
	}
	if r.DroppedLogs > 0 {
		attrs = append(attrs, attrDroppedLogs.Int(r.DroppedLogs))
	}
	if r.DroppedCalls > 0 {
		attrs = append(attrs, attrDroppedCalls.Int(r.DroppedCalls))
	}
	return attrs
}

func logAttrs(l hostfns.LogLine) []attribute.KeyValue {
	attrs := []attribute.KeyValue{attrLogLevel.String(l.Level), attrLogMessage.String(l.Message)}
	if len(l.Meta) > 0 {
		if meta, err := json.Marshal(l.Meta); err == nil {
			attrs = append(attrs, attrLogMeta.String(string(meta)))
		}
	}
	return attrs
}

// exportCall adds an upstream call's span under the operation's. Its
// status is Error when no answer came or the answer was 4xx or 5xx, as
// OpenTelemetry's HTTP conventions ask of client spans.
func (x *Exporter) exportCall(ctx context.Context, c hostfns.Call, opStart time.Time) {
	start := c.Start
	if start.IsZero() {
		start = opStart
	}
	method := c.Method
	if method == "" {
		method = "HTTP"
	}
	_, span := x.tracer.Start(ctx, method,
		trace.WithTimestamp(start), trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(callAttrs(c)...))
	if c.Status == 0 || c.Status >= 400 {
		span.SetStatus(codes.Error, c.Err)
	}
	span.End(trace.WithTimestamp(start.Add(c.Duration)))
}

func callAttrs(c hostfns.Call) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 8+len(c.RequestHeaders))
	attrs = append(attrs, semconv.HTTPRequestMethodKey.String(c.Method), attrAttempt.Int(c.Attempt))
	if u, err := url.Parse(c.URL); err == nil && u.Host != "" {
		attrs = append(attrs, semconv.URLFull(redactURL(u, c.URL)), semconv.ServerAddress(u.Hostname()))
		if port, err := strconv.Atoi(u.Port()); err == nil {
			attrs = append(attrs, semconv.ServerPort(port))
		}
	}
	if c.Attempt > 0 {
		attrs = append(attrs, semconv.HTTPRequestResendCount(c.Attempt))
	}
	switch {
	case c.Status == 0:
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorOther))
	case c.Status >= 400:
		attrs = append(attrs, semconv.HTTPResponseStatusCode(c.Status), semconv.ErrorTypeKey.String(strconv.Itoa(c.Status)))
	default:
		attrs = append(attrs, semconv.HTTPResponseStatusCode(c.Status))
	}
	for name, v := range c.RequestHeaders {
		attrs = append(attrs, attribute.StringSlice(headerPrefix+strings.ToLower(name), []string{redactHeader(name, v)}))
	}
	return attrs
}
