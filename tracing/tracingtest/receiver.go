// Package tracingtest is an OTLP/HTTP trace receiver for tests: an
// httptest server that decodes the protobuf requests a collector would get
// and keeps their spans, in a form of its own, for assertions.
package tracingtest

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Path is where the receiver takes spans, OTLP/HTTP's.
const Path = "/v1/traces"

// Span is a received span.
type Span struct {
	Name                      string
	Kind                      string // "internal", "server", "client", …
	TraceID, SpanID, ParentID string // hex; ParentID "" for a root
	Start, End                time.Time
	Attributes                map[string]any // string, bool, int64, float64, []any
	Status, StatusMessage     string         // Status: "unset", "ok" or "error"
	Events                    []Event
	Resource                  map[string]any
}

// Event is a span's event.
type Event struct {
	Name       string
	Time       time.Time
	Attributes map[string]any
}

// Receiver is a running receiver; Close is registered with the test's
// cleanup. It is safe for concurrent use.
type Receiver struct {
	// URL is the receiver's base URL (spans are posted to URL + Path).
	URL string

	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	spans   []Span
	headers []http.Header
	raw     bytes.Buffer
}

// NewReceiver starts a receiver. A request that is not an OTLP/HTTP
// protobuf export (method, path, content type, body) fails the test and
// is answered 400.
func NewReceiver(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	t.Cleanup(r.srv.Close)
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := r.read(req)
	if err != nil {
		r.t.Errorf("tracingtest: %s %s: %v", req.Method, req.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var export coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &export); err != nil {
		r.t.Errorf("tracingtest: decode an export: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.headers = append(r.headers, req.Header.Clone())
	for name, vs := range req.Header {
		fmt.Fprintf(&r.raw, "%s: %s\n", name, strings.Join(vs, ", "))
	}
	r.raw.Write(body)
	for _, rs := range export.GetResourceSpans() {
		res := attrs(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				r.spans = append(r.spans, span(s, res))
			}
		}
	}
	r.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(out)
}

// read checks that req is an export and returns its body, decompressed.
func (r *Receiver) read(req *http.Request) ([]byte, error) {
	switch {
	case req.Method != http.MethodPost:
		return nil, fmt.Errorf("method %s, want POST", req.Method)
	case req.URL.Path != Path:
		return nil, fmt.Errorf("path %q, want %q", req.URL.Path, Path)
	case req.Header.Get("Content-Type") != "application/x-protobuf":
		return nil, fmt.Errorf("content type %q, want application/x-protobuf", req.Header.Get("Content-Type"))
	}
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			return nil, err
		}
		body = zr
	}
	return io.ReadAll(body)
}

// Spans returns the spans received so far, in arrival order.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// WaitSpans waits until at least n spans have arrived and returns them;
// the test fails if they do not within 20 s.
func (r *Receiver) WaitSpans(n int) []Span {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		spans := r.Spans()
		if len(spans) >= n {
			return spans
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("tracingtest: %d spans arrived, want %d", len(spans), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Headers returns the headers of every export received.
func (r *Receiver) Headers() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]http.Header(nil), r.headers...)
}

// Received returns every byte received: each export's headers and its
// body (decompressed), for checking that something never left.
func (r *Receiver) Received() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.raw.Bytes())
}

// Find returns the first span named name, or false.
func Find(spans []Span, name string) (Span, bool) {
	for _, s := range spans {
		if s.Name == name {
			return s, true
		}
	}
	return Span{}, false
}

// Children returns the spans whose parent is parent, by start time.
func Children(spans []Span, parent Span) []Span {
	var out []Span
	for _, s := range spans {
		if s.TraceID == parent.TraceID && s.ParentID == parent.SpanID {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

func span(s *tracepb.Span, res map[string]any) Span {
	out := Span{
		Name: s.GetName(), Kind: strings.ToLower(strings.TrimPrefix(s.GetKind().String(), "SPAN_KIND_")),
		TraceID: hex.EncodeToString(s.GetTraceId()), SpanID: hex.EncodeToString(s.GetSpanId()),
		Start: unixNano(s.GetStartTimeUnixNano()), End: unixNano(s.GetEndTimeUnixNano()),
		Attributes:    attrs(s.GetAttributes()),
		Status:        strings.ToLower(strings.TrimPrefix(s.GetStatus().GetCode().String(), "STATUS_CODE_")),
		StatusMessage: s.GetStatus().GetMessage(),
		Resource:      res,
	}
	if p := s.GetParentSpanId(); len(p) > 0 {
		out.ParentID = hex.EncodeToString(p)
	}
	for _, e := range s.GetEvents() {
		out.Events = append(out.Events, Event{Name: e.GetName(), Time: unixNano(e.GetTimeUnixNano()), Attributes: attrs(e.GetAttributes())})
	}
	return out
}

func unixNano(ns uint64) time.Time { return time.Unix(0, int64(ns)).UTC() }

func attrs(kvs []*commonpb.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.GetKey()] = value(kv.GetValue())
	}
	return m
}

func value(v *commonpb.AnyValue) any {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return x.BoolValue
	case *commonpb.AnyValue_IntValue:
		return x.IntValue
	case *commonpb.AnyValue_DoubleValue:
		return x.DoubleValue
	case *commonpb.AnyValue_BytesValue:
		return x.BytesValue
	case *commonpb.AnyValue_ArrayValue:
		out := make([]any, 0, len(x.ArrayValue.GetValues()))
		for _, e := range x.ArrayValue.GetValues() {
			out = append(out, value(e))
		}
		return out
	case *commonpb.AnyValue_KvlistValue:
		return attrs(x.KvlistValue.GetValues())
	}
	return nil
}
