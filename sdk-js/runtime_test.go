package sdkjs_test

// The end-to-end tests of the JS runtime: TypeScript functions written as
// Nango users write them (testdata/functions, Nango's layout) are compiled
// by jscompile with the embedded sdk-js, loaded into a real host.Host,
// and run with a real hostfns.Nango over a real store and the real HTTP
// capability, against an httptest.Server playing the external API.
//
// This file holds the harness; the tests are in runtime_*_test.go.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/jscompile"
	"github.com/ferryhq/ferry/store"
)

// functionsDir holds the test functions: <integration>/{syncs,actions}/<name>.ts.
const functionsDir = "testdata/functions"

// memoryLimitPages is the shared host's cap per execution (64 MiB), low
// enough for a memory hog to reach it quickly.
const memoryLimitPages = 1024

// cacheDir is one compilation cache for the test binary: the engine is
// compiled to native code once per run.
var cacheDir string

func TestMain(m *testing.M) {
	if _, err := os.Stat(filepath.Join("..", "node_modules", "zod", "package.json")); err != nil {
		fmt.Fprintf(os.Stderr, "sdk-js's runtime tests need zod: run npm ci at the repository's root (%v)\n", err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "ferry-sdkjs-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cacheDir = dir
	code := m.Run()
	if sharedHost != nil {
		sharedHost.Close(context.Background())
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	hostOnce   sync.Once
	sharedHost *host.Host
	hostErr    error
)

// testHost is the host every test uses: it describes functions for the
// compiler and runs them.
func testHost(t testing.TB) *host.Host {
	t.Helper()
	hostOnce.Do(func() {
		sharedHost, hostErr = host.New(host.Config{CacheDir: cacheDir, MemoryLimitPages: memoryLimitPages})
	})
	if hostErr != nil {
		t.Fatal(hostErr)
	}
	return sharedHost
}

// compiled is one function, compiled and loaded once for the test binary.
type compiled struct {
	once sync.Once
	fn   jscompile.Function
	bun  *host.Bundle
	err  error
}

var (
	compiledMu sync.Mutex
	compiledFn = map[string]*compiled{}
)

// function compiles testdata/functions/<name>.ts (name is
// "<integration>/<syncs|actions>/<function>") with the real compiler and
// loads it into the shared host, once per test binary.
func function(t testing.TB, name string) *host.Bundle {
	t.Helper()
	h := testHost(t)
	compiledMu.Lock()
	c := compiledFn[name]
	if c == nil {
		c = &compiled{}
		compiledFn[name] = c
	}
	compiledMu.Unlock()
	c.once.Do(func() {
		path := filepath.Join(functionsDir, filepath.FromSlash(name)+".ts")
		fns, err := jscompile.Compile(context.Background(), path, jscompile.Options{Describe: h.DescribeJS})
		if err != nil {
			c.err = fmt.Errorf("compile %s: %w", name, err)
			return
		}
		if len(fns) != 1 {
			c.err = fmt.Errorf("compile %s: %d functions, want 1", name, len(fns))
			return
		}
		c.fn = fns[0]
		c.bun, c.err = h.Load(context.Background(), c.fn.Wasm)
	})
	if c.err != nil {
		t.Fatal(c.err)
	}
	return c.bun
}

// seen is one request the fake API received.
type seen struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
}

// jsonBody decodes the request's body.
func (s seen) jsonBody(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s.Body), &m); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", s.Method, s.Path, s.Body, err)
	}
	return m
}

// upstream is the external API: an httptest.Server routing with
// http.ServeMux patterns ("GET /api/v2/users/{id}") and recording every
// request it receives.
type upstream struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newUpstream(t testing.TB, routes map[string]http.HandlerFunc) *upstream {
	t.Helper()
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, h)
	}
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		u.mu.Lock()
		u.reqs = append(u.reqs, seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body)})
		u.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

// requests returns the requests received so far, in order.
func (u *upstream) requests() []seen {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.reqs)
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// jsonHandler answers every request with status and v.
func jsonHandler(status int, v any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, v) }
}

// env is what one test runs functions against: a fresh store, the HTTP
// capability, the fake API and the connection's settings.
type env struct {
	t        testing.TB
	store    *store.Store
	http     *hostfns.HTTP
	api      *upstream
	provider hostfns.Provider // BaseURL points at api; Name is the integration
	creds    hostfns.StaticCredentials
	config   map[string]any // the connection's connection_config
	vars     []hostfns.EnvVar
}

const (
	testConn    = "conn-1"
	testEnv     = "dev"
	accessToken = "secret-token"
)

func newEnv(t testing.TB, routes map[string]http.HandlerFunc) *env {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "ferry.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := newUpstream(t, routes)
	return &env{
		t:        t,
		store:    st,
		http:     hostfns.NewHTTP(hostfns.HTTPOptions{RetryBaseDelay: 5 * time.Millisecond}),
		api:      api,
		provider: hostfns.Provider{AuthMode: "OAUTH2", BaseURL: api.URL},
		creds:    hostfns.StaticCredentials{Type: "OAUTH2", AccessToken: accessToken},
	}
}

// nango returns a fresh nango object for one execution of b, scoped to
// connection testConn of b's integration.
func (e *env) nango(b *host.Bundle) *hostfns.Nango {
	m := b.Manifest()
	prov := e.provider
	prov.Name = m.Integration
	return hostfns.New(hostfns.Scope{
		Connection: hostfns.Connection{
			ID:                testConn,
			ProviderConfigKey: m.Integration,
			Provider:          m.Integration,
			Environment:       testEnv,
			ConnectionConfig:  e.config,
		},
		Provider:    prov,
		Credentials: e.creds,
		Function:    m.Name,
		Models:      slices.Sorted(maps.Keys(m.Models)),
	}, hostfns.Options{HTTP: e.http, Store: e.store, Environment: e.vars})
}

