package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

const dryrunSync = `import { createSync } from 'nango';
import { z } from 'zod';

const Item = z.object({ id: z.string(), name: z.string() });

export default createSync({
    description: 'Fetches the team items',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/items' }],
    models: { Item },

    exec: async (nango) => {
        const md = await nango.getMetadata();
        if (md?.many) {
            const many = [];
            for (let i = 0; i < 150; i++) many.push({ id: 'm' + i, name: 'many' });
            await nango.batchSave(many, 'Item');
            return;
        }
        const cp = await nango.getCheckpoint();
        let page = cp?.page ?? 1;
        await nango.log('starting at page ' + page);
        while (page) {
            const res = await nango.get({ endpoint: '/items', params: { page: String(page), team: md.team } });
            await nango.batchSave(res.data.items, 'Item');
            page = res.data.next;
        }
        await nango.batchDelete([{ id: 'gone' }], 'Item');
        await nango.saveCheckpoint({ page: 99 });
        await nango.updateMetadata({ lastRun: 'dry' });
    }
});
`

const dryrunAction = `import { createAction } from 'nango';
import { z } from 'zod';

export default createAction({
    description: 'Echoes a message through the API',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/echo' },
    input: z.object({ msg: z.string() }),
    output: z.object({ echo: z.string(), conn: z.string() }),

    exec: async (nango, input) => {
        const res = await nango.post({ endpoint: '/echo', data: { msg: input.msg }, headers: { 'X-Trace': 't1' } });
        return { echo: res.data.echo, conn: nango.connectionId };
    }
});
`

// ferryEnv runs the binary with extra environment and returns its stdout,
// stderr and exit code.
func ferryEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(ferryBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &ee):
		return stdout.String(), stderr.String(), ee.ExitCode()
	}
	t.Fatalf("run ferry: %v", err)
	return "", "", -1
}

