package hostfns

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// seen is what a test server saw of one request.
type seen struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
}

// recorder is a loopback API answering with a test's handler and keeping
// every request it got.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newRecorder(t testing.TB, h http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, seen{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body)})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (rec *recorder) requests() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.reqs...)
}

// jsonReply answers every request with status and a JSON body.
func jsonReply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// testHTTP is an HTTP with retry delays short enough for tests.
func testHTTP() *HTTP {
	return NewHTTP(HTTPOptions{RetryBaseDelay: 2 * time.Millisecond, MaxRetryDelay: 5 * time.Second})
}

// plainTarget is a target on base without credentials.
func plainTarget(base string) Target {
	return Target{Provider: Provider{Name: "test", AuthMode: AuthNone, BaseURL: base}}
}

func TestDoMethodsParamsAndBodies(t *testing.T) {
	tests := []struct {
		name      string
		cfg       string // ProxyConfig JSON; endpoint defaults to /x
		method    string
		query     url.Values
		body      string
		ctype     string
		header    map[string]string
		noBodyReq bool
	}{
		{name: "default GET", cfg: `{}`, method: "GET", noBodyReq: true},
		{name: "lower-case verb", cfg: `{"method":"delete"}`, method: "DELETE"},
		{name: "POST JSON", cfg: `{"method":"POST","data":{"a":1,"b":[true]}}`, method: "POST", body: `{"a":1,"b":[true]}`, ctype: "application/json"},
		{name: "PUT text", cfg: `{"method":"PUT","data":"plain words"}`, method: "PUT", body: "plain words", ctype: "text/plain; charset=utf-8"},
		{name: "PATCH own content type", cfg: `{"method":"PATCH","data":{"a":1},"headers":{"content-type":"application/merge-patch+json"}}`,
			method: "PATCH", body: `{"a":1}`, ctype: "application/merge-patch+json"},
		{name: "form body", cfg: `{"method":"POST","data":{"a":"x y","n":2,"l":["p","q"],"z":null},"headers":{"Content-Type":"application/x-www-form-urlencoded"}}`,
			method: "POST", body: "a=x+y&l=p&l=q&n=2", ctype: "application/x-www-form-urlencoded"},
		{name: "custom verb", cfg: `{"method":"PROPFIND","data":"<x/>","headers":{"Content-Type":"application/xml"}}`, method: "PROPFIND", body: "<x/>", ctype: "application/xml"},
		{name: "OPTIONS", cfg: `{"method":"OPTIONS"}`, method: "OPTIONS"},
		{name: "GET drops data", cfg: `{"data":{"a":1}}`, method: "GET", noBodyReq: true},
		{name: "params object", cfg: `{"params":{"a":"1","n":2.5,"b":true,"arr":["x","y"],"skip":null}}`, method: "GET",
			query: url.Values{"a": {"1"}, "n": {"2.5"}, "b": {"true"}, "arr": {"x", "y"}}},
		{name: "params string", cfg: `{"params":"?a=1&b=two%20words&a=2"}`, method: "GET", query: url.Values{"a": {"1", "2"}, "b": {"two words"}}},
		{name: "endpoint query kept", cfg: `{"endpoint":"/x?fixed=1","params":{"p":"2"}}`, method: "GET", query: url.Values{"fixed": {"1"}, "p": {"2"}}},
		{name: "headers", cfg: `{"headers":{"x-one":"1","X-Two":"two"}}`, method: "GET", header: map[string]string{"X-One": "1", "X-Two": "two"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, jsonReply(200, `{"ok":true}`))
			var cfg ProxyConfig
			if err := json.Unmarshal([]byte(tc.cfg), &cfg); err != nil {
				t.Fatal(err)
			}
			if cfg.Endpoint == "" {
				cfg.Endpoint = "/x"
			}
			res, err := testHTTP().Do(context.Background(), plainTarget(rec.URL), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != 200 || string(res.Data) != `{"ok":true}` || res.Headers["content-type"] != "application/json" {
				t.Errorf("response = %+v", res)
			}
			got := rec.requests()[0]
			if got.Method != tc.method || got.Path != "/x" || got.Body != tc.body {
				t.Errorf("request = %s %s body %q; want %s /x body %q", got.Method, got.Path, got.Body, tc.method, tc.body)
			}
			if ct := got.Header.Get("Content-Type"); ct != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", ct, tc.ctype)
			}
			if tc.query != nil && got.Query.Encode() != tc.query.Encode() {
				t.Errorf("query = %s, want %s", got.Query.Encode(), tc.query.Encode())
			}
			for k, v := range tc.header {
				if got.Header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, got.Header.Get(k), v)
				}
			}
		})
	}
}

