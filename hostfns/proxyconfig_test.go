package hostfns

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParamsJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Params
		err  string
	}{
		{name: "object", in: `{"a":"1","n":42,"f":1.5,"b":false,"l":["x",2,true,null],"z":null}`,
			want: Params{"a": {"1"}, "n": {"42"}, "f": {"1.5"}, "b": {"false"}, "l": {"x", "2", "true"}}},
		{name: "empty object", in: `{}`, want: Params{}},
		{name: "query string", in: `"a=1&b=x%20y&a=2"`, want: Params{"a": {"1", "2"}, "b": {"x y"}}},
		{name: "query string with ?", in: `"?a=1"`, want: Params{"a": {"1"}}},
		{name: "empty string", in: `""`, want: Params{}},
		{name: "null", in: `null`, want: nil},
		{name: "nested object", in: `{"a":{"b":1}}`, err: "params.a: an object cannot be a query or form value"},
		{name: "nested array", in: `{"a":[[1]]}`, err: "params.a"},
		{name: "number", in: `12`, err: "params must be an object or a query string, not a number"},
		{name: "bad escape", in: `"a=%zz"`, err: "is not a query string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cfg ProxyConfig
			err := json.Unmarshal([]byte(`{"endpoint":"/","params":`+tc.in+`}`), &cfg)
			if tc.err != "" {
				if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ErrInvalidConfig with %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(cfg.Params, tc.want) {
				t.Fatalf("params = %#v, %v; want %#v", cfg.Params, err, tc.want)
			}
			out, err := json.Marshal(cfg.Params)
			if err != nil {
				t.Fatal(err)
			}
			var back Params
			if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, tc.want) {
				t.Errorf("round trip %s = %#v, %v", out, back, err)
			}
		})
	}
}

func TestParamsMarshal(t *testing.T) {
	out, err := json.Marshal(Params{"one": {"1"}, "two": {"a", "b"}})
	if err != nil || string(out) != `{"one":"1","two":["a","b"]}` {
		t.Errorf("Marshal = %s, %v", out, err)
	}
}

func TestNewPlanRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  ProxyConfig
		err  string
	}{
		{name: "no endpoint", cfg: ProxyConfig{}, err: "endpoint is required"},
		{name: "blank endpoint", cfg: ProxyConfig{Endpoint: "  "}, err: "endpoint is required"},
		{name: "bad method", cfg: ProxyConfig{Endpoint: "/", Method: "GE T"}, err: `method "GE T"`},
		{name: "negative retries", cfg: ProxyConfig{Endpoint: "/", Retries: -1}, err: "retries is -1"},
		{name: "retryOn", cfg: ProxyConfig{Endpoint: "/", RetryOn: []int{429, 1000}}, err: "retryOn has 1000"},
		{name: "response type", cfg: ProxyConfig{Endpoint: "/", ResponseType: "stream"}, err: `responseType "stream"`},
		{name: "header name", cfg: ProxyConfig{Endpoint: "/", Headers: map[string]string{"Bad Name": "x"}}, err: `header "Bad Name"`},
		{name: "header value", cfg: ProxyConfig{Endpoint: "/", Headers: map[string]string{"X": "a\r\nInjected: 1"}}, err: `header "X"`},
		{name: "bad JSON body", cfg: ProxyConfig{Endpoint: "/", Method: "POST", Data: json.RawMessage(`{"a":`)}, err: "data is not valid JSON"},
		{name: "form of an array", cfg: ProxyConfig{Endpoint: "/", Method: "POST", Data: json.RawMessage(`[1]`),
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, err: "form-encoded, not an array"},
		{name: "form nested", cfg: ProxyConfig{Endpoint: "/", Method: "POST", Data: json.RawMessage(`{"a":{"b":1}}`),
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}}, err: "data.a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newPlan(tc.cfg, Provider{})
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want ErrInvalidConfig with %q", err, tc.err)
			}
		})
	}
}

func TestNewPlanDefaults(t *testing.T) {
	prov := Provider{BaseURL: "https://p.example", Decompress: true, Retry: &RetryHeader{At: "x-reset", Remaining: "x-left"}}
	p, err := newPlan(ProxyConfig{Endpoint: "/x", Method: "post", RetryHeader: &RetryHeader{After: "x-after", Remaining: "x-rem"}}, prov)
	if err != nil {
		t.Fatal(err)
	}
	want := RetryHeader{At: "x-reset", After: "x-after", Remaining: "x-rem"}
	if p.method != http.MethodPost || p.baseURL != prov.BaseURL || !p.decompress || p.retry != want || p.body != nil {
		t.Errorf("plan = %+v", p)
	}
}

func TestEncodeBodyForm(t *testing.T) {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	body, err := encodeBody(json.RawMessage(`{"grant_type":"client_credentials","scope":["a","b"],"n":1}`), h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := url.ParseQuery(string(body))
	want := url.Values{"grant_type": {"client_credentials"}, "scope": {"a", "b"}, "n": {"1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("form = %v, want %v", got, want)
	}
}

func FuzzProxyConfigJSON(f *testing.F) {
	f.Add([]byte(`{"endpoint":"/x","method":"post","params":{"a":[1,"b"]},"data":{"k":"v"},"retries":2,"retryOn":[409]}`))
	f.Add([]byte(`{"endpoint":"/x","params":"a=1&b=2","paginate":{"type":"cursor","limit":100}}`))
	f.Add([]byte(`{"endpoint":"/x","params":{"a":{"b":1}}}`))
	f.Add([]byte(`{"endpoint":"/","data":"text","headers":{"content-type":"application/x-www-form-urlencoded"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var cfg ProxyConfig
		if err := json.Unmarshal(in, &cfg); err != nil {
			return
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatalf("marshal a decoded config: %v", err)
		}
		var again ProxyConfig
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("a config does not survive its own JSON %s: %v", out, err)
		}
		if len(cfg.Params) != len(again.Params) {
			t.Fatalf("params changed: %v → %v", cfg.Params, again.Params)
		}
		newPlan(cfg, Provider{}) // must not panic
	})
}

func FuzzParams(f *testing.F) {
	f.Add(`{"a":"1","b":[1,2]}`)
	f.Add(`"a=1&b=%20"`)
	f.Add(`[1]`)
	f.Add("\"\xb7\xb7%80\"")
	f.Fuzz(func(t *testing.T, in string) {
		var p Params
		if json.Unmarshal([]byte(in), &p) != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back Params
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		for k, v := range p {
			if !utf8.ValidString(k + strings.Join(v, "")) {
				continue // JSON cannot carry invalid UTF-8: it becomes U+FFFD
			}
			if len(v) > 0 && !reflect.DeepEqual(back[k], v) {
				t.Fatalf("%s: %q → %q", k, v, back[k])
			}
		}
	})
}
