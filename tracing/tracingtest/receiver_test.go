package tracingtest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"sync"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// errorsT records the errors a receiver reports instead of failing.
type errorsT struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (t *errorsT) Errorf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = append(t.errs, fmt.Sprintf(format, args...))
}

func (t *errorsT) errors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.errs...)
}

// TestReceiver decodes exports, gzipped or not, and refuses what is not
// one.
func TestReceiver(t *testing.T) {
	export, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{
			Name: "op", TraceId: bytes.Repeat([]byte{1}, 16), SpanId: bytes.Repeat([]byte{2}, 8),
			Kind: tracepb.Span_SPAN_KIND_SERVER, StartTimeUnixNano: 1e9, EndTimeUnixNano: 2e9,
			Attributes: []*commonpb.KeyValue{{Key: "n", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 7}}}},
		}}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(export)
	zw.Close()
	for _, tc := range []struct {
		name, path, contentType, encoding string
		body                              []byte
		status, spans                     int
	}{
		{"export", Path, "application/x-protobuf", "", export, 200, 1},
		{"gzipped export", Path, "application/x-protobuf", "gzip", zipped.Bytes(), 200, 1},
		{"wrong path", "/v1/logs", "application/x-protobuf", "", export, 400, 0},
		{"JSON", Path, "application/json", "", []byte(`{}`), 400, 0},
		{"not protobuf", Path, "application/x-protobuf", "", []byte{0xff, 0xff}, 400, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			et := &errorsT{TB: t}
			r := NewReceiver(et)
			req, _ := http.NewRequest("POST", r.URL+tc.path, bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			if tc.encoding != "" {
				req.Header.Set("Content-Encoding", tc.encoding)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			spans, errs := r.Spans(), et.errors()
			if resp.StatusCode != tc.status || len(spans) != tc.spans || (tc.status == 200) != (len(errs) == 0) {
				t.Fatalf("status %d, %d spans, errors %q", resp.StatusCode, len(spans), errs)
			}
			if tc.spans > 0 && (spans[0].Name != "op" || spans[0].Kind != "server" || spans[0].Attributes["n"] != int64(7) || spans[0].End.Unix() != 2) {
				t.Fatalf("span %+v", spans[0])
			}
		})
	}
}
