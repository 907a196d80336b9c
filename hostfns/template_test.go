package hostfns

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestTemplateExpand(t *testing.T) {
	creds := &Credentials{APIKey: "ak", AccessToken: "at", Username: "u", Password: "p",
		Raw: map[string]any{"instance": map[string]any{"host": "h1"}, "n": 3.0, "flag": true}}
	config := map[string]any{"subdomain": "acme", "list": []any{"zero", json.Number("1")}, "empty": ""}
	tests := []struct {
		name, in, want string
		secret         bool
		noCreds        bool
		err            string // substring of an ErrTemplate error
	}{
		{name: "no template", in: "https://api.example.com", want: "https://api.example.com"},
		{name: "connection config", in: "https://${connectionConfig.subdomain}.example.com", want: "https://acme.example.com"},
		{name: "config array index", in: "${connectionConfig.list.0}-${connectionConfig.list[1]}", want: "zero-1"},
		{name: "api key", in: "Key ${apiKey}", want: "Key ak", secret: true},
		{name: "access token spaced", in: "Bearer ${ accessToken }", want: "Bearer at", secret: true},
		{name: "credentials fields", in: "${credentials.username}:${credentials.password}", want: "u:p", secret: true},
		{name: "raw credentials path", in: "${credentials.instance.host}/${credentials.n}/${flag}", want: "h1/3/true", secret: true},
		{name: "base64", in: "Basic ${base64(${username}:${password})}", want: "Basic dTpw", secret: true},
		{name: "base64 of config", in: "${base64(${connectionConfig.subdomain})}", want: "YWNtZQ=="},
		{name: "missing config", in: "${connectionConfig.region}", err: `${connectionConfig.region}: the connection config has no "region"`},
		{name: "empty config value", in: "${connectionConfig.empty}", err: `no "empty"`},
		{name: "missing credential", in: "${credentials.secret}", err: `${credentials.secret}: the credentials have no "secret"`},
		{name: "no credentials", in: "${apiKey}", noCreds: true, err: "the call has no credentials"},
		{name: "unclosed", in: "x ${apiKey", err: "unclosed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := templateScope{creds: creds, config: config}
			if tc.noCreds {
				sc.creds = nil
			}
			got, secret, err := sc.expand(tc.in)
			if tc.err != "" {
				if !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ErrTemplate with %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want || secret != tc.secret {
				t.Errorf("expand = %q, %v, %v; want %q, %v", got, secret, err, tc.want, tc.secret)
			}
		})
	}
}

func TestJSONPath(t *testing.T) {
	doc := json.RawMessage(`{"data":{"items":[{"id":1},{"id":2}],"next":"c2","0":"zero-key"},"list":[[1,2],[3]],"n":null}`)
	tests := []struct {
		path  string
		want  string
		found bool
	}{
		{"", string(doc), true},
		{"data.next", `"c2"`, true},
		{"data.items", `[{"id":1},{"id":2}]`, true},
		{"data.items.1.id", `2`, true},
		{"data.items[0].id", `1`, true},
		{"list.0.1", `2`, true},
		{"list[1][0]", `3`, true},
		{"data.0", `"zero-key"`, true},
		{"n", `null`, true},
		{"data.missing", "", false},
		{"data.items.2", "", false},
		{"data.items.-1", "", false},
		{"data.items.x", "", false},
		{"data.next.deeper", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, found := jsonPath(doc, tc.path)
			if found != tc.found || string(got) != tc.want {
				t.Errorf("jsonPath = %s, %v; want %s, %v", got, found, tc.want, tc.found)
			}
		})
	}
}

func FuzzJSONPath(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[1,{"c":"x"}]}}`), "a.b.1.c")
	f.Add([]byte(`[[1],[2,3]]`), "1[1]")
	f.Add([]byte(`{"a":`), "a")
	f.Add([]byte(`"str"`), "")
	f.Add([]byte(`[[]`), ".")
	f.Fuzz(func(t *testing.T, doc []byte, path string) {
		got, found := jsonPath(doc, path)
		if found && !json.Valid(got) {
			t.Fatalf("jsonPath(%q, %q) = %q: found but not JSON", doc, path, got)
		}
		if !found && got != nil {
			t.Fatalf("not found but returned %q", got)
		}
	})
}

func FuzzTemplate(f *testing.F) {
	f.Add("Bearer ${accessToken}")
	f.Add("${base64(${username}:${password})}")
	f.Add("${connectionConfig.a.0}${")
	f.Add("${base64(${base64(${apiKey})})}}")
	f.Fuzz(func(t *testing.T, tmpl string) {
		sc := templateScope{creds: &Credentials{APIKey: "k", AccessToken: "t", Username: "u"}, config: map[string]any{"a": []any{"x"}}}
		out, _, err := sc.expand(tmpl)
		if err == nil && strings.Contains(out, "${apiKey}") && !strings.Contains(tmpl, "base64") {
			// every ${…} is resolved or an error; what remains came from a value
			t.Fatalf("expand(%q) left a template: %q", tmpl, out)
		}
	})
}
