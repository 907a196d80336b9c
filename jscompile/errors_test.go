package jscompile_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/jscompile"
)

func TestCompileErrors(t *testing.T) {
	broken := filepath.Join(project, "broken")
	// Outside the repository, whose node_modules has zod.
	noZod := writeFiles(t, map[string]string{
		"package.json": `{"private":true,"dependencies":{"zod":"^4"}}`,
		"github/actions/hello.ts": "import { createAction } from 'nango';\nimport { z } from 'zod';\n\n" +
			"export default createAction({ description: 'needs zod', input: z.object({}), exec: async () => ({}) });\n",
		"github/on-events/check.ts": "import { createOnEvent } from 'nango';\n\n" +
			"export default createOnEvent({ description: 'needs zod to be described', event: 'validate-connection', exec: async () => {} });\n",
	})
	tests := []struct {
		name     string
		path     string
		sentinel error
		want     []string // every line of the error
	}{
		{"syntax error", filepath.Join(broken, "syntax"), jscompile.ErrBuild,
			[]string{`github/actions/create.ts:5:5: Expected "}" but found "exec"`}},
		{"syntax error in a helper", filepath.Join(broken, "helper-syntax"), jscompile.ErrBuild,
			[]string{`github/lib/broken.ts:1:24: Unexpected ";"`}},
		{"every error of a file", filepath.Join(broken, "many-errors"), jscompile.ErrUnknownImport, []string{
			`unknown import "qjs:os" in github/actions/create.ts:2:21: ferry functions may import nango, zod, crypto, url, buffer and relative files`,
			`unknown import "fs" in github/actions/create.ts:3:16: ferry functions may import nango, zod, crypto, url, buffer and relative files`,
			`github/actions/create.ts:4:24: Could not resolve "./missing.js"`,
		}},
		{"unknown import", filepath.Join(broken, "unknown-import"), jscompile.ErrUnknownImport, []string{
			`unknown import "qjs:os" in github/actions/run.ts:2:21: ferry functions may import nango, zod, crypto, url, buffer and relative files`}},
		{"unknown dynamic import", filepath.Join(broken, "dynamic-unknown"), jscompile.ErrUnknownImport, []string{
			`unknown import "qjs:std" in github/actions/lazy.ts:5:37: ferry functions may import nango, zod, crypto, url, buffer and relative files`}},
		{"zod subpath that does not exist", filepath.Join(broken, "zod-subpath"), jscompile.ErrBuild,
			[]string{`github/actions/create.ts:2:19: Could not resolve "zod/nope"`}},
		{"no default export", filepath.Join(broken, "no-default"), jscompile.ErrNoDefaultExport,
			[]string{`github/syncs/issues.ts: no default export: export default createSync({...})`}},
		{"not a definition", filepath.Join(broken, "not-a-definition"), jscompile.ErrDefinition,
			[]string{`github/actions/plain.ts: invalid function definition: the default export is not a createSync/createAction/createOnEvent result (it has no type "sync", "action" or "onEvent")`}},
		{"type disagrees with folder", filepath.Join(broken, "wrong-folder"), jscompile.ErrLayout,
			[]string{`github/syncs/create.ts: defines an action with createAction but is in syncs/: move it to actions/`}},
		{"model not a zod schema", filepath.Join(broken, "model-not-zod"), jscompile.ErrDefinition,
			[]string{`github/syncs/issues.ts: invalid function definition: model Issue must be a z.object(...)`}},
		{"model without id", filepath.Join(broken, "model-without-id"), jscompile.ErrDefinition,
			[]string{`github/syncs/issues.ts: invalid function definition: model Issue needs an id field (z.string() or z.number())`}},
		{"invalid options", filepath.Join(broken, "no-frequency"), jscompile.ErrDefinition,
			[]string{`github/syncs/issues.ts: invalid function definition: frequency is required for a sync (e.g. "every hour")`}},
		{"missing zod", noZod, jscompile.ErrMissingPackage, []string{
			`cannot find package "zod" imported by github/actions/hello.ts:2:19: run npm install in ` + noZod,
			`cannot find package "zod", which describing github/on-events/check.ts needs: run npm install in ` + noZod,
		}},
		{"index.ts imports a non-function", filepath.Join(project, "index-not-function"), jscompile.ErrLayout, []string{
			`index.ts imports lib/helper.ts, which is not a function: functions are in <integration>/syncs, actions or on-events`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fns, err := jscompile.Compile(context.Background(), tc.path, options(t))
			if err == nil {
				t.Fatalf("compiled %v, want an error", names(fns))
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error does not wrap %v: %v", tc.sentinel, err)
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, tc.want) {
				t.Errorf("error:\n%s\nwant:\n%s", err, strings.Join(tc.want, "\n"))
			}
		})
	}
}
