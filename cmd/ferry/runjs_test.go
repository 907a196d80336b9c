package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunTypeScriptAction compiles the Slack example action and runs it
// with the real binary against a fake Slack: the provider comes from the
// catalog (base URL overridden), an answer Slack refuses with ok:false is
// an ActionError whose code and payload ferry run shows.
func TestRunTypeScriptAction(t *testing.T) {
	out := t.TempDir()
	src := filepath.Join("..", "..", "plugins", "slack", "actions", "post-message.ts")
	if stdout, stderr, ok := ferry(t, "compile", src, "--out", out); !ok {
		t.Fatalf("compile: %s %s", stdout, stderr)
	}
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Channel, Text string }
		data, _ := io.ReadAll(r.Body)
		json.Unmarshal(data, &body)
		if r.URL.Path != "/chat.postMessage" || r.Header.Get("Authorization") != "Bearer xoxb-test" {
			t.Errorf("unexpected request %s %s (%s)", r.Method, r.URL, r.Header.Get("Authorization"))
		}
		w.Header().Set("Content-Type", "application/json")
		if body.Channel == "C-missing" {
			fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
			return
		}
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000100","message":{"ts":"1700000000.000100","text":%q}}`, body.Channel, body.Text)
	}))
	defer slack.Close()

	bundle := filepath.Join(out, "slack", "post-message.wasm")
	common := []string{"run", bundle, "--data", t.TempDir(), "--base-url", slack.URL, "--token", "xoxb-test"}
	stdout, stderr, ok := ferry(t, append(common, "--input", `{"channel":"C1","text":"hello"}`)...)
	want := `output: {"messageId":"QzE6MTcwMDAwMDAwMC4wMDAxMDA=","channel":"C1","ts":"1700000000.000100","threadTs":null}`
	if !ok || !strings.Contains(stdout, want) {
		t.Fatalf("run: ok=%v stdout=%q stderr=%q", ok, stdout, stderr)
	}

	stdout, stderr, ok = ferry(t, append(common, "--input", `{"channel":"C-missing","text":"hello"}`)...)
	if ok || !strings.Contains(stderr, "code: action_error") || !strings.Contains(stderr, `"code":"channel_not_found"`) {
		t.Fatalf("refused post: ok=%v stdout=%q stderr=%q", ok, stdout, stderr)
	}

	stdout, stderr, ok = ferry(t, append(common, "--input", `{"channel":"C1"}`)...)
	if ok || !strings.Contains(stderr, "code: invalid_input") {
		t.Fatalf("bad input: ok=%v stdout=%q stderr=%q", ok, stdout, stderr)
	}
}
