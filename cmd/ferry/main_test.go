package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ferryBin is the real binary, built once for the package's tests.
var ferryBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ferry-cli-test-")
	if err != nil {
		panic(err)
	}
	ferryBin = filepath.Join(dir, "ferry")
	if out, err := exec.Command("go", "build", "-o", ferryBin, ".").CombinedOutput(); err != nil {
		panic(fmt.Sprintf("build ferry: %v\n%s", err, out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ferry runs the binary and returns its stdout, stderr and whether it
// succeeded.
func ferry(t testing.TB, args ...string) (string, string, bool) {
	t.Helper()
	cmd := exec.Command(ferryBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err == nil
}

// compileExamples compiles the example functions into a temp dir.
func compileExamples(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	stdout, stderr, ok := ferry(t, "compile", "--out", out, filepath.Join("..", "..", "plugins"))
	if !ok {
		t.Fatalf("compile failed: %s", stderr)
	}
	// plugins/ holds Go and TypeScript examples; these tests run the Go ones.
	for _, name := range []string{"fetch-issues.wasm", "create-issue.wasm"} {
		if _, err := os.Stat(filepath.Join(out, "github", name)); err != nil {
			t.Fatalf("compile output = %q: %v", stdout, err)
		}
	}
	return out
}

func TestCompileInspectRun(t *testing.T) {
	build := compileExamples(t)
	sync := filepath.Join(build, "github", "fetch-issues.wasm")
	action := filepath.Join(build, "github", "create-issue.wasm")

	stdout, stderr, ok := ferry(t, "inspect", sync)
	if !ok {
		t.Fatalf("inspect: %s", stderr)
	}
	var inspected struct {
		Hash     string
		Manifest struct{ Name, Type string }
	}
	if err := json.Unmarshal([]byte(stdout), &inspected); err != nil || inspected.Manifest.Name != "fetch-issues" || len(inspected.Hash) != 64 {
		t.Fatalf("inspect output %q (%v)", stdout, err)
	}

	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.Method {
		case http.MethodGet:
			fmt.Fprint(w, `[{"id":1,"number":1,"title":"one","state":"open"},{"id":2,"number":2,"title":"two","state":"closed"}]`)
		case http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"id":3,"number":3,"html_url":"https://example.test/3","state":"open"}`)
		}
	}))
	defer api.Close()

	data := t.TempDir()
	common := []string{"--data", data, "--base-url", api.URL, "--token", "tok", "--metadata", `{"owner":"o","repo":"r"}`}
	stdout, stderr, ok = ferry(t, append([]string{"run", sync}, common...)...)
	if !ok || !strings.Contains(stdout, "Issue: 2 added, 0 updated, 0 deleted, 0 unchanged") {
		t.Fatalf("run sync: ok=%v stdout=%q stderr=%q", ok, stdout, stderr)
	}
	stdout, _, _ = ferry(t, append([]string{"run", sync}, common...)...)
	if !strings.Contains(stdout, "Issue: 0 added, 0 updated, 0 deleted, 2 unchanged") {
		t.Fatalf("second run should change nothing: %q", stdout)
	}
	stdout, stderr, ok = ferry(t, append([]string{"run", action, "--input", `{"title":"three"}`}, common...)...)
	if !ok || !strings.Contains(stdout, `output: {"id":"3","number":3,"url":"https://example.test/3","state":"open"}`) {
		t.Fatalf("run action: ok=%v stdout=%q stderr=%q", ok, stdout, stderr)
	}
}

func TestBadInput(t *testing.T) {
	build := compileExamples(t)
	sync := filepath.Join(build, "github", "fetch-issues.wasm")
	notWasm := filepath.Join(t.TempDir(), "x.wasm")
	os.WriteFile(notWasm, []byte("hello"), 0o644)
	emptyDir := t.TempDir()

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"run with an unknown provider", []string{"run", sync, "--provider", "nope"}, `--provider: provider "nope": unknown provider`},
		{"run with bad input", []string{"run", sync, "--base-url", "http://127.0.0.1:1", "--input", "{nope"}, "--input is not valid JSON"},
		{"run with bad metadata", []string{"run", sync, "--base-url", "http://127.0.0.1:1", "--metadata", "[1]"}, "--metadata must be a JSON object"},
		{"run with bad auth mode", []string{"run", sync, "--base-url", "http://127.0.0.1:1", "--auth-mode", "MAGIC"}, `--auth-mode "MAGIC"`},
		{"run a missing file", []string{"run", "nope.wasm", "--base-url", "http://127.0.0.1:1"}, "no such file"},
		{"inspect not wasm", []string{"inspect", notWasm}, "not a WebAssembly module"},
		{"compile nothing", []string{"compile", emptyDir}, "no functions found"},
		{"compile a file", []string{"compile", notWasm}, "not a directory"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, ok := ferry(t, tc.args...)
			if ok || !strings.Contains(stderr, tc.want) {
				t.Fatalf("ok=%v stderr=%q, want failure mentioning %q", ok, stderr, tc.want)
			}
		})
	}
}
