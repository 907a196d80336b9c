package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/jscompile"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

// The deploy and action tests run real TypeScript functions
// (testdata/functions, Nango's layout) compiled by jscompile and run by a
// real host, through the server's routes (fiber's app.Test).

const fnTestKey = "ferry_sk_functions_test"

var (
	fnHostOnce sync.Once
	fnHost     *host.Host
	fnHostErr  error

	fnCompiledMu sync.Mutex
	fnCompiled   = map[string][]byte{}
)

// fnTestHost is the one host of the test binary (compiled code in memory).
func fnTestHost(t testing.TB) *host.Host {
	t.Helper()
	fnHostOnce.Do(func() { fnHost, fnHostErr = host.New(host.Config{MemoryLimitPages: 1024}) })
	if fnHostErr != nil {
		t.Fatal(fnHostErr)
	}
	return fnHost
}

// fnBundle compiles testdata/functions/<name>.ts once per test binary.
func fnBundle(t testing.TB, name string) []byte {
	t.Helper()
	if _, err := os.Stat(filepath.Join("..", "node_modules", "zod", "package.json")); err != nil {
		t.Skipf("the TypeScript functions need zod: run npm ci at the repository's root (%v)", err)
	}
	h := fnTestHost(t)
	fnCompiledMu.Lock()
	defer fnCompiledMu.Unlock()
	if wasm, ok := fnCompiled[name]; ok {
		return wasm
	}
	path := filepath.Join("testdata", "functions", filepath.FromSlash(name)+".ts")
	fns, err := jscompile.Compile(context.Background(), path, jscompile.Options{Describe: h.DescribeJS})
	if err != nil || len(fns) != 1 {
		t.Fatalf("compile %s: %d functions, %v", name, len(fns), err)
	}
	fnCompiled[name] = fns[0].Wasm
	return fns[0].Wasm
}

// fnHarness is a server with a real host on a temporary store.
type fnHarness struct {
	t   testing.TB
	srv *Server
	st  *store.Store
}

func fnOpenStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "ferry.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newFnHarness serves st (a new store when nil); opts adjust the
// server's configuration.
func newFnHarness(t testing.TB, st *store.Store, opts ...func(*Config)) *fnHarness {
	t.Helper()
	if st == nil {
		st = fnOpenStore(t)
	}
	kr, err := vault.LoadKeyring(vault.LoadOptions{EncryptionKey: "", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Store: st, Sealer: kr.Encoded(), Providers: providers.Builtin(),
		Authorize:            func(key string) bool { return key == fnTestKey },
		BodyLimit:            MaxBundleSize + 1<<20,
		AllowPrivateNetworks: true,
		Host:                 fnTestHost(t),
		ActionTimeout:        10 * time.Second,
		Logger:               slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Before the store closes: syncs started by deploys stop first.
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return &fnHarness{t: t, srv: srv, st: st}
}

// do sends a request through the app; header is name, value pairs.
func (h *fnHarness) do(method, path string, body []byte, header ...string) (int, []byte) {
	h.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fnTestKey)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := h.srv.app.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return res.StatusCode, out
}

// must sends a request and fails unless it answers want; it returns the
// decoded body.
func (h *fnHarness) must(want int, method, path string, body []byte, header ...string) map[string]any {
	h.t.Helper()
	status, out := h.do(method, path, body, header...)
	if status != want {
		h.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, out)
	}
	var v map[string]any
	if len(out) > 0 {
		if err := json.Unmarshal(out, &v); err != nil {
			h.t.Fatalf("%s %s: %v: %s", method, path, err, out)
		}
	}
	return v
}

// setup creates the demo integration (GitHub with a token) and its
// connection conn-1.
func (h *fnHarness) setup() {
	h.t.Helper()
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.must(http.StatusCreated, "POST", "/connections",
		[]byte(`{"connection_id":"conn-1","provider_config_key":"demo","credentials":{"type":"API_KEY","apiKey":"tok-1"}}`), "Content-Type", "application/json")
}

func (h *fnHarness) deploy(name string) map[string]any {
	h.t.Helper()
	return h.must(http.StatusCreated, "POST", "/functions", fnBundle(h.t, name), "Content-Type", "application/wasm")
}

