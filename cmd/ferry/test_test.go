package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ferryExit runs the binary and returns its stdout, stderr and exit code.
func ferryExit(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return ferryEnv(t, nil, args...)
}

// lastLine is the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// examplesCopy copies the example functions' module (plugins/) into a
// temp dir, so that a test can change their fixtures.
func examplesCopy(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugins")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "plugins"))); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dir, "build"))
	// The TypeScript examples import zod from the repository's node_modules.
	modules, err := filepath.Abs(filepath.Join("..", "..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(modules, filepath.Join(filepath.Dir(dir), "node_modules")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTestPasses(t *testing.T) {
	stdout, stderr, code := ferryExit(t, "test", filepath.Join("..", "..", "plugins"))
	want := "PASS github/create-issue\nPASS github/fetch-issues\n" +
		"PASS hubspot/companies\nPASS hubspot/contacts\nPASS hubspot/create-contact\nPASS hubspot/update-contact\n" +
		"PASS slack/channels\nPASS slack/post-message\n8 passed, 0 failed\n"
	if code != 0 || stdout != want {
		t.Fatalf("code=%d stdout=%q stderr=%q", code, stdout, stderr)
	}

	// One integration's folder, one file, a filter: the same fixtures.
	for _, args := range [][]string{
		{"test", filepath.Join("..", "..", "plugins", "github"), "--filter", "fetch-*"},
		{"test", filepath.Join("..", "..", "plugins", "github", "tests", "fetch-issues.test.json")},
	} {
		stdout, stderr, code = ferryExit(t, args...)
		if code != 0 || stdout != "PASS github/fetch-issues\n1 passed, 0 failed\n" {
			t.Fatalf("%v: code=%d stdout=%q stderr=%q", args, code, stdout, stderr)
		}
	}
}

func TestTestFails(t *testing.T) {
	plugins := examplesCopy(t)
	fixture := filepath.Join(plugins, "github", "tests", "fetch-issues.test.json")
	testdata := filepath.Join("..", "..", "fixtures", "testdata", "github", "tests")
	use := func(name string) {
		data, err := os.ReadFile(filepath.Join(testdata, name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(fixture, data, 0o644)
	}

	t.Run("wrong record", func(t *testing.T) {
		use("wrong-record.test.json")
		report := filepath.Join(t.TempDir(), "report.json")
		stdout, stderr, code := ferryExit(t, "test", plugins, "--json", report, "--filter", "github/*")
		if code != 1 || lastLine(stdout) != "1 passed, 1 failed" || stderr != "" {
			t.Fatalf("code=%d stdout=%s\nstderr=%q", code, stdout, stderr)
		}
		for _, want := range []string{
			"PASS github/create-issue\n",
			"FAIL github/fetch-issues\n",
			`    batchSave Issue "2001" differs (- expected, + actual):`,
			`        -   "title": "Sync stops after page one",`,
			`        +   "title": "Sync stops after the first page",`,
			`    batchSave Issue "2003": saved, not expected`,
			`    batchSave Issue "2009": expected, not saved`,
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
		var r struct {
			Passed, Failed int
			Fixtures       []struct {
				Name, Status, Diff string
				DurationMs         float64
				Mismatches         []struct{ Kind, Call, Model, ID string }
			}
		}
		data, _ := os.ReadFile(report)
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("report: %v\n%s", err, data)
		}
		if r.Passed != 1 || r.Failed != 1 || len(r.Fixtures) != 2 {
			t.Fatalf("report = %+v", r)
		}
		f := r.Fixtures[1]
		if f.Name != "github/fetch-issues" || f.Status != "fail" || len(f.Mismatches) != 3 || f.Mismatches[0].Kind != "changed" ||
			!strings.Contains(f.Diff, `+   "state": "open",`) || f.DurationMs <= 0 {
			t.Fatalf("fixture report = %+v", f)
		}
	})

	t.Run("unmatched request", func(t *testing.T) {
		use("unmatched.test.json")
		stdout, _, code := ferryExit(t, "test", plugins, "--filter", "github/fetch-issues")
		want := "    no recorded response for GET /repositories/920331/issues?page=2&per_page=100&state=all (recorded: GET /repos/ferryhq/demo/issues)\n"
		if code != 1 || !strings.Contains(stdout, "FAIL github/fetch-issues\n    error: ") || !strings.Contains(stdout, want) || lastLine(stdout) != "0 passed, 1 failed" {
			t.Fatalf("code=%d stdout=%s", code, stdout)
		}
	})

	t.Run("json on stdout", func(t *testing.T) {
		use("unmatched.test.json")
		stdout, stderr, code := ferryExit(t, "test", plugins, "--json", "-", "--filter", "github/*")
		var r struct{ Passed, Failed int }
		if code != 1 || json.Unmarshal([]byte(stdout), &r) != nil || r.Passed != 1 || r.Failed != 1 {
			t.Fatalf("code=%d stdout=%q", code, stdout)
		}
		if lastLine(stderr) != "1 passed, 1 failed" {
			t.Fatalf("the lines go to stderr: %q", stderr)
		}
	})

	t.Run("fixture without a function", func(t *testing.T) {
		use("wrong-record.test.json")
		os.WriteFile(filepath.Join(plugins, "github", "tests", "list-repos.test.json"), []byte(`{}`), 0o644)
		defer os.Remove(filepath.Join(plugins, "github", "tests", "list-repos.test.json"))
		stdout, _, code := ferryExit(t, "test", plugins, "--filter", "list-repos")
		if code != 1 || !strings.Contains(stdout, "FAIL github/list-repos\n    error: no function github/list-repos under ") {
			t.Fatalf("code=%d stdout=%s", code, stdout)
		}
	})
}

func TestTestUsageErrors(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "github", "tests")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, "fetch-issues.test.json"), []byte("{\n  \"nango\": {\n    \"getMetadata\": {\"owner\": 1},\n  }\n}\n"), 0o644)
	badProviders := filepath.Join(t.TempDir(), "providers.yaml")
	os.WriteFile(badProviders, []byte("github:\n  proxy:\n    paginate: {type: pages}\n"), 0o644)
	empty := t.TempDir()
	examples := filepath.Join("..", "..", "plugins")

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"malformed fixture", []string{"test", filepath.Dir(filepath.Dir(broken))}, filepath.Join(broken, "fetch-issues.test.json") + ":4:3: not valid JSON: invalid character '}'"},
		{"bad providers file", []string{"test", examples, "--providers", badProviders}, badProviders + `:3: provider "github": proxy.paginate.type: unknown type "pages"`},
		{"no fixtures", []string{"test", empty}, "no fixtures in " + empty},
		{"filter matching nothing", []string{"test", examples, "--filter", "nope"}, "no fixture in " + examples + " matches --filter [nope]"},
		{"missing path", []string{"test", filepath.Join(empty, "missing")}, "no such file or directory"},
		{"two paths", []string{"test", examples, examples}, "test takes at most one path, got 2"},
		{"unknown flag", []string{"test", "--frobnicate"}, "unknown flag: --frobnicate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := ferryExit(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Fatalf("code=%d stdout=%q stderr=%q, want exit 2 mentioning %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

// TestCacheDir checks that FERRY_CACHE_DIR is where CLI commands keep the
// compiled engine and bundles.
func TestCacheDir(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "..", "node_modules", "zod")); err != nil {
		t.Skipf("needs zod: run npm ci at the repository's root (%v)", err)
	}
	cache := filepath.Join(t.TempDir(), "cache")
	out, errOut, code := ferryEnv(t, []string{"FERRY_CACHE_DIR=" + cache}, "test", filepath.Join("..", "..", "plugins", "slack"))
	if code != 0 || !strings.Contains(out, "0 failed") {
		t.Fatalf("ferry test: %d\n%s\n%s", code, out, errOut)
	}
	entries, err := os.ReadDir(cache)
	if err != nil || len(entries) == 0 {
		t.Fatalf("nothing cached in FERRY_CACHE_DIR: %v %v", entries, err)
	}
}