// TestDryrun drives the real binary: a server holds an integration and a
// connection to a loopback API; ferry dryrun runs a TypeScript sync and
// action for it, prints what they did, persists nothing, and with --save
// writes fixtures that ferry test then passes offline.
func TestDryrun(t *testing.T) {
	var hits atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer dry-token" {
			http.Error(w, `{"error":"bad token"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/v1/items" && r.URL.Query().Get("team") == "a":
			switch r.URL.Query().Get("page") {
			case "1":
				io.WriteString(w, `{"items":[{"id":"1","name":"one"},{"id":"2","name":"two"}],"next":2}`)
			case "2":
				io.WriteString(w, `{"items":[{"id":"3","name":"three"}],"next":null}`)
			default:
				http.NotFound(w, r)
			}
		case r.Method == "POST" && r.URL.Path == "/v1/echo" && r.Header.Get("X-Trace") == "t1":
			var in struct{ Msg string }
			json.NewDecoder(r.Body).Decode(&in)
			fmt.Fprintf(w, `{"echo":%q}`, "echo: "+in.Msg)
		default:
			http.Error(w, "unexpected "+r.Method+" "+r.URL.String(), http.StatusBadRequest)
		}
	}))
	defer api.Close()

	dir := t.TempDir()
	catalog := filepath.Join(dir, "providers.yaml")
	if err := os.WriteFile(catalog, []byte("local-api:\n    auth_mode: OAUTH2\n    proxy:\n        base_url: ${connectionConfig.base_url}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServerArgs(t, filepath.Join(dir, "data"), []string{"--allow-private-networks", "--providers", catalog}, "FERRY_SECRET_KEY="+testSecretKey)
	k := testSecretKey
	if status, v := s.call("POST", "/integrations", k, `{"unique_key":"local","provider":"local-api"}`); status != 200 {
		t.Fatalf("create integration: %d %v", status, v)
	}
	if status, v := s.call("POST", "/connections", k, `{"provider_config_key":"local","connection_id":"u1",
		"credentials":{"type":"OAUTH2","access_token":"dry-token"},"connection_config":{"base_url":"`+api.URL+`/v1"},
		"metadata":{"team":"a"}}`); status != 201 {
		t.Fatalf("create connection: %d %v", status, v)
	}

	ints := filepath.Join(dir, "ints")
	for path, src := range map[string]string{"local/syncs/items.ts": dryrunSync, "local/actions/echo.ts": dryrunAction} {
		p := filepath.Join(ints, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	modules, err := filepath.Abs(filepath.Join("..", "..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{"FERRY_HOST=" + s.url, "FERRY_SECRET_KEY=" + k, "TMPDIR=" + tmp}
	dry := func(args ...string) (string, string, int) {
		t.Helper()
		return ferryEnv(t, env, append([]string{"dryrun", "--providers", catalog}, args...)...)
	}
	nothingLeft := func() {
		t.Helper()
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Fatalf("the dry run left %v in the temporary directory", left)
		}
		status, v := s.call("GET", "/connections/u1?provider_config_key=local", k, "")
		if md, _ := json.Marshal(v["metadata"]); status != 200 || string(md) != `{"team":"a"}` {
			t.Fatalf("the server's connection changed: %d %s", status, md)
		}
	}

	t.Run("sync", func(t *testing.T) {
		stdout, stderr, code := dry("items", "u1", ints)
		want := []string{"starting at page 1", "Item: 3 records saved, 1 record deleted",
			`  + {"id":"1","name":"one"}`, `  + {"id":"3","name":"three"}`, `  - {"id":"gone"}`, "items: 2 upstream calls in "}
		for _, w := range want {
			if code != 0 || !strings.Contains(stdout, w) {
				t.Fatalf("code=%d, want %q in stdout:\n%s\nstderr: %s", code, w, stdout, stderr)
			}
		}
		nothingLeft()
	})

	t.Run("checkpoint and metadata flags", func(t *testing.T) {
		stdout, stderr, code := dry("items", "u1", ints, "--checkpoint", `{"page":2}`)
		if code != 0 || !strings.Contains(stdout, "starting at page 2") || !strings.Contains(stdout, "Item: 1 record saved") {
			t.Fatalf("code=%d stdout:\n%s\nstderr: %s", code, stdout, stderr)
		}
		stdout, stderr, code = dry("items", "u1", ints, "--metadata", `{"many":true}`)
		if code != 0 || !strings.Contains(stdout, "Item: 150 records saved") || !strings.Contains(stdout, "… 50 more saved records not shown") ||
			strings.Count(stdout, "\n  + ") != 100 || !strings.Contains(stdout, "items: 0 upstream calls") {
			t.Fatalf("code=%d stdout:\n%s\nstderr: %s", code, stdout, stderr)
		}
		nothingLeft()
	})

	t.Run("action", func(t *testing.T) {
		stdout, stderr, code := dry("echo", "u1", ints, "--input", `{"msg":"hi"}`)
		if code != 0 || !strings.Contains(stdout, `output: {"echo":"echo: hi","conn":"u1"}`) || !strings.Contains(stdout, "echo: 1 upstream call in") {
			t.Fatalf("code=%d stdout:\n%s\nstderr: %s", code, stdout, stderr)
		}
	})

	t.Run("save then test", func(t *testing.T) {
		for _, args := range [][]string{{"items", "u1", ints, "--save"}, {"echo", "u1", ints, "--save", "--input", `{"msg":"saved"}`}} {
			stdout, stderr, code := dry(args...)
			want := "saved " + filepath.Join(ints, "local", "tests", args[0]+".test.json")
			if code != 0 || !strings.Contains(stdout, want) {
				t.Fatalf("%v: code=%d, want %q in stdout:\n%s\nstderr: %s", args, code, want, stdout, stderr)
			}
		}
		saved, err := os.ReadFile(filepath.Join(ints, "local", "tests", "items.test.json"))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(saved, []byte("dry-token")) || !bytes.Contains(saved, []byte(`"batchSave"`)) || !bytes.Contains(saved, []byte(`"/items"`)) {
			t.Fatalf("items fixture:\n%s", saved)
		}
		nothingLeft()
		before := hits.Load()
		stdout, stderr, code := ferryExit(t, "test", "--providers", catalog, ints)
		if code != 0 || stdout != "PASS local/echo\nPASS local/items\n2 passed, 0 failed\n" {
			t.Fatalf("ferry test: code=%d stdout=%q stderr=%q", code, stdout, stderr)
		}
		if hits.Load() != before {
			t.Fatalf("ferry test reached the API")
		}
	})

	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name string
			env  []string
			args []string
			want string
		}{
			{"unknown function", nil, []string{"nope", "u1", ints}, `no function "nope" under`},
			{"bad --input", nil, []string{"echo", "u1", ints, "--input", "{bad"}, "--input is not valid JSON"},
			{"bad --checkpoint", nil, []string{"items", "u1", ints, "--checkpoint", "[1]"}, "--checkpoint must be a JSON object"},
			{"unreachable server", nil, []string{"echo", "u1", ints, "--host", "http://127.0.0.1:1"}, "cannot reach the ferry server at http://127.0.0.1:1"},
			{"wrong secret key", nil, []string{"echo", "u1", ints, "--secret-key", "ferry_sk_wrong"}, "refused the secret key"},
			{"unknown connection", nil, []string{"echo", "nobody", ints}, `no connection "nobody" in integration "local"`},
			{"unknown integration", nil, []string{"echo", "u1", ints, "--integration-id", "other"}, `no connection "u1" in integration "other"`},
			{"missing arguments", nil, []string{"echo"}, "accepts between 2 and 3 arg(s)"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := hits.Load()
				stdout, stderr, code := dry(tc.args...)
				if code == 0 || !strings.Contains(stderr, tc.want) {
					t.Fatalf("code=%d, want %q in stderr: %s\nstdout: %s", code, tc.want, stderr, stdout)
				}
				if hits.Load() != before {
					t.Fatalf("the API was called")
				}
			})
		}
		nothingLeft()
	})
}
