package hostfns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestPagePath(t *testing.T) {
	doc := `{ "data" : { "items" : [ {"id":1}, {"id":"2", "s":"a\"}]"} ] , "next" : "c\\"} ,
		"a.b": 7, "a": {"b": 8}, "dup": 1, "dup": [2], "k\u00e9y": true, "list": [[0, 1], {"x": null}], "n": -1.5e3 }`
	for _, tc := range []struct {
		path  string
		want  string
		found bool
	}{
		{"", strings.TrimSpace(doc), true},
		{"data.items", `[ {"id":1}, {"id":"2", "s":"a\"}]"} ]`, true},
		{"data.items.1", `{"id":"2", "s":"a\"}]"}`, true},
		{"data.items[1].s", `"a\"}]"`, true},
		{"data.next", `"c\\"`, true},
		{"a.b", `7`, true}, // a key equal to the whole path wins
		{"a", `{"b": 8}`, true},
		{"dup", `[2]`, true}, // the last of duplicates wins
		{"kéy", `true`, true},
		{"list.0.1", `1`, true},
		{"list.1.x", `null`, true},
		{"n", `-1.5e3`, true},
		{"data.items.2", ``, false},
		{"data.items.-1", ``, false},
		{"data.items.x", ``, false},
		{"n.x", ``, false},
		{"missing", ``, false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got, found := pagePath(json.RawMessage(doc), tc.path)
			if found != tc.found || string(got) != tc.want {
				t.Fatalf("pagePath(%q) = %s, %v; want %s, %v", tc.path, got, found, tc.want, tc.found)
			}
			want, wantFound := jsonPath(json.RawMessage(doc), tc.path)
			if found != wantFound || !bytes.Equal(got, want) {
				t.Fatalf("pagePath(%q) = %s, %v; jsonPath = %s, %v", tc.path, got, found, want, wantFound)
			}
		})
	}
}

func TestPageRecordsCutsTheArray(t *testing.T) {
	page := []byte(`{"rows": [ {"id": 1, "s": "x,]}"} ,{"id":2} ], "next": null}`)
	records, err := pageRecords(page, "rows", true)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s", records)
	if want := `[{"id": 1, "s": "x,]}"} {"id":2}]`; got != want {
		t.Fatalf("records %s, want %s", got, want)
	}
}

// FuzzPagePath checks pagePath against jsonPath, which decodes: on valid
// JSON they find the same value.
func FuzzPagePath(f *testing.F) {
	f.Add([]byte(`{"data":{"items":[1,{"a":"b"}]},"next":"x"}`), "data.items.1.a")
	f.Add([]byte(`{"a.b":1,"a":{"b":2}}`), "a.b")
	f.Add([]byte(`[[1,2],[3,"\"]"]]`), "1.1")
	f.Add([]byte(`{"\u0061":1,"a":2,"a":3}`), "a")
	f.Add([]byte(` { } `), "x")
	f.Fuzz(func(t *testing.T, doc []byte, path string) {
		if !json.Valid(doc) {
			return
		}
		got, found := pagePath(doc, path)
		want, wantFound := jsonPath(doc, path)
		if found != wantFound || !bytes.Equal(got, want) {
			t.Fatalf("pagePath(%s, %q) = %s, %v; jsonPath = %s, %v", doc, path, got, found, want, wantFound)
		}
	})
}

// BenchmarkPagePath finds the records and the cursor of a 1 MB page, as
// paginate does for every page, against decoding jsonPath.
func BenchmarkPagePath(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"rows":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"name":"row %d","body":"%s","n":%d}`, i, i, strings.Repeat("x", 900), i)
	}
	sb.WriteString(`],"next":"1000"}`)
	page := []byte(sb.String())
	for _, fn := range []struct {
		name string
		path func(json.RawMessage, string) (json.RawMessage, bool)
	}{{"pagePath", pagePath}, {"jsonPath", jsonPath}} {
		b.Run(fn.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				rows, _ := fn.path(page, "rows")
				next, _ := fn.path(page, "next")
				if len(rows) == 0 || string(next) != `"1000"` {
					b.Fatal("not found")
				}
				if _, err := splitArray(rows); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
