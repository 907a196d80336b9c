package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhq/ferry/tracing/tracingtest"
)

const testSecretKey = "ferry_sk_test_0123456789abcdefghijklmnopqrstuv"

// server is a running `ferry serve`.
type server struct {
	t    testing.TB
	cmd  *exec.Cmd
	url  string
	out  *output
	done chan error
}

// output is what the server printed so far; tests read it while it grows.
type output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *output) WriteString(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.b.WriteString(s)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// startServer runs the real binary on a free loopback port with data in
// dir, and waits for it to listen.
func startServer(t testing.TB, dir string, env ...string) *server {
	t.Helper()
	return startServerArgs(t, dir, nil, env...)
}

// startServerArgs is startServer with more flags for ferry serve.
func startServerArgs(t testing.TB, dir string, args []string, env ...string) *server {
	t.Helper()
	cmd := exec.Command(ferryBin, append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, out: &output{}, done: make(chan error, 1)}
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.out.WriteString(sc.Text() + "\n")
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.url = <-found:
	case err := <-s.done:
		t.Fatalf("ferry serve exited: %v\n%s", err, s.out)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("ferry serve did not start:\n%s", s.out)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return s
}

// call sends a request with the secret key (key "" sends none) and
// returns the status and decoded JSON body.
func (s *server) call(method, path, key, body string, header ...string) (int, map[string]any) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &v); err != nil {
			s.t.Fatalf("%s %s: body is not JSON: %s", method, path, data)
		}
	}
	return resp.StatusCode, v
}

