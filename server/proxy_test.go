package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/server"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

const proxyTestKey = "ferry_sk_proxy_test"

// proxyTestProviders reach their API at the connection's base_url, with
// each way of injecting credentials.
const proxyTestProviders = `
pt-bearer:
    auth_mode: OAUTH2
    proxy:
        base_url: ${connectionConfig.base_url}
        retry:
            after: x-wait
pt-header-key:
    auth_mode: API_KEY
    proxy:
        base_url: ${connectionConfig.base_url}
        headers:
            x-api-key: ${apiKey}
pt-query-key:
    auth_mode: API_KEY
    proxy:
        base_url: ${connectionConfig.base_url}
        query:
            api_key: ${apiKey}
pt-basic:
    auth_mode: BASIC
    proxy:
        base_url: ${connectionConfig.base_url}
`

// proxyServer is an in-process ferry server on a loopback port, with a
// real store and keyring in a temp dir.
type proxyServer struct {
	url string
	log *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func startProxyServer(t testing.TB, allowPrivate bool) *proxyServer {
	t.Helper()
	logs := &syncBuffer{}
	ps := startProxyServerLogging(t, allowPrivate, logs)
	ps.log = logs
	return ps
}

// startProxyServerLogging starts a server logging (text) to w; opts
// adjust its configuration.
func startProxyServerLogging(t testing.TB, allowPrivate bool, w io.Writer, opts ...func(*server.Config)) *proxyServer {
	t.Helper()
	dir := t.TempDir()
	over, err := providers.Load(strings.NewReader(proxyTestProviders))
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{
		Store: st, Sealer: keyring.Encoded(), Providers: providers.Builtin().Merge(over),
		Authorize:            func(k string) bool { return k == proxyTestKey },
		AllowPrivateNetworks: allowPrivate,
		Logger:               slog.New(slog.NewTextHandler(w, nil)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	baseURL := serveOnLoopback(t, cfg)
	return &proxyServer{url: baseURL}
}

// do sends a request with the secret key; header is name, value pairs.
func (ps *proxyServer) do(t testing.TB, method, path string, body io.Reader, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, ps.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+proxyTestKey)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// connect creates the integration key of provider and a connection id on
// it, whose API is at baseURL.
func (ps *proxyServer) connect(t testing.TB, key, provider, id, baseURL, credentials string) {
	t.Helper()
	for _, c := range []struct{ path, body string }{
		{"/integrations", fmt.Sprintf(`{"unique_key":%q,"provider":%q}`, key, provider)},
		{"/connections", fmt.Sprintf(`{"provider_config_key":%q,"connection_id":%q,"credentials":%s,"connection_config":{"base_url":%q}}`, key, id, credentials, baseURL)},
	} {
		resp := ps.do(t, "POST", c.path, strings.NewReader(c.body), "Content-Type", "application/json")
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 && !strings.Contains(string(data), "already_exists") {
			t.Fatalf("POST %s: %d %s", c.path, resp.StatusCode, data)
		}
	}
}

// seen is what an upstream received.
type seen struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// recorder is an upstream that records requests and answers with reply.
func recorder(t *testing.T, reply http.HandlerFunc) (*httptest.Server, func() []seen) {
	var (
		mu  sync.Mutex
		got []seen
	)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
		mu.Unlock()
		reply(w, r)
	}))
	t.Cleanup(up.Close)
	return up, func() []seen { mu.Lock(); defer mu.Unlock(); return append([]seen(nil), got...) }
}

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestProxyInjectsCredentials(t *testing.T) {
	ps := startProxyServer(t, true)
	up, got := recorder(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"ok":true}`)) })
	for _, tc := range []struct {
		name, provider, creds string
		check                 func(s seen) string
	}{
		{"bearer", "pt-bearer", `{"type":"OAUTH2","access_token":"tok-bearer-1"}`, func(s seen) string {
			return s.Header.Get("Authorization") + " " + s.Query
		}},
		{"api key in header", "pt-header-key", `{"type":"API_KEY","apiKey":"key-header-1"}`, func(s seen) string {
			return s.Header.Get("X-Api-Key") + "|" + s.Header.Get("Authorization") + "|" + s.Query
		}},
		{"api key in query", "pt-query-key", `{"type":"API_KEY","apiKey":"key-query-1"}`, func(s seen) string {
			return s.Header.Get("Authorization") + "|" + s.Query
		}},
		{"basic", "pt-basic", `{"type":"BASIC","username":"u","password":"p"}`, func(s seen) string {
			return s.Header.Get("Authorization")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps.connect(t, tc.provider, tc.provider, "c1", up.URL+"/api", tc.creds)
			before := len(got())
			resp := ps.do(t, "GET", "/proxy/v1/items?x=1", nil, "Connection-Id", "c1", "Provider-Config-Key", tc.provider)
			if body := readAll(t, resp); resp.StatusCode != 200 || body != `{"ok":true}` {
				t.Fatalf("proxy: %d %s", resp.StatusCode, body)
			}
			s := got()[before]
			if s.Path != "/api/v1/items" {
				t.Errorf("upstream path %q, want /api/v1/items", s.Path)
			}
			want := map[string]string{
				"bearer":            "Bearer tok-bearer-1 x=1",
				"api key in header": "key-header-1||x=1",
				"api key in query":  "|x=1&api_key=key-query-1",
				"basic":             "Basic dTpw",
			}[tc.name]
			if g := tc.check(s); g != want {
				t.Errorf("upstream saw %q, want %q", g, want)
			}
		})
	}
	// A call is logged once its body is copied, just after the client has it.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(ps.log.String(), "api_key=REDACTED"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log has no redacted proxy call:\n%s", ps.log)
		}
	}
	if strings.Contains(ps.log.String(), "key-query-1") || strings.Contains(ps.log.String(), "tok-bearer-1") {
		t.Errorf("the log holds credentials:\n%s", ps.log)
	}
}

func TestProxyPassesThrough(t *testing.T) {
	ps := startProxyServer(t, true)
	up, got := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Up", "a")
		h.Add("Set-Cookie", "s=1")
		h.Add("Set-Cookie", "t=2")
		h.Set("Connection", "X-Drop")
		h.Set("X-Drop", "1")
		h.Set("Proxy-Thing", "1")
		h.Set("Keep-Alive", "timeout=5")
		h.Set("Content-Type", "application/vnd.test+json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"echo":%q}`, r.Method)
	})
	ps.connect(t, "gh", "pt-bearer", "c1", up.URL, `{"type":"OAUTH2","access_token":"tok-1"}`)

	resp := ps.do(t, "POST", "/proxy/repos/a%2Fb/issues?state=open&x=%20", strings.NewReader(`{"title":"t"}`),
		"Connection-Id", "c1", "Provider-Config-Key", "gh", "Content-Type", "application/json",
		"Nango-Proxy-X-Custom", "v1", "X-Plain", "p", "Retries", "0", "Connection", "X-Hop", "X-Hop", "h",
		"Nango-Proxy-Accept", "application/vnd.custom")
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusCreated || body != `{"echo":"POST"}` {
		t.Fatalf("proxy: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Up") != "a" || len(resp.Header.Values("Set-Cookie")) != 2 || resp.Header.Get("Content-Type") != "application/vnd.test+json" {
		t.Errorf("end-to-end headers lost: %v", resp.Header)
	}
	for _, h := range []string{"X-Drop", "Proxy-Thing", "Keep-Alive"} {
		if resp.Header.Get(h) != "" {
			t.Errorf("hop-by-hop header %s passed through: %v", h, resp.Header)
		}
	}
	s := got()[0]
	if s.Method != "POST" || s.Path != "/repos/a/b/issues" && s.Path != "/repos/a%2Fb/issues" || s.Query != "state=open&x=%20" || s.Body != `{"title":"t"}` {
		t.Errorf("upstream saw %s %s ? %s body %q", s.Method, s.Path, s.Query, s.Body)
	}
	wantHeaders := map[string]string{
		"Authorization": "Bearer tok-1", "X-Custom": "v1", "X-Plain": "p", "Content-Type": "application/json",
		"Accept": "application/vnd.custom", "Connection-Id": "", "Provider-Config-Key": "", "Retries": "", "X-Hop": "",
		"Nango-Proxy-X-Custom": "",
	}
	for k, v := range wantHeaders {
		if g := s.Header.Get(k); g != v {
			t.Errorf("upstream header %s = %q, want %q", k, g, v)
		}
	}
}