func TestDoResponses(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	zl := func(s string) []byte {
		var b bytes.Buffer
		zw := zlib.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	rawDeflate := func(s string) []byte {
		var b bytes.Buffer
		zw, _ := flate.NewWriter(&b, flate.DefaultCompression)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	tests := []struct {
		name     string
		cfg      ProxyConfig
		ctype    string
		encoding string
		body     []byte
		want     string
	}{
		{name: "json", ctype: "application/json", body: []byte(` {"a":[1,2]} `), want: `{"a":[1,2]}`},
		{name: "json without content type, like axios", ctype: "text/plain", body: []byte(`[1]`), want: `[1]`},
		{name: "text", ctype: "text/html", body: []byte(`<p>hi</p>`), want: `"\u003cp\u003ehi\u003c/p\u003e"`},
		{name: "forced text", cfg: ProxyConfig{ResponseType: "text"}, ctype: "application/json", body: []byte(`{"a":1}`), want: `"{\"a\":1}"`},
		{name: "arraybuffer", cfg: ProxyConfig{ResponseType: "arraybuffer"}, ctype: "application/octet-stream", body: []byte{0, 1, 2, 255}, want: `"AAEC/w=="`},
		{name: "empty", ctype: "application/json", want: `null`},
		{name: "gzip with own Accept-Encoding", cfg: ProxyConfig{Headers: map[string]string{"Accept-Encoding": "gzip"}},
			ctype: "application/json", encoding: "gzip", body: gz(`{"z":1}`), want: `{"z":1}`},
		{name: "gzip with decompress", cfg: ProxyConfig{Decompress: true}, ctype: "application/json", encoding: "gzip", body: gz(`{"z":2}`), want: `{"z":2}`},
		{name: "gzip magic without header", cfg: ProxyConfig{Decompress: true}, ctype: "application/json", body: gz(`{"z":3}`), want: `{"z":3}`},
		{name: "deflate zlib", cfg: ProxyConfig{Decompress: true}, ctype: "application/json", encoding: "deflate", body: zl(`{"d":1}`), want: `{"d":1}`},
		{name: "deflate raw", cfg: ProxyConfig{Decompress: true}, ctype: "application/json", encoding: "deflate", body: rawDeflate(`{"d":2}`), want: `{"d":2}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				if tc.encoding != "" {
					w.Header().Set("Content-Encoding", tc.encoding)
				}
				w.Write(tc.body)
			})
			tc.cfg.Endpoint = "/r"
			res, err := testHTTP().Do(context.Background(), plainTarget(rec.URL), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Data) != tc.want {
				t.Errorf("data = %s, want %s", res.Data, tc.want)
			}
			if _, ok := res.Headers["content-encoding"]; ok {
				t.Errorf("content-encoding kept after decompression: %v", res.Headers)
			}
		})
	}
}

// TestDoTransparentGzip checks that Go's transport decompresses when the
// function asks for nothing, and that the server saw Go's Accept-Encoding.
func TestDoTransparentGzip(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(`{"t":1}`))
		zw.Close()
	})
	res, err := testHTTP().Do(context.Background(), plainTarget(rec.URL), ProxyConfig{Endpoint: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Data) != `{"t":1}` {
		t.Errorf("data = %s", res.Data)
	}
}

func TestDoSizeCap(t *testing.T) {
	big := strings.Repeat("x", 2048)
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"content length", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, big) }},
		{"chunked", func(w http.ResponseWriter, _ *http.Request) {
			io.WriteString(w, big[:1024])
			w.(http.Flusher).Flush()
			io.WriteString(w, big[1024:])
		}},
		{"gzip bomb", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write([]byte(strings.Repeat(big, 100)))
			zw.Close()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, tc.handler)
			h := NewHTTP(HTTPOptions{MaxResponseBytes: 1024})
			var calls []Call
			tg := plainTarget(rec.URL)
			tg.OnCall = func(c Call) { calls = append(calls, c) }
			_, err := h.Do(context.Background(), tg, ProxyConfig{Endpoint: "/", Retries: 2})
			if !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
			if len(calls) != 1 || calls[0].Status != 200 || calls[0].Err == "" {
				t.Errorf("calls = %+v, want one attempt with the status and the error", calls)
			}
		})
	}
}

func TestDoUpstreamErrors(t *testing.T) {
	t.Run("non-2xx is an HTTPError", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Request-Id", "r1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			io.WriteString(w, `{"error":"no such thing"}`)
		})
		_, err := testHTTP().Do(context.Background(), plainTarget(rec.URL+"/api"), ProxyConfig{Endpoint: "thing", Retries: 3})
		var he *HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("err = %v, want *HTTPError", err)
		}
		if he.Status != 404 || he.Headers["x-request-id"] != "r1" || string(he.Body) != `{"error":"no such thing"}` || he.Method != "GET" {
			t.Errorf("HTTPError = %+v", he)
		}
		want := "GET " + rec.URL + `/api/thing: upstream answered 404: {"error":"no such thing"}`
		if err.Error() != want {
			t.Errorf("message = %q, want %q", err.Error(), want)
		}
		if n := len(rec.requests()); n != 1 {
			t.Errorf("404 was retried: %d requests", n)
		}
	})
	t.Run("long text body is shortened", func(t *testing.T) {
		rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(400)
			io.WriteString(w, strings.Repeat("é", 300))
		})
		_, err := testHTTP().Do(context.Background(), plainTarget(rec.URL), ProxyConfig{Endpoint: "/"})
		var he *HTTPError
		if !errors.As(err, &he) || !strings.HasSuffix(err.Error(), "…") || len(err.Error()) > 300 {
			t.Errorf("err = %v", err)
		}
		if !json.Valid(he.Body) || he.Body[0] != '"' {
			t.Errorf("body = %s, want a JSON string", he.Body)
		}
	})
	t.Run("no answer is a NetworkError", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		base := srv.URL
		srv.Close()
		_, err := testHTTP().Do(context.Background(), plainTarget(base), ProxyConfig{Endpoint: "/", Retries: 1})
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.Attempts != 2 || strings.Contains(err.Error(), `"`+base) {
			t.Fatalf("err = %v, want a *NetworkError after 2 attempts", err)
		}
	})
}

func TestDoOnCall(t *testing.T) {
	rec := newRecorder(t, jsonReply(200, `{}`))
	var calls []Call
	tg := plainTarget(rec.URL)
	tg.OnCall = func(c Call) { calls = append(calls, c) }
	if _, err := testHTTP().Do(context.Background(), tg, ProxyConfig{Endpoint: "/a", Params: Params{"q": {"1"}}}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 {
		t.Fatalf("calls = %d, want 1", len(calls))
	}
	c := calls[0]
	if c.Method != "GET" || c.URL != rec.URL+"/a?q=1" || c.Status != 200 || c.Attempt != 0 || c.Err != "" || c.Start.IsZero() || c.Duration <= 0 {
		t.Errorf("call = %+v", c)
	}
	if _, err := json.Marshal(c); err != nil {
		t.Errorf("a Call must marshal for the report: %v", err)
	}
}

func TestDoConcurrent(t *testing.T) {
	rec := newRecorder(t, jsonReply(200, `{"ok":1}`))
	h := testHTTP()
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := ProxyConfig{Endpoint: "/c", Method: "POST", Data: json.RawMessage(`{"i":1}`), Params: Params{"i": {string(rune('a' + i%26))}}}
			if _, err := h.Do(context.Background(), plainTarget(rec.URL), cfg); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(rec.requests()); n != 32 {
		t.Errorf("requests = %d, want 32", n)
	}
}

func BenchmarkDo(b *testing.B) {
	srv := httptest.NewServer(jsonReply(200, `{"id":"1","name":"small","tags":["a","b"]}`))
	defer srv.Close()
	b.Run("ferry", func(b *testing.B) {
		h := NewHTTP(HTTPOptions{})
		tg := plainTarget(srv.URL)
		cfg := ProxyConfig{Endpoint: "/items/1", Params: Params{"expand": {"tags"}}}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Do(context.Background(), tg, cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net/http baseline", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 32
		client := &http.Client{Transport: tr}
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/items/1?expand=tags", nil)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()
		}
	})
}

func ExampleHTTP_Do() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"auth":%q,"q":%q}`, r.Header.Get("X-Api-Key"), r.URL.Query().Get("q"))
	}))
	defer api.Close()

	h := NewHTTP(HTTPOptions{})
	target := Target{
		Provider:    Provider{AuthMode: AuthAPIKey, BaseURL: api.URL + "/v1", Headers: map[string]string{"X-Api-Key": "${apiKey}"}},
		Credentials: StaticCredentials{APIKey: "secret"},
	}
	res, err := h.Do(context.Background(), target, ProxyConfig{Endpoint: "/search", Params: Params{"q": {"ferry"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, string(res.Data))
	// Output: 200 {"auth":"secret","q":"ferry"}
}