func errorCode(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestServeIntegrationsAndConnections(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "FERRY_SECRET_KEY="+testSecretKey)
	k := testSecretKey
	for _, tc := range []struct {
		name, method, path, key, body string
		header                        []string
		status                        int
		code                          string
	}{
		{"health needs no key", "GET", "/health", "", "", nil, 200, ""},
		{"no key", "GET", "/integrations", "", "", nil, 401, "missing_auth_header"},
		{"wrong key", "GET", "/integrations", "nope", "", nil, 401, "unknown_account"},
		{"malformed JSON", "POST", "/integrations", k, "{bad", nil, 400, "invalid_request"},
		{"empty body", "POST", "/integrations", k, "", nil, 400, "invalid_request"},
		{"unknown provider", "POST", "/integrations", k, `{"unique_key":"x","provider":"nope"}`, nil, 400, "invalid_request"},
		{"bad unique key", "POST", "/integrations", k, `{"unique_key":"a b","provider":"github"}`, nil, 400, "invalid_request"},
		{"create integration", "POST", "/integrations", k, `{"unique_key":"gh","provider":"github","credentials":{"type":"OAUTH2","client_id":"cid","client_secret":"app-secret-1"}}`, nil, 200, ""},
		{"duplicate integration", "POST", "/integrations", k, `{"unique_key":"gh","provider":"github"}`, nil, 409, "already_exists"},
		{"unknown integration", "GET", "/integrations/nope", k, "", nil, 404, "not_found"},
		{"connection of unknown integration", "POST", "/connections", k, `{"provider_config_key":"nope","connection_id":"u1","credentials":{"type":"API_KEY","apiKey":"k"}}`, nil, 404, "not_found"},
		{"credentials without token", "POST", "/connections", k, `{"provider_config_key":"gh","connection_id":"u1","credentials":{"type":"OAUTH2"}}`, nil, 400, "invalid_request"},
		{"import connection", "POST", "/connections", k, `{"provider_config_key":"gh","connection_id":"u1","credentials":{"type":"OAUTH2","access_token":"token-abc-1","refresh_token":"refresh-1"},"metadata":{"owner":"o"}}`, nil, 201, ""},
		{"import with the older flat form", "POST", "/connection", k, `{"provider_config_key":"gh","connection_id":"u2","access_token":"token-abc-2"}`, nil, 201, ""},
		{"get without provider config key", "GET", "/connections/u1", k, "", nil, 400, "invalid_request"},
		{"unknown connection", "GET", "/connections/nope?provider_config_key=gh", k, "", nil, 404, "not_found"},
		{"merge metadata", "PATCH", "/connections/metadata", k, `{"connection_id":["u1","u2"],"provider_config_key":"gh","metadata":{"repo":"r"}}`, nil, 200, ""},
		{"metadata of an unknown connection", "POST", "/connections/metadata", k, `{"connection_id":"nope","provider_config_key":"gh","metadata":{}}`, nil, 404, "not_found"},
		{"older metadata path", "POST", "/connection/u2/metadata", k, `{"only":"this"}`, []string{"Provider-Config-Key", "gh"}, 201, ""},
		{"integration in use", "DELETE", "/integrations/gh", k, "", nil, 409, "in_use"},
		{"unknown route", "GET", "/nope", k, "", nil, 404, "not_found"},
		{"oversized JSON", "POST", "/connections", k, `{"pad":"` + strings.Repeat("x", 9<<20) + `"}`, nil, 413, "payload_too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.call(tc.method, tc.path, tc.key, tc.body, tc.header...)
			if status != tc.status || errorCode(body) != tc.code {
				t.Fatalf("%s %s: %d %v, want %d %q", tc.method, tc.path, status, body, tc.status, tc.code)
			}
		})
	}

	status, conn := s.call("GET", "/connections/u1?provider_config_key=gh", k, "")
	creds, _ := conn["credentials"].(map[string]any)
	md, _ := conn["metadata"].(map[string]any)
	if status != 200 || creds["access_token"] != "token-abc-1" || md["owner"] != "o" || md["repo"] != "r" {
		t.Fatalf("connection: %d %v", status, conn)
	}
	_, conn = s.call("GET", "/connection/u2", k, "", "Provider-Config-Key", "gh")
	if md, _ := conn["metadata"].(map[string]any); md["only"] != "this" || len(md) != 1 {
		t.Fatalf("older metadata path should replace: %v", conn)
	}
	_, list := s.call("GET", "/connections?integrationId=gh", k, "")
	if conns, _ := list["connections"].([]any); len(conns) != 2 {
		t.Fatalf("list: %v", list)
	}

	// Secrets never reach the disk in clear.
	db, err := os.ReadFile(filepath.Join(dir, "ferry.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"token-abc-1", "refresh-1", "app-secret-1", testSecretKey} {
		if strings.Contains(string(db), secret) {
			t.Errorf("the store file holds %q in clear", secret)
		}
	}

	// Killed without warning, the server comes back with everything.
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s = startServer(t, dir, "FERRY_SECRET_KEY="+testSecretKey)
	status, conn = s.call("GET", "/connections/u1?provider_config_key=gh", k, "")
	if creds, _ := conn["credentials"].(map[string]any); status != 200 || creds["access_token"] != "token-abc-1" {
		t.Fatalf("after SIGKILL: %d %v", status, conn)
	}

	// Deleting: connections first, then the integration.
	for _, id := range []string{"u1", "u2"} {
		if status, body := s.call("DELETE", "/connections/"+id+"?provider_config_key=gh", k, ""); status != 204 {
			t.Fatalf("delete %s: %d %v", id, status, body)
		}
	}
	if status, body := s.call("DELETE", "/integrations/gh", k, ""); status != 200 {
		t.Fatalf("delete integration: %d %v", status, body)
	}

	// SIGTERM: a graceful stop, exit status 0.
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("graceful stop: %v\n%s", err, s.out)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop on SIGTERM")
	}
}