func TestProxyRetries(t *testing.T) {
	ps := startProxyServer(t, true)
	var calls atomic.Int32
	failFirst := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.Header().Set("Retry-After", "0")
				w.Header().Set("X-Wait", "0")
				w.WriteHeader(status)
				return
			}
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "ok %s", b)
		}
	}
	for _, tc := range []struct {
		name    string
		status  int
		header  []string
		want    int
		attempt int32
	}{
		{"503 then 200", 503, []string{"Retries", "3"}, 200, 2},
		{"503 without retries", 503, nil, 503, 1},
		{"409 is not retried", 409, []string{"Retries", "3"}, 409, 1},
		{"retry on 409", 409, []string{"Retries", "3", "Retry-On", "409, 410"}, 200, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			up := httptest.NewServer(failFirst(tc.status))
			defer up.Close()
			ps.connect(t, "r-"+strconv.Itoa(tc.status), "pt-bearer", tc.name, up.URL, `{"type":"OAUTH2","access_token":"tok"}`)
			h := append([]string{"Connection-Id", tc.name, "Provider-Config-Key", "r-" + strconv.Itoa(tc.status)}, tc.header...)
			resp := ps.do(t, "PUT", "/proxy/x", strings.NewReader("payload"), h...)
			body := readAll(t, resp)
			if resp.StatusCode != tc.want || calls.Load() != tc.attempt {
				t.Fatalf("%d %q after %d calls, want %d after %d", resp.StatusCode, body, calls.Load(), tc.want, tc.attempt)
			}
			if tc.want == 200 && body != "ok payload" {
				t.Errorf("the retry lost the body: %q", body)
			}
		})
	}
}