// run runs one execution of b (its manifest's entry point unless exec
// names one) and returns its result, its nango object (for the report)
// and its error.
func (e *env) run(b *host.Bundle, exec host.Execution) (host.Result, *hostfns.Nango, error) {
	e.t.Helper()
	n := e.nango(b)
	exec.Nango = n
	if exec.Timeout == 0 {
		exec.Timeout = 30 * time.Second
	}
	res, err := b.Run(context.Background(), exec)
	return res, n, err
}

// hostExec is an execution of the manifest's entry point with input.
func hostExec(input string) host.Execution {
	return host.Execution{Input: []byte(input)}
}

// hostExecEntry is an execution of entry with input.
func hostExecEntry(entry string, input []byte) host.Execution {
	return host.Execution{Entry: entry, Input: input}
}

// mustRun runs b with input (JSON text, "" for none) and fails the test
// on an error.
func (e *env) mustRun(b *host.Bundle, input string) (host.Result, *hostfns.Nango) {
	e.t.Helper()
	res, n, err := e.run(b, host.Execution{Input: []byte(input)})
	if err != nil {
		e.t.Fatalf("%s: %v%s", b.Manifest().Name, err, functionDetail(err))
	}
	return res, n
}

// functionDetail is the function error's code, for failure messages.
func functionDetail(err error) string {
	var ee *host.ExecError
	if errors.As(err, &ee) && ee.Function != nil {
		return fmt.Sprintf(" (code %s)", ee.Function.Code)
	}
	return ""
}

func (e *env) connection(integration string) store.Connection {
	return store.Connection{Environment: testEnv, ProviderConfigKey: integration, ConnectionID: testConn}
}

// records returns every stored record of model, deleted ones included,
// by id.
func (e *env) records(integration, model string) map[string]store.Record {
	e.t.Helper()
	key := store.ModelKey{Connection: e.connection(integration), Model: model}
	all := map[string]store.Record{}
	cursor := ""
	for {
		page, err := e.store.ListRecords(context.Background(), key, store.ListQuery{Cursor: cursor, Limit: 1000})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, r := range page.Records {
			all[r.ID] = r
		}
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

// states returns the last action of every stored record of model, by id.
func (e *env) states(integration, model string) map[string]store.Action {
	e.t.Helper()
	out := map[string]store.Action{}
	for id, r := range e.records(integration, model) {
		out[id] = r.Meta.LastAction
	}
	return out
}

// recordData decodes one stored record's data.
func recordData(t testing.TB, r store.Record) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Data, &m); err != nil {
		t.Fatalf("record %s: %v", r.ID, err)
	}
	return m
}

func (e *env) setMetadata(integration string, md map[string]any) {
	e.t.Helper()
	if err := e.store.SetMetadata(context.Background(), e.connection(integration), md); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) metadata(integration string) map[string]any {
	e.t.Helper()
	md, err := e.store.Metadata(context.Background(), e.connection(integration))
	if err != nil {
		e.t.Fatal(err)
	}
	return md
}

// checkpoint returns function's stored checkpoint, nil when there is none.
func (e *env) checkpoint(integration, function string) map[string]any {
	e.t.Helper()
	raw, err := e.store.Checkpoint(context.Background(), store.CheckpointKey{Connection: e.connection(integration), Function: function})
	if err != nil {
		e.t.Fatal(err)
	}
	if raw == nil || string(raw) == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		e.t.Fatalf("checkpoint %s: %v", raw, err)
	}
	return m
}

// decode unmarshals an execution's output.
func decode[T any](t testing.TB, out []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	return v
}

// execError returns err as an *ExecError of kind, failing the test when
// it is not one.
func execError(t testing.TB, err error, kind host.Kind) *host.ExecError {
	t.Helper()
	var ee *host.ExecError
	if !errors.As(err, &ee) {
		t.Fatalf("err = %v, want an *host.ExecError of kind %s", err, kind)
	}
	if ee.Kind != kind {
		t.Fatalf("kind %s (%v), want %s", ee.Kind, err, kind)
	}
	return ee
}

// functionError returns err's function error, failing the test unless it
// is one with code.
func functionError(t testing.TB, err error, code string) *host.FunctionError {
	t.Helper()
	ee := execError(t, err, host.KindFunction)
	if ee.Function == nil {
		t.Fatalf("%v: no function error", err)
	}
	if ee.Function.Code != code {
		t.Fatalf("code %s (message %q), want %s", ee.Function.Code, ee.Function.Message, code)
	}
	return ee.Function
}

// logLine is a log line of a report, without its time.
type logLine struct {
	Level   string
	Message string
	Meta    map[string]any
}

// logs returns the report's log lines, without their times.
func logs(n *hostfns.Nango) []logLine {
	var out []logLine
	for _, l := range n.Report().Logs {
		out = append(out, logLine{Level: l.Level, Message: l.Message, Meta: l.Meta})
	}
	return out
}

// findLog returns the lines whose message starts with prefix.
func findLog(n *hostfns.Nango, prefix string) []logLine {
	var out []logLine
	for _, l := range logs(n) {
		if strings.HasPrefix(l.Message, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// asJSON renders v as compact JSON, for comparing decoded values.
func asJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