// TestServeGeneratesTheSecretKeyOnce: without FERRY_SECRET_KEY the first
// start prints a generated key once; it works, and a restart keeps it
// without printing it again.
func TestServeGeneratesTheSecretKeyOnce(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "FERRY_SECRET_KEY=")
	key := regexp.MustCompile(`ferry_sk_[A-Za-z0-9_-]+`).FindString(s.out.String())
	if key == "" {
		t.Fatalf("no key shown:\n%s", s.out)
	}
	if status, _ := s.call("GET", "/integrations", key, ""); status != 200 {
		t.Fatalf("the generated key is refused: %d", status)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	s = startServer(t, dir, "FERRY_SECRET_KEY=")
	if strings.Contains(s.out.String(), "ferry_sk_") {
		t.Fatalf("the key was shown again:\n%s", s.out)
	}
	if status, _ := s.call("GET", "/integrations", key, ""); status != 200 {
		t.Fatalf("after a restart the key is refused: %d", status)
	}
	if info, err := os.Stat(filepath.Join(dir, "encryption.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
}

// TestServeEscapedConnectionIDs: connection ids may hold characters that
// paths escape (an email, a space, a slash).
func TestServeEscapedConnectionIDs(t *testing.T) {
	s := startServer(t, t.TempDir(), "FERRY_SECRET_KEY="+testSecretKey)
	k := testSecretKey
	if status, body := s.call("POST", "/integrations", k, `{"unique_key":"gh","provider":"github"}`); status != 200 {
		t.Fatalf("create integration: %d %v", status, body)
	}
	for _, id := range []string{"user@example.com", "team one", "a/b"} {
		body := `{"provider_config_key":"gh","connection_id":` + strconvQuote(id) + `,"credentials":{"type":"API_KEY","apiKey":"k"}}`
		if status, resp := s.call("POST", "/connections", k, body); status != 201 {
			t.Fatalf("import %q: %d %v", id, status, resp)
		}
		status, conn := s.call("GET", "/connections/"+urlPathEscape(id)+"?provider_config_key=gh", k, "")
		if status != 200 || conn["connection_id"] != id {
			t.Fatalf("get %q: %d %v", id, status, conn)
		}
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func urlPathEscape(s string) string { return url.PathEscape(s) }

// TestServeDeploysFunctionsAtStart: --functions compiles the examples,
// creates their integrations and deploys them (make run).
func TestServeDeploysFunctionsAtStart(t *testing.T) {
	s := startServerArgs(t, t.TempDir(), []string{"--functions", filepath.Join("..", "..", "plugins")}, "FERRY_SECRET_KEY="+testSecretKey)
	if !strings.Contains(s.out.String(), "deployed 8 functions from") {
		t.Fatalf("output:\n%s", s.out)
	}
	status, body := s.call("GET", "/functions", testSecretKey, "")
	if status != 200 {
		t.Fatalf("list functions: %d %v", status, body)
	}
	_, ints := s.call("GET", "/integrations", testSecretKey, "")
	if data, _ := ints["data"].([]any); len(data) != 3 {
		t.Fatalf("integrations: %v", ints)
	}
}

// TestServeSurvivesSIGKILLMidRequest: killed while clients write
// connections and metadata, the server comes back with a readable store:
// every connection it lists opens, and nothing half-written shows.
func TestServeSurvivesSIGKILLMidRequest(t *testing.T) {
	dir := t.TempDir()
	k := testSecretKey
	s := startServer(t, dir, "FERRY_SECRET_KEY="+k)
	if status, body := s.call("POST", "/integrations", k, `{"unique_key":"gh","provider":"github"}`); status != 200 {
		t.Fatalf("create integration: %d %v", status, body)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%d", w, i)
				body := fmt.Sprintf(`{"provider_config_key":"gh","connection_id":%q,"credentials":{"type":"OAUTH2","access_token":"tok-%s"},"metadata":{"n":%d,"pad":%q}}`, id, id, i, strings.Repeat("x", 2000))
				req, _ := http.NewRequest("POST", s.url+"/connections", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+k)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				} else {
					return // the server is gone
				}
			}
		}()
	}
	time.Sleep(400 * time.Millisecond)
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	close(stop)
	wg.Wait()

	s = startServer(t, dir, "FERRY_SECRET_KEY="+k)
	_, list := s.call("GET", "/connections", k, "")
	conns, _ := list["connections"].([]any)
	if len(conns) == 0 {
		t.Fatal("no connection survived: the writes before the kill were lost")
	}
	for _, c := range conns {
		id := c.(map[string]any)["connection_id"].(string)
		status, conn := s.call("GET", "/connections/"+url.PathEscape(id)+"?provider_config_key=gh", k, "")
		creds, _ := conn["credentials"].(map[string]any)
		if status != 200 || creds["access_token"] != "tok-"+id {
			t.Fatalf("connection %s after the kill: %d %v", id, status, conn)
		}
	}
	t.Logf("%d connections written before the kill, all readable", len(conns))
}

// TestServeBadWebhookDedupeWindow refuses a dedupe window that is not a
// positive duration and a log retention under an hour, from the flag or
// the environment.
func TestServeBadWebhookDedupeWindow(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"--webhook-dedupe-window", "0s"}, "--webhook-dedupe-window 0s: it must be positive"},
		{[]string{"FERRY_WEBHOOK_DEDUPE_WINDOW=soon"}, nil, "FERRY_WEBHOOK_DEDUPE_WINDOW"},
		{nil, []string{"--log-retention", "10m"}, "--log-retention 10m0s: keep the log at least an hour"},
		{[]string{"FERRY_LOG_RETENTION=forever"}, nil, "FERRY_LOG_RETENTION"},
	} {
		_, errOut, code := ferryEnv(t, tc.env, append([]string{"serve", "--data", t.TempDir()}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v %v: exit %d, %q", tc.env, tc.args, code, errOut)
		}
	}
}