func TestProxyBaseURLOverrideAndDecompress(t *testing.T) {
	ps := startProxyServer(t, true)
	orig, gotOrig := recorder(t, func(w http.ResponseWriter, r *http.Request) {})
	over, gotOver := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte("plain text"))
		zw.Close()
	})
	ps.connect(t, "gh", "pt-bearer", "c1", orig.URL, `{"type":"OAUTH2","access_token":"tok"}`)
	resp := ps.do(t, "GET", "/proxy/v2/x", nil, "Connection-Id", "c1", "Provider-Config-Key", "gh",
		"Base-Url-Override", over.URL+"/base", "Decompress", "true")
	if body := readAll(t, resp); resp.StatusCode != 200 || body != "plain text" || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("%d %q %v", resp.StatusCode, body, resp.Header)
	}
	if len(gotOrig()) != 0 || len(gotOver()) != 1 || gotOver()[0].Path != "/base/v2/x" {
		t.Fatalf("override not followed: orig %v, override %v", gotOrig(), gotOver())
	}
}

func TestProxyErrors(t *testing.T) {
	up, _ := recorder(t, func(w http.ResponseWriter, r *http.Request) {})
	open := startProxyServer(t, true)
	open.connect(t, "gh", "pt-bearer", "c1", up.URL, `{"type":"OAUTH2","access_token":"tok"}`)
	guarded := startProxyServer(t, false)
	guarded.connect(t, "gh", "pt-bearer", "c1", up.URL, `{"type":"OAUTH2","access_token":"tok"}`)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()

	for _, tc := range []struct {
		name   string
		ps     *proxyServer
		header []string
		status int
		code   string
		msg    string
	}{
		{"no headers", open, nil, 400, "invalid_request", "Connection-Id and Provider-Config-Key"},
		{"no connection id", open, []string{"Provider-Config-Key", "gh"}, 400, "invalid_request", "Connection-Id header"},
		{"no provider config key", open, []string{"Connection-Id", "c1"}, 400, "invalid_request", "Provider-Config-Key header"},
		{"bad retries", open, []string{"Connection-Id", "c1", "Provider-Config-Key", "gh", "Retries", "many"}, 400, "invalid_request", "Retries"},
		{"bad retry-on", open, []string{"Connection-Id", "c1", "Provider-Config-Key", "gh", "Retry-On", "5xx"}, 400, "invalid_request", "Retry-On"},
		{"unknown connection", open, []string{"Connection-Id", "nope", "Provider-Config-Key", "gh"}, 404, "not_found", ""},
		{"unknown integration", open, []string{"Connection-Id", "c1", "Provider-Config-Key", "nope"}, 404, "not_found", ""},
		{"loopback refused", guarded, []string{"Connection-Id", "c1", "Provider-Config-Key", "gh"}, 403, "forbidden_destination", "--allow-private-networks"},
		{"unreachable", open, []string{"Connection-Id", "c1", "Provider-Config-Key", "gh", "Base-Url-Override", dead.URL}, 502, "upstream_unreachable", "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.ps.do(t, "GET", "/proxy/x", nil, tc.header...)
			var v struct {
				Error struct{ Code, Message string }
			}
			body := readAll(t, resp)
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("%d %s: %v", resp.StatusCode, body, err)
			}
			if resp.StatusCode != tc.status || v.Error.Code != tc.code || !strings.Contains(v.Error.Message, tc.msg) {
				t.Fatalf("%d %s, want %d %s containing %q", resp.StatusCode, body, tc.status, tc.code, tc.msg)
			}
		})
	}
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestProxyStreamsLargeDownloads(t *testing.T) {
	size := int64(512 << 20)
	if testing.Short() {
		size = 64 << 20
	}
	up, _ := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		io.Copy(w, io.LimitReader(zeros{}, size))
	})
	ps := startProxyServer(t, true)
	ps.connect(t, "gh", "pt-bearer", "c1", up.URL, `{"type":"OAUTH2","access_token":"tok"}`)

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp := ps.do(t, "GET", "/proxy/big", nil, "Connection-Id", "c1", "Provider-Config-Key", "gh")
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if err != nil || n != size || resp.ContentLength != size {
		t.Fatalf("copied %d bytes (Content-Length %d), want %d: %v", n, resp.ContentLength, size, err)
	}
	// Upstream, ferry and client share this process: everything they
	// allocated while the body went through is far below its size.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(size/16) {
		t.Fatalf("the proxy allocated %d MiB to pass %d MiB: it buffers", alloc>>20, size>>20)
	} else {
		t.Logf("%d MiB passed with %d KiB allocated", size>>20, alloc>>10)
	}
}

func TestProxyLargeUploadIsSentOnce(t *testing.T) {
	ps := startProxyServer(t, true)
	var calls atomic.Int32
	up, got := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	ps.connect(t, "gh", "pt-bearer", "c1", up.URL, `{"type":"OAUTH2","access_token":"tok"}`)
	payload := strings.Repeat("0123456789abcdef", 3<<16) // 3 MiB: over the replay limit
	resp := ps.do(t, "POST", "/proxy/upload", strings.NewReader(payload), "Connection-Id", "c1", "Provider-Config-Key", "gh", "Retries", "3")
	readAll(t, resp)
	if resp.StatusCode != 503 || calls.Load() != 1 || got()[0].Body != payload {
		t.Fatalf("%d after %d calls, body intact: %v", resp.StatusCode, calls.Load(), got()[0].Body == payload)
	}
}
