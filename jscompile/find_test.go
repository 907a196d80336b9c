package jscompile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/jscompile"
)

// writeFiles writes files (path → contents) under a new temp dir.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFind(t *testing.T) {
	nango := filepath.Join(project, "nango")
	tree := writeFiles(t, map[string]string{
		"crm/syncs/contacts.ts":                "",
		"crm/syncs/contacts.js":                "",
		"crm/syncs/contacts.test.ts":           "",
		"crm/syncs/types.d.ts":                 "",
		"crm/syncs/notes.md":                   "",
		"crm/actions/create-contact.js":        "",
		"crm/actions/lib/helper.ts":            "",
		"crm/on-events/setup.ts":               "",
		"node_modules/pkg/github/syncs/x.ts":   "",
		"dist/crm/syncs/contacts.js":           "",
		"build/crm/syncs/contacts.js":          "",
		".nango/crm/syncs/contacts.ts":         "",
		"go-style/syncs/fetch/main.go":         "",
		"go-style/syncs/fetch/manifest.json":   "",
		"deeper/project/crm/actions/delete.ts": "",
	})
	tests := []struct {
		name string
		path string
		root string
		want []string // rel path: integration/name type
	}{
		{"project", nango, nango, []string{
			"github/actions/create-issue.ts: github/create-issue action",
			"github/syncs/fetch-issues.ts: github/fetch-issues sync",
			"slack/on-events/validate.ts: slack/validate on-event",
		}},
		{"one file", filepath.Join(nango, "github", "syncs", "fetch-issues.ts"), nango, []string{
			"github/syncs/fetch-issues.ts: github/fetch-issues sync",
		}},
		{"index.ts", filepath.Join(project, "indexed"), filepath.Join(project, "indexed"), []string{
			"github/actions/create.ts: github/create action",
			"github/syncs/issues.ts: github/issues sync",
		}},
		{"skips tests, declarations, packages and build output", tree, tree, []string{
			"crm/actions/create-contact.js: crm/create-contact action",
			"crm/on-events/setup.ts: crm/setup on-event",
			"crm/syncs/contacts.ts: crm/contacts sync",
			"deeper/project/crm/actions/delete.ts: crm/delete action",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sources, err := jscompile.Find(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sources {
				rel, _ := filepath.Rel(tc.root, s.Path)
				if s.Root != tc.root {
					t.Errorf("%s: root %q, want %q", s.Path, s.Root, tc.root)
				}
				got = append(got, filepath.ToSlash(rel)+": "+s.String()+" "+string(s.Type))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestFindErrors(t *testing.T) {
	dup := writeFiles(t, map[string]string{"crm/syncs/contacts.ts": "", "crm/actions/contacts.ts": ""})
	badIndex := writeFiles(t, map[string]string{"index.ts": "import './crm/syncs/gone.js';\n", "crm/syncs/here.ts": ""})
	loose := writeFiles(t, map[string]string{"syncs/contacts.ts": ""})
	tests := []struct {
		name     string
		path     string
		sentinel error
		want     string
	}{
		{"outside the layout", filepath.Join(project, "nango", "github", "mappers", "issue.ts"), jscompile.ErrLayout,
			"a function must be in <integration>/syncs, <integration>/actions or <integration>/on-events"},
		{"not a function file", filepath.Join(project, "nango", "github", "README.md"), jscompile.ErrLayout, "not a function: a function is a .ts or .js file"},
		{"no functions", t.TempDir(), jscompile.ErrNoFunctions, "no functions found: functions are .ts files in <integration>/syncs, actions or on-events"},
		{"missing", filepath.Join(project, "nope"), fs.ErrNotExist, "no such file"},
		{"same name twice", dup, jscompile.ErrLayout, "crm/actions/contacts.ts and crm/syncs/contacts.ts are both function crm/contacts: rename one"},
		{"index.ts imports a missing file", badIndex, jscompile.ErrBuild, `index.ts:1:8: Could not resolve "./crm/syncs/gone.js"`},
		{"syncs folder at the root", filepath.Join(loose, "syncs"), nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sources, err := jscompile.Find(tc.path)
			if tc.sentinel == nil {
				// The integration is the folder above, whatever its name.
				if err != nil || len(sources) != 1 || sources[0].Integration != filepath.Base(loose) || sources[0].Type != bundle.TypeSync {
					t.Fatalf("Find() = %+v, %v", sources, err)
				}
				return
			}
			if !errors.Is(err, tc.sentinel) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Find() = %v, %v; want an error wrapping %v containing %q", sources, err, tc.sentinel, tc.want)
			}
		})
	}
}