// TestServeBadTracingConfig refuses a collector endpoint that is not an
// http(s) URL and headers that are not key=value, from the flags or the
// environment, at startup; headers never show in the message.
func TestServeBadTracingConfig(t *testing.T) {
	const ep = "http://127.0.0.1:4318"
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"endpoint flag", nil, []string{"--otlp-endpoint", "collector:4318"}, `endpoint "collector:4318": want an http:// or https:// URL`},
		{"endpoint env", []string{"FERRY_OTLP_ENDPOINT=ftp://collector"}, nil, `endpoint "ftp://collector": want an http:// or https:// URL`},
		{"standard endpoint env", []string{"OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4318"}, nil, `endpoint "localhost:4318"`},
		{"header flag", nil, []string{"--otlp-endpoint", ep, "--otlp-header", "a=1", "--otlp-header", "Authorization Bearer xyz"}, "--otlp-header 2: want key=value"},
		{"header name", nil, []string{"--otlp-endpoint", ep, "--otlp-header", "bad name=xyz"}, `header "bad name": not a valid header name`},
		{"headers env", []string{"FERRY_OTLP_HEADERS=a=1,Authorization xyz"}, []string{"--otlp-endpoint", ep}, "FERRY_OTLP_HEADERS: header 2: want key=value"},
		{"standard headers env", []string{"FERRY_OTLP_ENDPOINT=" + ep, "OTEL_EXPORTER_OTLP_HEADERS=xyz"}, nil, "OTEL_EXPORTER_OTLP_HEADERS: header 1: want key=value"},
		{"headers without an endpoint", nil, []string{"--otlp-header", "a=xyz"}, "--otlp-header (FERRY_OTLP_HEADERS) without --otlp-endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := ferryEnv(t, tc.env, append([]string{"serve", "--data", t.TempDir()}, tc.args...)...)
			if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "xyz") {
				t.Errorf("exit %d, %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}

// TestServeExportsTraces runs the binary with a collector and a header:
// a proxy call is exported as a span when the server stops (before the
// batch would have been sent), with the header, and without the
// connection's token.
func TestServeExportsTraces(t *testing.T) {
	rcv := tracingtest.NewReceiver(t)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{}`) }))
	defer up.Close()
	dir := t.TempDir()
	catalog := filepath.Join(dir, "providers.yaml")
	if err := os.WriteFile(catalog, []byte("local-api:\n    auth_mode: OAUTH2\n    proxy:\n        base_url: ${connectionConfig.base_url}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServerArgs(t, filepath.Join(dir, "data"), []string{"--otlp-endpoint", rcv.URL, "--otlp-header", "Authorization=Bearer collector-key"},
		"FERRY_SECRET_KEY="+testSecretKey, "FERRY_ALLOW_PRIVATE_NETWORKS=1", "FERRY_PROVIDERS="+catalog)
	k := testSecretKey
	if status, v := s.call("POST", "/integrations", k, `{"unique_key":"local","provider":"local-api"}`); status != 200 {
		t.Fatalf("create integration: %d %v", status, v)
	}
	if status, v := s.call("POST", "/connections", k, `{"provider_config_key":"local","connection_id":"u1",
		"credentials":{"type":"OAUTH2","access_token":"trace-token-s3cret"},"connection_config":{"base_url":"`+up.URL+`"}}`); status != 201 {
		t.Fatalf("create connection: %d %v", status, v)
	}
	if status, v := s.call("GET", "/proxy/items", k, "", "Connection-Id", "u1", "Provider-Config-Key", "local"); status != 200 {
		t.Fatalf("proxy: %d %v", status, v)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-s.done; err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, s.out)
	}

	span, ok := tracingtest.Find(rcv.Spans(), "proxy GET /items")
	if !ok || span.Attributes["ferry.connection_id"] != "u1" || span.Attributes["ferry.integration"] != "local" || span.Resource["service.name"] != "ferry" {
		t.Fatalf("proxy span: %+v (of %d)\n%s", span, len(rcv.Spans()), s.out)
	}
	if h := rcv.Headers(); h[0].Get("Authorization") != "Bearer collector-key" {
		t.Errorf("export headers: %v", h)
	}
	if bytes.Contains(rcv.Received(), []byte("trace-token-s3cret")) {
		t.Error("the connection's token left ferry")
	}
}
