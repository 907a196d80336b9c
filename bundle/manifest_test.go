package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files and .wasm fixtures under testdata/")

func TestEntryPoint(t *testing.T) {
	tests := []struct {
		typ  FunctionType
		want string
	}{
		{TypeSync, "sync"},
		{TypeAction, "action"},
		{TypeOnEvent, "on_event"},
		{"webhook", ""},
	}
	for _, tc := range tests {
		m := Manifest{Type: tc.typ}
		if got := m.EntryPoint(); got != tc.want {
			t.Errorf("%s: EntryPoint() = %q, want %q", tc.typ, got, tc.want)
		}
	}
}

// TestManifestGolden validates each testdata/manifest/*.json and compares
// the result, defaults filled, with its .golden file.
func TestManifestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/manifest/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no manifests in testdata/manifest: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseManifest(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from validated manifest:\n%s", golden, got)
			}
		})
	}
}

func TestManifestJSONErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"empty", "", "manifest: empty document"},
		{"blank", " \n", "manifest: empty document"},
		{"syntax", `{"name":}`, "manifest: invalid JSON at offset 9: invalid character '}' looking for beginning of value"},
		{"truncated", `{"name":"a"`, "manifest: unexpected end of JSON"},
		{"unknown field", `{"name":"a","runs":"every hour"}`, `manifest: unknown field "runs"`},
		{"unknown endpoint field", `{"endpoints":[{"method":"GET","path":"/","verb":"x"}]}`, `manifest: unknown field "verb"`},
		{"wrong type", `{"name":"a","autoStart":"yes"}`, "manifest: autoStart: got a JSON string, want a boolean"},
		{"wrong nested type", `{"scopes":[1]}`, "manifest: scopes: got a JSON number, want a string"},
		{"array", `[]`, "manifest: got a JSON array, want an object"},
		{"trailing data", `{"name":"a"} {}`, "manifest: unexpected data after the JSON object at offset 13"},
		{"too big", `{"description":"` + strings.Repeat("x", maxManifestSize) + `"}`, "manifest: 1048594 bytes exceeds the limit of 1048576"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.json))
			if !errors.Is(err, ErrInvalidManifest) {
				t.Fatalf("err = %v, want ErrInvalidManifest", err)
			}
			if err.Error() != tc.want {
				t.Errorf("err = %q\nwant  %q", err, tc.want)
			}
		})
	}
}
