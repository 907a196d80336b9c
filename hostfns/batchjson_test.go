package hostfns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeBatch(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		model   string
		records []string
		wantErr bool
	}{
		{name: "guest layout", in: `{"model":"Issue","records":[{"id":"1"},{"id":2,"a":[1,{"b":"]"}]}]}`, model: "Issue", records: []string{`{"id":"1"}`, `{"id":2,"a":[1,{"b":"]"}]}`}},
		{name: "escaped quote in a string", in: `{"model":"Is\"sue","records":[{"id":"a\"b,c"}]}`, model: `Is"sue`, records: []string{`{"id":"a\"b,c"}`}},
		{name: "spaces", in: `{"model":"M","records":[ {"id":"1"} , {"id":"2"} ] }`, model: "M", records: []string{`{"id":"1"}`, `{"id":"2"}`}},
		{name: "empty", in: `{"model":"M","records":[]}`, model: "M", records: []string{}},
		{name: "other key order", in: `{"records":[{"id":"1"}],"model":"M"}`, model: "M", records: []string{`{"id":"1"}`}},
		{name: "extra key", in: `{"model":"M","records":[{"id":"1"}],"x":1}`, model: "M", records: []string{`{"id":"1"}`}},
		{name: "records not an array", in: `{"model":"M","records":{"id":"1"}}`, wantErr: true},
		{name: "unbalanced", in: `{"model":"M","records":[{"id":"1"}]]}`, wantErr: true},
		{name: "truncated", in: `{"model":"M","records":[{"id":"1"}`, wantErr: true},
		{name: "not JSON", in: `hello`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			model, records, err := decodeBatch([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("decodeBatch(%s) = %q, %s; want an error", tc.in, model, records)
				}
				return
			}
			if err != nil || model != tc.model || len(records) != len(tc.records) {
				t.Fatalf("decodeBatch(%s) = %q, %s, %v", tc.in, model, records, err)
			}
			for i, r := range records {
				if string(r) != tc.records[i] {
					t.Errorf("record %d = %s, want %s", i, r, tc.records[i])
				}
			}
		})
	}
}

// FuzzDecodeBatch checks the fast path against encoding/json: whenever both
// accept a request they agree, and the fast path accepts more only by
// leaving invalid records for the store to refuse.
func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(`{"model":"Issue","records":[{"id":"1"},{"id":2}]}`))
	f.Add([]byte(`{"model":"a\"b","records":[ "x\\"y", [1,[2]], {} ]}`))
	f.Add([]byte(`{"model":"M","records":[1 2]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		model, records, ok := decodeBatchFast(in)
		if !ok {
			return
		}
		var want struct {
			Model   string            `json:"model"`
			Records []json.RawMessage `json:"records"`
		}
		if err := json.Unmarshal(in, &want); err != nil {
			for _, r := range records {
				if !json.Valid(r) {
					return // an invalid record: the store refuses it
				}
			}
			t.Fatalf("fast path accepted %q with valid records, encoding/json: %v", in, err)
		}
		if model != want.Model || len(records) != len(want.Records) {
			t.Fatalf("fast %q %d records, encoding/json %q %d", model, len(records), want.Model, len(want.Records))
		}
		for i := range records {
			if !bytes.Equal(bytes.TrimSpace(records[i]), bytes.TrimSpace(want.Records[i])) {
				t.Fatalf("record %d: fast %s, encoding/json %s", i, records[i], want.Records[i])
			}
		}
	})
}

// BenchmarkDecodeBatch cuts a batch_save request of 1000 records of about
// 1 KB, the size the guest packages send, into its records.
func BenchmarkDecodeBatch(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"model":"Issue","records":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"issue-%d","number":%d,"state":"open","locked":false,`+
			`"user":{"login":"octocat","id":583231,"site_admin":false},`+
			`"labels":[{"name":"bug","color":"d73a4a"},{"name":"p1"}],"title":"a \"quoted\" title",`+
			`"body":"%s"}`, i, i, strings.Repeat("lorem ipsum ", 70))
	}
	sb.WriteString(`]}`)
	in := []byte(sb.String())
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, records, err := decodeBatch(in); err != nil || len(records) != 1000 {
			b.Fatal(len(records), err)
		}
	}
}
