package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// linkNodeModules gives a folder outside the repository the repository's
// node_modules (zod), as npm install would. npm ci at the root installs it.
func linkNodeModules(t *testing.T, dir string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "zod", "package.json")); err != nil {
		t.Fatalf("the TypeScript functions need zod: run npm ci at the repository's root (%v)", err)
	}
	if err := os.Symlink(root, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
}

func TestInitThenTest(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		integration string
	}{
		{"default", nil, "github"},
		{"named integration", []string{"--integration", "octo"}, "octo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "integrations")
			stdout, stderr, code := ferryExit(t, append([]string{"init", dir}, tc.args...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("init: code=%d stdout=%s\nstderr=%s", code, stdout, stderr)
			}
			for _, want := range []string{
				"Created an integrations folder in " + dir + ":\n",
				"  package.json\n",
				"  " + tc.integration + "/syncs/issues.ts\n",
				"  " + tc.integration + "/tests/create-issue.test.json\n",
				"  .ferry/nango/ (",
				"Next steps:\n  cd " + dir + "\n  npm install",
				"ferry test",
			} {
				if !strings.Contains(stdout, want) {
					t.Errorf("init output lacks %q:\n%s", want, stdout)
				}
			}

			linkNodeModules(t, dir)
			stdout, stderr, code = ferryExit(t, "test", dir)
			want := "PASS " + tc.integration + "/create-issue\nPASS " + tc.integration + "/issues\n2 passed, 0 failed\n"
			if code != 0 || stdout != want {
				t.Fatalf("test: code=%d stdout=%q stderr=%q", code, stdout, stderr)
			}
		})
	}
}

func TestInitRefusesExistingFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"mine"}`), 0o644)

	stdout, stderr, code := ferryExit(t, "init", dir)
	want := filepath.Join(dir, "package.json") + " already exists: use --force to overwrite"
	if code != 2 || stdout != "" || !strings.Contains(stderr, want) {
		t.Fatalf("code=%d stdout=%q stderr=%q, want exit 2 mentioning %q", code, stdout, stderr, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("init wrote files although it refused: %v", entries)
	}

	if _, stderr, code = ferryExit(t, "init", dir, "--force"); code != 0 {
		t.Fatalf("init --force: code=%d stderr=%q", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "package.json"))
	if !bytes.Contains(data, []byte(`"zod": "4.6.7"`)) {
		t.Fatalf("--force did not overwrite package.json:\n%s", data)
	}
}

func TestInitUsageErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	dir := t.TempDir()

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"two directories", []string{"init", dir, dir}, "init takes at most one directory, got 2"},
		{"bad integration", []string{"init", dir, "--integration", "Git Hub"}, `--integration: invalid integration name "Git Hub"`},
		{"reserved integration", []string{"init", dir, "--integration", "node_modules"}, "reserved"},
		{"not a directory", []string{"init", file}, file + " is not a directory"},
		{"unknown flag", []string{"init", dir, "--frobnicate"}, "unknown flag: --frobnicate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := ferryExit(t, tc.args...)
			if code == 0 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Fatalf("code=%d stdout=%q stderr=%q, want a failure mentioning %q", code, stdout, stderr, tc.want)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed init wrote files: %v", entries)
	}
}

func TestInitInstallWithoutNpm(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "integrations")
	cmd := exec.Command(ferryBin, "init", dir, "--install")
	cmd.Env = append(os.Environ(), "PATH="+t.TempDir()) // no npm there
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "--install needs npm on the PATH") {
		t.Fatalf("err=%v stderr=%q", err, stderr.String())
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("init --install without npm created %s", dir)
	}
}
