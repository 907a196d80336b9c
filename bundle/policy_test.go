package bundle

import (
	"errors"
	"testing"
)

func TestCheckImports(t *testing.T) {
	native := AllowImports(map[string][]string{
		"extism:host/user":       {"http_request", "log"},
		"extism:host/env":        {"*"},
		"wasi_snapshot_preview1": {"*"},
	})
	tests := []struct {
		name    string
		imports []Import
		policy  ImportPolicy
		want    string // "" for no error
	}{
		{"none", nil, nil, ""},
		{"allowed", extismImports, native, ""},
		{"unknown host function", []Import{
			{Module: "extism:host/env", Name: "output_set"},
			{Module: "extism:host/user", Name: "foo"},
		}, native, `bundle imports unknown host function "extism:host/user"."foo"`},
		{"unknown module", []Import{{Module: "env", Name: "abort"}}, native,
			`bundle imports unknown host function "env"."abort"`},
		{"memory", []Import{{Module: "env", Name: "memory", Kind: ExternMemory}}, native,
			`bundle imports unknown host memory "env"."memory"`},
		{"several", []Import{
			{Module: "env", Name: "a"}, {Module: "wasi_snapshot_preview1", Name: "fd_write"},
			{Module: "env", Name: "b"}, {Module: "env", Name: "c"},
		}, native, `bundle imports unknown host function "env"."a" (and 2 more)`},
		{"nil policy", extismImports[:1], nil,
			`bundle imports unknown host function "extism:host/env"."input_length"`},
		{"func policy", []Import{{Module: "m", Name: "f"}}, func(module, name string) bool {
			return module == "m"
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &Bundle{Imports: tc.imports}
			err := b.CheckImports(tc.policy)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("err = %v, want nil", err)
			case tc.want == "":
			case !errors.Is(err, ErrUnknownImport):
				t.Fatalf("err = %v, want ErrUnknownImport", err)
			case err.Error() != tc.want:
				t.Errorf("err = %q\nwant  %q", err, tc.want)
			}
		})
	}
}

func TestAllowImportsCopiesMap(t *testing.T) {
	allowed := map[string][]string{"m": {"f"}}
	policy := AllowImports(allowed)
	allowed["m"][0] = "g"
	allowed["n"] = []string{"*"}
	if !policy("m", "f") || policy("m", "g") || policy("n", "x") {
		t.Error("policy changed with the map it was built from")
	}
}
