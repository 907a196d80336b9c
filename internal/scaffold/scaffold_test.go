package scaffold

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/fixtures"
	sdkjs "github.com/ferryhq/ferry/sdk-js"
)

func TestFiles(t *testing.T) {
	tests := []struct {
		name        string
		integration string
		want        []string
	}{
		{"default", "", []string{
			"package.json", "tsconfig.json", ".gitignore", "README.md", ".ferry/globals.d.ts",
			".ferry/nango/" + sdkjs.EntryNango, ".ferry/nango/" + sdkjs.EntryBuffer,
			"github/syncs/issues.ts", "github/actions/create-issue.ts",
			"github/tests/issues.test.json", "github/tests/create-issue.test.json",
		}},
		{"named", "octo-corp_2", []string{
			"octo-corp_2/syncs/issues.ts", "octo-corp_2/actions/create-issue.ts",
			"octo-corp_2/tests/issues.test.json", "octo-corp_2/tests/create-issue.test.json",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Files(Options{Integration: tc.integration})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.IsSorted(files) {
				t.Errorf("files are not sorted: %v", files)
			}
			for _, w := range tc.want {
				if !slices.Contains(files, w) {
					t.Errorf("no %s in %v", w, files)
				}
			}
			for _, f := range files {
				if strings.HasSuffix(f, templateSuffix) || strings.HasPrefix(f, integrationTemplate+"/") {
					t.Errorf("%s: a template name leaked into the output", f)
				}
			}
		})
	}
}

func TestIntegrationName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string // "" for a valid name
	}{
		{"github", ""},
		{"hubspot-eu_2", ""},
		{"0crm", ""},
		{"GitHub", "lower-case letters"},
		{"-github", "starting with a letter or digit"},
		{"git hub", "lower-case letters"},
		{"../github", "lower-case letters"},
		{"a/b", "lower-case letters"},
		{"node_modules", "reserved"},
		{"tests", "reserved"},
		{strings.Repeat("a", 101), "at most 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Files(Options{Integration: tc.name})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (!errors.Is(err, ErrIntegrationName) || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want ErrIntegrationName mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Integrations", "nested")
	if err := Write(dir, Options{Integration: "octo"}); err != nil {
		t.Fatal(err)
	}
	files, _ := Files(Options{Integration: "octo"})
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}

	var pkg struct {
		Name         string
		Scripts      map[string]string
		Dependencies map[string]string
	}
	readJSON(t, filepath.Join(dir, "package.json"), &pkg)
	if pkg.Name != "nested" || pkg.Dependencies["zod"] != ZodVersion || !strings.HasPrefix(pkg.Scripts["test"], "ferry test") ||
		!strings.HasPrefix(pkg.Scripts["compile"], "ferry compile") {
		t.Errorf("package.json = %+v", pkg)
	}

	var tsconfig struct {
		CompilerOptions struct {
			Strict bool
			Paths  map[string][]string
		}
	}
	readJSON(t, filepath.Join(dir, "tsconfig.json"), &tsconfig)
	if !tsconfig.CompilerOptions.Strict {
		t.Error("tsconfig.json is not strict")
	}
	for _, mod := range []string{"nango", "crypto", "node:crypto", "url", "node:url", "buffer", "node:buffer"} {
		paths := tsconfig.CompilerOptions.Paths[mod]
		if len(paths) != 1 {
			t.Errorf("tsconfig.json maps %s to %v", mod, paths)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(paths[0]))); err != nil {
			t.Errorf("tsconfig.json maps %s to a missing file: %v", mod, err)
		}
	}

	for _, name := range []string{"issues", "create-issue"} {
		fx, err := fixtures.ParseFile(filepath.Join(dir, "octo", "tests", name+fixtures.Suffix))
		if err != nil {
			t.Fatal(err)
		}
		if fx.Integration != "octo" || fx.Connection.Provider != "github" {
			t.Errorf("%s: integration %q, provider %q", name, fx.Integration, fx.Connection.Provider)
		}
	}
	for _, f := range []string{"README.md", "package.json", "tsconfig.json", ".ferry/globals.d.ts"} {
		data, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if strings.Contains(string(data), "{{") || strings.Contains(string(data), "<no value>") {
			t.Errorf("%s is not fully rendered:\n%s", f, data)
		}
	}
}

func TestWriteExisting(t *testing.T) {
	tests := []struct {
		name      string
		existing  map[string]string // path → content, before Write
		force     bool
		wantPaths []string // the ExistsError's; nil: Write succeeds
	}{
		{"empty folder", nil, false, nil},
		{"unrelated files", map[string]string{".git/HEAD": "ref: refs/heads/main\n", "notes.txt": "mine"}, false, nil},
		{"one conflict", map[string]string{"package.json": "{}"}, false, []string{"package.json"}},
		{"conflicts", map[string]string{"README.md": "#", "github/syncs/issues.ts": "//", "tsconfig.json": "{}"}, false,
			[]string{"README.md", "github/syncs/issues.ts", "tsconfig.json"}},
		{"forced", map[string]string{"package.json": "{}", "github/syncs/issues.ts": "//"}, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, content := range tc.existing {
				path := filepath.Join(dir, filepath.FromSlash(p))
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := Write(dir, Options{Force: tc.force})
			if tc.wantPaths == nil {
				if err != nil {
					t.Fatal(err)
				}
				for p, content := range tc.existing {
					data, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
					if tc.force == (string(data) == content) {
						t.Errorf("%s: force=%v, content now %q", p, tc.force, data)
					}
				}
				return
			}
			var ee *ExistsError
			if !errors.Is(err, ErrExists) || !errors.As(err, &ee) || !slices.Equal(ee.Paths, tc.wantPaths) {
				t.Fatalf("err = %v, want an ExistsError for %v", err, tc.wantPaths)
			}
			if _, err := os.Stat(filepath.Join(dir, ".gitignore")); err == nil {
				t.Error("Write wrote files although it refused")
			}
		})
	}
}

func TestExistsErrorMessage(t *testing.T) {
	tests := []struct {
		paths []string
		want  string
	}{
		{[]string{"package.json"}, "d/package.json already exists"},
		{[]string{"a", "b"}, "d/a, d/b already exist"},
		{[]string{"a", "b", "c", "d", "e"}, "d/a, d/b, d/c and 2 more already exist"},
	}
	for _, tc := range tests {
		if got := (&ExistsError{Dir: "d", Paths: tc.paths}).Error(); got != filepath.FromSlash(tc.want) {
			t.Errorf("%v: %q, want %q", tc.paths, got, tc.want)
		}
	}
}

func TestWriteNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if err := Write(file, Options{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestPackageName(t *testing.T) {
	tests := []struct{ dir, want string }{
		{"/work/integrations", "integrations"},
		{"/work/My Integrations", "my-integrations"},
		{"/work/nango-integrations", "nango-integrations"},
		{"/work/_private", "private"},
		{"/work/.hidden", "hidden"},
		{"/work/¡¿", "integrations"},
		{"", "integrations"},
	}
	for _, tc := range tests {
		if got := packageName(filepath.FromSlash(tc.dir)); got != tc.want {
			t.Errorf("packageName(%q) = %q, want %q", tc.dir, got, tc.want)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
}
