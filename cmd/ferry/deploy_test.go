package main_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployAndTriggerAction drives the real binary end to end: ferry
// serve, an integration and connection created over the API, ferry deploy
// of a TypeScript action folder (server and key from its .env), and the
// action triggered over HTTP against a loopback API.
func TestDeployAndTriggerAction(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "zod")); err != nil {
		t.Skipf("needs zod: run npm ci at the repository's root (%v)", err)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/user" || r.Header.Get("Authorization") != "Bearer tok-e2e" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"login":"octocat"}`)
	}))
	defer api.Close()

	s := startServer(t, t.TempDir(), "FERRY_SECRET_KEY="+testSecretKey, "FERRY_ALLOW_PRIVATE_NETWORKS=true")

	// The integrations folder: the test action, zod beside it, a .env.
	project := t.TempDir()
	if err := os.CopyFS(project, os.DirFS(filepath.Join("testdata", "deploy"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "node_modules"), filepath.Join(project, "node_modules")); err != nil {
		t.Fatal(err)
	}
	env := fmt.Sprintf("# ferry deploy reads this\nFERRY_HOST=%s\nexport FERRY_SECRET_KEY=\"%s\"\n", s.url, testSecretKey)
	if err := os.WriteFile(filepath.Join(project, ".env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}

	// Before the integration exists, the deploy fails with the server's reason.
	stdout, stderr, ok := ferry(t, "deploy", project)
	if ok || !strings.Contains(stdout+stderr, `integration "demo" does not exist`) {
		t.Fatalf("deploy without integration: ok=%v\n%s\n%s", ok, stdout, stderr)
	}
	if st, _ := s.call("POST", "/integrations", testSecretKey, `{"unique_key":"demo","provider":"github-pat"}`); st != 200 {
		t.Fatalf("create integration: %d", st)
	}
	if st, body := s.call("POST", "/connections", testSecretKey, `{"provider_config_key":"demo","connection_id":"u1","credentials":{"type":"API_KEY","apiKey":"tok-e2e"}}`); st != 201 {
		t.Fatalf("create connection: %d %v", st, body)
	}

	// A wrong key from the flag wins over the .env and is refused.
	if stdout, stderr, ok := ferry(t, "deploy", project, "--secret-key", "wrong"); ok || !strings.Contains(stdout+stderr, "401") {
		t.Fatalf("deploy with a wrong key: ok=%v\n%s\n%s", ok, stdout, stderr)
	}

	stdout, stderr, ok = ferry(t, "deploy", project)
	if !ok || !strings.Contains(stdout, "deployed demo/greet (action) version 0.3.0, deploy 1") || !strings.Contains(stdout, "1 function deployed") {
		t.Fatalf("deploy: ok=%v\n%s\n%s", ok, stdout, stderr)
	}
	if st, list := s.call("GET", "/functions", testSecretKey, ""); st != 200 || len(list["data"].([]any)) != 1 {
		t.Fatalf("list: %d %v", st, list)
	}

	body := fmt.Sprintf(`{"action_name":"greet","input":{"name":"Ada","url":%q}}`, api.URL)
	st, out := s.call("POST", "/action/trigger", testSecretKey, body, "Connection-Id", "u1", "Provider-Config-Key", "demo", "Content-Type", "application/json")
	if st != 200 || out["greeting"] != "hello, Ada" || out["caller"] != "octocat" {
		t.Fatalf("trigger: %d %v\n%s", st, out, s.out)
	}

	// Non-Wasm uploads are refused with the reason.
	if st, e := s.call("POST", "/functions", testSecretKey, "not a bundle", "Content-Type", "application/wasm"); st != 400 || errorCode(e) != "not_wasm" {
		t.Fatalf("non-wasm deploy: %d %v", st, e)
	}
}