func TestDeployFunctions(t *testing.T) {
	h := newFnHarness(t, nil)
	echo := fnBundle(t, "demo/actions/echo")

	// Before the integration exists.
	status, out := h.do("POST", "/functions", echo, "Content-Type", "application/wasm")
	if status != http.StatusNotFound || !strings.Contains(string(out), `integration \"demo\" does not exist`) {
		t.Fatalf("unknown integration: %d %s", status, out)
	}
	h.setup()

	bad := []struct {
		name   string
		body   []byte
		status int
		code   string
		msg    string
	}{
		{"empty", nil, 400, "invalid_request", "needs a bundle"},
		{"not wasm", []byte("hello, world"), 400, "not_wasm", "not a WebAssembly module"},
		{"no manifest", []byte("\x00asm\x01\x00\x00\x00"), 400, "invalid_bundle", "manifest"},
		{"oversize", make([]byte, MaxBundleSize+1), 413, "payload_too_large", "over the"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			status, out := h.do("POST", "/functions", tc.body, "Content-Type", "application/wasm")
			var e struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal(out, &e)
			if status != tc.status || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.msg) {
				t.Fatalf("status %d %s, want %d %s %q", status, out, tc.status, tc.code, tc.msg)
			}
		})
	}
	if list := h.must(200, "GET", "/functions", nil); len(list["data"].([]any)) != 0 {
		t.Fatalf("bad deploys stored something: %v", list)
	}

	first := h.deploy("demo/actions/echo")
	if first["deploy"] != 1.0 || first["version"] != "1.2.0" || first["type"] != "action" || first["active"] != true || first["hash"] == "" {
		t.Fatalf("first deploy: %v", first)
	}
	second := h.deploy("demo/actions/echo")
	if second["deploy"] != 2.0 {
		t.Fatalf("second deploy: %v", second)
	}
	h.deploy("demo/syncs/items")

	list := h.must(200, "GET", "/functions", nil)["data"].([]any)
	if len(list) != 2 {
		t.Fatalf("list: %v", list)
	}
	if fn := list[0].(map[string]any); fn["name"] != "echo" || fn["deploy"] != 2.0 || fn["active"] != true || fn["integration"] != "demo" || fn["deployed_at"] == "" {
		t.Fatalf("list[0]: %v", fn)
	}
	got := h.must(200, "GET", "/functions/demo/echo", nil)
	if got["deploy"] != 2.0 || len(got["versions"].([]any)) != 2 || got["manifest"].(map[string]any)["name"] != "echo" {
		t.Fatalf("get: %v", got)
	}
	h.must(404, "GET", "/functions/demo/nope", nil)

	// Roll back to the first deploy; it runs.
	if v := h.must(200, "POST", "/functions/demo/echo/activate", []byte(`{"deploy":1}`)); v["deploy"] != 1.0 || v["active"] != true {
		t.Fatalf("activate: %v", v)
	}
	h.must(404, "POST", "/functions/demo/echo/activate", []byte(`{"deploy":7}`))
	h.must(200, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"hi"}}`), "Connection-Id", "conn-1", "Provider-Config-Key", "demo")

	h.must(200, "DELETE", "/functions/demo/echo", nil)
	h.must(404, "DELETE", "/functions/demo/echo", nil)
	h.must(404, "GET", "/functions/demo/echo", nil)
	if e := h.must(404, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"hi"}}`), "Connection-Id", "conn-1", "Provider-Config-Key", "demo"); e["error"].(map[string]any)["code"] != "unknown_action" {
		t.Fatalf("trigger after delete: %v", e)
	}
}

// TestFunctionsSurviveRestart: a new server on the same store runs the
// active version without a new deploy.
func TestFunctionsSurviveRestart(t *testing.T) {
	st := fnOpenStore(t)
	h := newFnHarness(t, st)
	h.setup()
	h.deploy("demo/actions/echo")
	h.deploy("demo/actions/echo")

	restarted := newFnHarness(t, st)
	out := restarted.must(200, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"again"}}`), "Connection-Id", "conn-1", "Provider-Config-Key", "demo")
	if out["text"] != "again" {
		t.Fatalf("after restart: %v", out)
	}
	// What the server does at start: load every active function.
	fs := &functionSet{s: restarted.srv, h: restarted.srv.cfg.Host, loaded: map[store.FunctionKey]*loadedFunction{}}
	fs.loadAll(context.Background())
	lf := fs.take(fs.key("demo", "echo"))
	if lf == nil || lf.version.Deploy != 2 {
		t.Fatalf("loaded at start: %+v", lf)
	}
	lf.runs.Done()
}
