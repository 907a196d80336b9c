package webhooks

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

func TestPayload(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	for _, tc := range []struct {
		name, contentType, body string
		want                    string // "" = ErrUnsupportedBody
	}{
		{"JSON object, as is", "application/json", ` {"a": 1, "b":[true]} `, ` {"a": 1, "b":[true]} `},
		{"JSON array (HubSpot)", "application/json; charset=utf-8", `[{"portalId":1}]`, `[{"portalId":1}]`},
		{"JSON without a content type", "", `{"a":1}`, `{"a":1}`},
		{"JSON sent as text/plain", "text/plain", `{"a":1}`, `{"a":1}`},
		{"form fields", form, "team_id=T1&command=%2Fdeploy&text=", `{"command":"/deploy","team_id":"T1","text":""}`},
		{"form with charset", form + "; charset=utf-8", "a=1", `{"a":"1"}`},
		{"repeated form field", form, "tag=a&tag=b&x=1", `{"tag":["a","b"],"x":"1"}`},
		{"slack interactivity", form, "payload=%7B%22type%22%3A%22block_actions%22%2C%22team%22%3A%7B%22id%22%3A%22T1%22%7D%7D",
			`{"payload":{"type":"block_actions","team":{"id":"T1"}}}`},
		{"payload field that is not JSON", form, "payload=hello", `{"payload":"hello"}`},
		{"other field holding JSON stays a string", form, "data=%7B%7D", `{"data":"{}"}`},
		{"HTML characters kept", form, "text=%3Cb%3E%26", `{"text":"<b>&"}`},
		{"empty form", form, "", `{}`},
		{"malformed form", form, "a=%zz", ""},
		{"plain text", "text/plain", "hello", ""},
		{"XML", "application/xml", "<a/>", ""},
		{"empty body", "application/json", "", ""},
		{"blank body", "", " \n", ""},
		{"truncated JSON", "application/json", `{"a":`, ""},
		{"form body sent as JSON", "application/json", "a=1&b=2", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Request{Header: http.Header{}, Body: []byte(tc.body)}
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			got, err := Payload(r)
			if tc.want == "" {
				if !errors.Is(err, ErrUnsupportedBody) {
					t.Fatalf("Payload = %s, %v; want ErrUnsupportedBody", got, err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("Payload = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func FuzzPayload(f *testing.F) {
	for _, seed := range []struct{ ct, body string }{
		{"application/json", `{"a":[1,{"b":null}]}`},
		{"application/x-www-form-urlencoded", "payload=%7B%22a%22%3A1%7D&x=1&x=2"},
		{"application/x-www-form-urlencoded; charset=utf-8", "a=%zz"},
		{"text/plain", "hello"},
		{"", ""},
		{"multipart/form-data; boundary=x", "--x--"},
	} {
		f.Add(seed.ct, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := Request{Header: http.Header{"Content-Type": {contentType}}, Body: body}
		got, err := Payload(r)
		if err != nil {
			if !errors.Is(err, ErrUnsupportedBody) {
				t.Fatalf("error %v does not wrap ErrUnsupportedBody", err)
			}
			return
		}
		if !json.Valid(got) {
			t.Fatalf("Payload returned invalid JSON %q", got)
		}
		// Whatever it returned, Lookup reads it without failing.
		_, _ = Lookup(providersValue("a.0.b"), r, got)
	})
}
