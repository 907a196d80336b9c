package store

import (
	"testing"
)

func TestMergeJSON(t *testing.T) {
	tests := []struct {
		name, base, patch, want string
	}{
		{"scalar replaced", `{"id":"a","n":1}`, `{"n":2}`, `{"id":"a","n":2}`},
		{"new keys appended in patch order", `{"id":"a"}`, `{"z":1,"b":2}`, `{"id":"a","z":1,"b":2}`},
		{"base order kept", `{"x":1,"y":2,"z":3}`, `{"z":30,"x":10}`, `{"x":10,"y":2,"z":30}`},
		{"objects merge recursively", `{"o":{"a":1,"b":{"c":1,"d":2}}}`, `{"o":{"b":{"d":3,"e":4},"f":5}}`, `{"o":{"a":1,"b":{"c":1,"d":3,"e":4},"f":5}}`},
		{"arrays replaced", `{"l":[1,2,3]}`, `{"l":[9]}`, `{"l":[9]}`},
		{"array replaced by object", `{"l":[1]}`, `{"l":{"a":1}}`, `{"l":{"a":1}}`},
		{"object replaced by scalar", `{"o":{"a":1}}`, `{"o":"x"}`, `{"o":"x"}`},
		{"scalar replaced by object", `{"o":1}`, `{"o":{"a":1}}`, `{"o":{"a":1}}`},
		{"null replaces", `{"o":{"a":1}}`, `{"o":null}`, `{"o":null}`},
		{"empty patch", `{"a":1}`, `{}`, `{"a":1}`},
		{"empty base", `{}`, `{"a":1}`, `{"a":1}`},
		{"escaped keys match", `{"\u0061":1,"b":2}`, `{"a":3}`, `{"\u0061":3,"b":2}`},
		{"duplicate patch keys: last wins", `{"a":1}`, `{"a":2,"a":3,"c":1,"c":2}`, `{"a":3,"c":2}`},
		{"strings with structure characters", `{"s":"},{\"x\":[","t":1}`, `{"t":"]}"}`, `{"s":"},{\"x\":[","t":"]}"}`},
		{"nested arrays of objects replaced", `{"l":[{"a":1}]}`, `{"l":[{"b":2}]}`, `{"l":[{"b":2}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(mergeJSON(nil, []byte(tc.base), []byte(tc.patch))); got != tc.want {
				t.Errorf("merge(%s, %s) = %s, want %s", tc.base, tc.patch, got, tc.want)
			}
		})
	}
}

// BenchmarkMergeJSON merges a small patch into a stored 1 KB record, as
// UpdateRecords does for every record, and finds the record's id as
// pruning does.
func BenchmarkMergeJSON(b *testing.B) {
	base := []byte(benchRecord("issue-000000001", 0))
	patch := []byte(`{"state":"closed","comments":3,"user":{"site_admin":true},"labels":[{"name":"done"}]}`)
	var out []byte
	b.SetBytes(int64(len(base) + len(patch)))
	b.ReportAllocs()
	for b.Loop() {
		out = mergeJSON(out[:0], base, patch)
		if idMember(out) == nil {
			b.Fatal("no id")
		}
	}
}
