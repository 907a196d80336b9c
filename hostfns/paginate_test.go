package hostfns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const totalItems = 250

// itemsAPI serves totalItems items {"id":i} in every pagination style.
func itemsAPI(t *testing.T) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var body map[string]any
		if r.Method == "POST" {
			json.NewDecoder(r.Body).Decode(&body)
			for k, v := range body {
				q.Set(k, fmt.Sprint(v))
			}
		}
		num := func(k string, def int) int {
			if n, err := strconv.Atoi(q.Get(k)); err == nil {
				return n
			}
			return def
		}
		page := func(start, n int) []map[string]int {
			out := []map[string]int{}
			for i := start; i < min(start+n, totalItems); i++ {
				out = append(out, map[string]int{"id": i})
			}
			return out
		}
		limit := num("limit", 100)
		var reply any
		switch r.URL.Path {
		case "/cursor": // cursor "c<start>", numeric in ?numeric=1
			start, _ := strconv.Atoi(strings.TrimPrefix(q.Get("cursor"), "c"))
			meta := map[string]any{}
			if start+limit < totalItems {
				meta["next"] = "c" + strconv.Itoa(start+limit)
				if q.Get("numeric") != "" {
					meta["next"] = start + limit
				}
			} else {
				meta["next"] = ""
			}
			reply = map[string]any{"data": map[string]any{"items": page(start, limit)}, "meta": meta}
		case "/link", "/link-same", "/link-body": // page numbers from 1
			p := num("page", 1)
			if p*limit < totalItems || r.URL.Path == "/link-same" {
				next := fmt.Sprintf("http://%s%s?page=%d&per=%d", r.Host, r.URL.Path, p+1, limit)
				if r.URL.Path == "/link-same" {
					next = fmt.Sprintf("http://%s/link-same?page=2", r.Host)
				}
				if r.URL.Path == "/link-body" {
					reply = map[string]any{"items": page((p-1)*limit, limit), "links": map[string]any{"next": next}}
					break
				}
				w.Header().Set("Link", fmt.Sprintf(`<http://%s/first>; rel="first", <%s>; rel="next"`, r.Host, next))
			}
			if r.URL.Path == "/link-body" {
				reply = map[string]any{"items": page((p-1)*limit, limit), "links": map[string]any{}}
				break
			}
			reply = page((p-1)*limit, limit)
		case "/offset":
			reply = map[string]any{"records": page(num("offset", 0), limit)}
		case "/pages": // page numbers from 1
			reply = map[string]any{"records": page((num("page", 1)-1)*limit, limit)}
		default:
			reply = map[string]any{"records": "not a list", "obj": map[string]any{"c": map[string]any{}}}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(reply)
	})
}

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

func TestPaginate(t *testing.T) {
	cursorDefault := &PaginateConfig{Type: PaginateCursor, CursorPathInResponse: "meta.next", CursorNameInRequest: "cursor",
		ResponsePath: "data.items", LimitNameInRequest: "limit"}
	tests := []struct {
		name     string
		provider *PaginateConfig
		cfg      ProxyConfig
		wantReqs int
		check    func(t *testing.T, reqs []seen)
	}{
		{name: "cursor in params", provider: cursorDefault,
			cfg:      ProxyConfig{Endpoint: "/cursor", Paginate: &PaginateConfig{Limit: intp(100)}},
			wantReqs: 3,
			check: func(t *testing.T, reqs []seen) {
				for i, want := range []string{"", "c100", "c200"} {
					if got := reqs[i].Query.Get("cursor"); got != want || reqs[i].Query.Get("limit") != "100" {
						t.Errorf("request %d query = %v, want cursor %q", i, reqs[i].Query, want)
					}
				}
			}},
		{name: "numeric cursor", provider: cursorDefault,
			cfg:      ProxyConfig{Endpoint: "/cursor", Params: Params{"numeric": {"1"}}, Paginate: &PaginateConfig{Limit: intp(100)}},
			wantReqs: 3},
		{name: "cursor in POST body", provider: cursorDefault,
			cfg:      ProxyConfig{Endpoint: "/cursor", Method: "POST", Data: json.RawMessage(`{"filter":"all"}`), Paginate: &PaginateConfig{Limit: intp(100)}},
			wantReqs: 3,
			check: func(t *testing.T, reqs []seen) {
				want := []string{`{"filter":"all","limit":100}`, `{"cursor":"c100","filter":"all","limit":100}`, `{"cursor":"c200","filter":"all","limit":100}`}
				for i, r := range reqs {
					if r.Body != want[i] || len(r.Query) != 0 || r.Header.Get("Content-Type") != "application/json" {
						t.Errorf("request %d = %q %v, want body %s", i, r.Body, r.Query, want[i])
					}
				}
			}},
		{name: "cursor POST with in_body false", provider: cursorDefault,
			cfg:      ProxyConfig{Endpoint: "/cursor", Method: "POST", Paginate: &PaginateConfig{InBody: boolp(false)}},
			wantReqs: 3,
			check: func(t *testing.T, reqs []seen) {
				if reqs[1].Query.Get("cursor") != "c100" || reqs[1].Body != "" {
					t.Errorf("request 1 = %q %v", reqs[1].Body, reqs[1].Query)
				}
			}},
		{name: "link header",
			cfg:      ProxyConfig{Endpoint: "/link", Params: Params{"q": {"x"}}, Paginate: &PaginateConfig{Type: PaginateLink, Limit: intp(100), LimitNameInRequest: "limit"}},
			wantReqs: 3,
			check: func(t *testing.T, reqs []seen) {
				if reqs[0].Query.Encode() != "limit=100&q=x" || reqs[1].Query.Encode() != "page=2&per=100" || reqs[2].Query.Get("page") != "3" {
					t.Errorf("queries = %v %v %v", reqs[0].Query, reqs[1].Query, reqs[2].Query)
				}
			}},
		{name: "link in body",
			cfg:      ProxyConfig{Endpoint: "/link-body", Paginate: &PaginateConfig{Type: PaginateLink, LinkPathInResponseBody: "links.next", ResponsePath: "items"}},
			wantReqs: 3},
		{name: "repeated link stops",
			cfg:      ProxyConfig{Endpoint: "/link-same", Paginate: &PaginateConfig{Type: PaginateLink}},
			wantReqs: 2},
		{name: "offset by response size",
			cfg:      ProxyConfig{Endpoint: "/offset", Paginate: &PaginateConfig{Type: PaginateOffset, OffsetNameInRequest: "offset", Limit: intp(100), LimitNameInRequest: "limit", ResponsePath: "records"}},
			wantReqs: 3,
			check: func(t *testing.T, reqs []seen) {
				for i, want := range []string{"0", "100", "200"} {
					if reqs[i].Query.Get("offset") != want {
						t.Errorf("request %d offset = %q, want %s", i, reqs[i].Query.Get("offset"), want)
					}
				}
			}},
		{name: "offset without limit stops on an empty page",
			cfg:      ProxyConfig{Endpoint: "/offset", Paginate: &PaginateConfig{Type: PaginateOffset, OffsetNameInRequest: "offset", ResponsePath: "records"}},
			wantReqs: 4},
		{name: "offset per page",
			cfg: ProxyConfig{Endpoint: "/pages", Paginate: &PaginateConfig{Type: PaginateOffset, OffsetNameInRequest: "page", OffsetStartValue: intp(1),
				OffsetCalculationMethod: "per-page", Limit: intp(100), LimitNameInRequest: "limit", ResponsePath: "records"}},
			wantReqs: 3,
			check: func(t *testing.T, reqs []seen) {
				for i, want := range []string{"1", "2", "3"} {
					if reqs[i].Query.Get("page") != want {
						t.Errorf("request %d page = %q, want %s", i, reqs[i].Query.Get("page"), want)
					}
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := itemsAPI(t)
			tg := plainTarget(api.URL)
			tg.Provider.Paginate = tc.provider
			var ids []int
			pages := 0
			err := testHTTP().Paginate(context.Background(), tg, tc.cfg, func(records []json.RawMessage) error {
				pages++
				for _, r := range records {
					var item struct{ ID int }
					if err := json.Unmarshal(r, &item); err != nil {
						return err
					}
					ids = append(ids, item.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			wantIDs := totalItems
			if tc.name == "repeated link stops" {
				wantIDs = 200
			}
			if len(ids) != wantIDs {
				t.Fatalf("got %d records in %d pages, want %d", len(ids), pages, wantIDs)
			}
			for i, id := range ids {
				if id != i {
					t.Fatalf("record %d has id %d", i, id)
				}
			}
			reqs := api.requests()
			if len(reqs) != tc.wantReqs {
				t.Errorf("requests = %d, want %d", len(reqs), tc.wantReqs)
			}
			if tc.check != nil {
				tc.check(t, reqs)
			}
		})
	}
}

// TestNextPageStateRoundTrip drives NextPage the way a guest does: the
// state goes through JSON between calls.
func TestNextPageStateRoundTrip(t *testing.T) {
	api := itemsAPI(t)
	cfg := ProxyConfig{Endpoint: "/link", Paginate: &PaginateConfig{Type: PaginateLink}}
	h, tg := testHTTP(), plainTarget(api.URL)
	var state *PageState
	total, pages := 0, 0
	for {
		page, err := h.NextPage(context.Background(), tg, cfg, state)
		if err != nil {
			t.Fatal(err)
		}
		total += len(page.Records)
		pages++
		wire, err := json.Marshal(page)
		if err != nil {
			t.Fatal(err)
		}
		var back Page
		if err := json.Unmarshal(wire, &back); err != nil {
			t.Fatal(err)
		}
		if back.Next == nil {
			break
		}
		if back.Next.Page != pages {
			t.Errorf("next.page = %d, want %d", back.Next.Page, pages)
		}
		state = back.Next
	}
	if total != totalItems || pages != 3 {
		t.Errorf("got %d records in %d pages", total, pages)
	}
}

func TestPaginateYieldError(t *testing.T) {
	api := itemsAPI(t)
	stop := errors.New("enough")
	cfg := ProxyConfig{Endpoint: "/offset", Paginate: &PaginateConfig{Type: PaginateOffset, OffsetNameInRequest: "offset", ResponsePath: "records"}}
	err := testHTTP().Paginate(context.Background(), plainTarget(api.URL), cfg, func([]json.RawMessage) error { return stop })
	if err != stop || len(api.requests()) != 1 {
		t.Errorf("err = %v after %d requests, want the yield error after 1", err, len(api.requests()))
	}
}

func TestPaginateBadConfigs(t *testing.T) {
	cursor := func(mod func(*PaginateConfig)) *PaginateConfig {
		c := &PaginateConfig{Type: PaginateCursor, CursorPathInResponse: "meta.next", CursorNameInRequest: "cursor", ResponsePath: "data.items"}
		mod(c)
		return c
	}
	tests := []struct {
		name string
		cfg  ProxyConfig
		err  string
	}{
		{name: "no type", cfg: ProxyConfig{Paginate: &PaginateConfig{}}, err: "no type"},
		{name: "no paginate at all", cfg: ProxyConfig{}, err: "no type"},
		{name: "unknown type", cfg: ProxyConfig{Paginate: &PaginateConfig{Type: "page"}}, err: `unknown type "page"`},
		{name: "cursor without path", cfg: ProxyConfig{Paginate: cursor(func(c *PaginateConfig) { c.CursorPathInResponse = "" })}, err: "needs cursor_path_in_response"},
		{name: "offset without name", cfg: ProxyConfig{Paginate: &PaginateConfig{Type: PaginateOffset}}, err: "needs offset_name_in_request"},
		{name: "limit without name", cfg: ProxyConfig{Paginate: cursor(func(c *PaginateConfig) { c.Limit = intp(10) })}, err: "limit needs limit_name_in_request"},
		{name: "zero limit", cfg: ProxyConfig{Paginate: cursor(func(c *PaginateConfig) { c.Limit, c.LimitNameInRequest = intp(0), "l" })}, err: "limit is 0"},
		{name: "bad calculation", cfg: ProxyConfig{Paginate: &PaginateConfig{Type: PaginateOffset, OffsetNameInRequest: "o", OffsetCalculationMethod: "pages"}}, err: `offset_calculation_method "pages"`},
		{name: "text pages", cfg: ProxyConfig{ResponseType: "text", Paginate: cursor(func(*PaginateConfig) {})}, err: "pages must be JSON"},
		{name: "in_body on GET", cfg: ProxyConfig{Paginate: cursor(func(c *PaginateConfig) { c.InBody = boolp(true) })}, err: "in_body needs a method with a body"},
		{name: "in_body with array data", cfg: ProxyConfig{Method: "POST", Data: json.RawMessage(`[1]`), Paginate: cursor(func(c *PaginateConfig) { c.Limit, c.LimitNameInRequest = intp(5), "l" })},
			err: "in_body needs data to be an object, not an array"},
		{name: "response_path not an array", cfg: ProxyConfig{Paginate: &PaginateConfig{Type: PaginateLink, ResponsePath: "records"}},
			err: `response_path "records" is a string, not an array of records`},
		{name: "body not an array", cfg: ProxyConfig{Paginate: &PaginateConfig{Type: PaginateLink}}, err: "the response body is an object, not an array"},
		{name: "response_path missing", cfg: ProxyConfig{Paginate: &PaginateConfig{Type: PaginateLink, ResponsePath: "data.itmes"}},
			err: `response_path "data.itmes" is not in the response`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := itemsAPI(t)
			tc.cfg.Endpoint = "/other"
			_, err := testHTTP().NextPage(context.Background(), plainTarget(api.URL), tc.cfg, nil)
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want ErrInvalidConfig with %q", err, tc.err)
			}
		})
	}
}

func TestPaginateCursorNotScalar(t *testing.T) {
	api := newRecorder(t, jsonReply(200, `{"items":[1],"next":{"c":1}}`))
	cfg := ProxyConfig{Endpoint: "/", Paginate: &PaginateConfig{Type: PaginateCursor, CursorPathInResponse: "next", CursorNameInRequest: "c", ResponsePath: "items"}}
	_, err := testHTTP().NextPage(context.Background(), plainTarget(api.URL), cfg, nil)
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), `cursor_path_in_response "next" is an object`) {
		t.Fatalf("err = %v", err)
	}
}

func TestPaginateUpstreamError(t *testing.T) {
	api := newRecorder(t, jsonReply(500, `{"e":1}`))
	cfg := ProxyConfig{Endpoint: "/", Paginate: &PaginateConfig{Type: PaginateLink}}
	_, err := testHTTP().NextPage(context.Background(), plainTarget(api.URL), cfg, &PageState{Page: 4, Link: api.URL + "/p5"})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 500 || !strings.HasPrefix(err.Error(), "page 5: ") {
		t.Fatalf("err = %v", err)
	}
}

func TestLinkHeaderRel(t *testing.T) {
	tests := []struct {
		header, rel, want string
	}{
		{`<https://a/2>; rel="next"`, "next", "https://a/2"},
		{`<https://a/1>; rel="prev", <https://a/3>; rel="next"`, "next", "https://a/3"},
		{`<https://a/x,y>; title="a, b"; rel=next`, "next", "https://a/x,y"},
		{`<https://a/3>; rel="next last"`, "last", "https://a/3"},
		{`<https://a/3>; REL="Next"`, "next", "https://a/3"},
		{`<https://a/1>; rel="prev"`, "next", ""},
		{`garbage`, "next", ""},
		{`<unclosed; rel="next"`, "next", ""},
		{``, "next", ""},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			if got := linkHeaderRel(tc.header, tc.rel); got != tc.want {
				t.Errorf("linkHeaderRel = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzLinkHeader(f *testing.F) {
	f.Add(`<https://a/1>; rel="prev", <https://a/3>; rel="next"`, "next")
	f.Add(`<a>;rel=next,<b>`, "next")
	f.Fuzz(func(t *testing.T, header, rel string) {
		got := linkHeaderRel(header, rel)
		if got != "" && !strings.Contains(header, got) {
			t.Fatalf("linkHeaderRel(%q) = %q, not in the header", header, got)
		}
	})
}

func TestLinkURL(t *testing.T) {
	tests := []struct {
		name, base, link, want string
	}{
		{"same host absolute", "https://api.x.com/v2", "https://api.x.com/v2/items?page=2", "https://api.x.com/v2/items?page=2"},
		{"same host other path", "https://api.x.com/v2", "https://api.x.com/other?p=2", "https://api.x.com/other?p=2"},
		{"other host rebased", "https://api.x.com/v2", "https://evil.com/v2/items?page=2", "https://api.x.com/v2/items?page=2"},
		{"other host outside base path", "https://api.x.com/v2", "https://cdn.x.com/items?page=2", "https://api.x.com/v2/items?page=2"},
		{"rooted under base path", "https://api.x.com/v2", "/v2/items?page=2", "https://api.x.com/v2/items?page=2"},
		{"rooted without base path", "https://api.x.com", "/items?page=2", "https://api.x.com/items?page=2"},
		{"relative", "https://api.x.com/v2/", "items?page=2", "https://api.x.com/v2/items?page=2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, _ := url.Parse(tc.base)
			got, err := linkURL(base, tc.link)
			if err != nil || got.String() != tc.want {
				t.Errorf("linkURL = %v, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func TestPaginateLinkKeepsAuth(t *testing.T) {
	api := itemsAPI(t)
	tg := Target{
		Provider: Provider{BaseURL: api.URL, AuthMode: AuthAPIKey, Query: map[string]string{"api_key": "${apiKey}"},
			Headers: map[string]string{"X-Key": "${apiKey}"}},
		Credentials: staticCreds(Credentials{APIKey: "k-123"}),
	}
	cfg := ProxyConfig{Endpoint: "/link", Paginate: &PaginateConfig{Type: PaginateLink}}
	if err := testHTTP().Paginate(context.Background(), tg, cfg, func([]json.RawMessage) error { return nil }); err != nil {
		t.Fatal(err)
	}
	reqs := api.requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3", len(reqs))
	}
	for i, r := range reqs {
		if got := r.Query["api_key"]; len(got) != 1 || got[0] != "k-123" || r.Header.Get("X-Key") != "k-123" {
			t.Errorf("request %d: api_key %v, X-Key %q", i, got, r.Header.Get("X-Key"))
		}
	}
}

func TestPaginateLimitForms(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    int // 0: no limit
		wantErr string
	}{
		{`{"limit":100}`, 100, ""},
		{`{"limit":"100"}`, 100, ""},
		{`{"limit":" 25 "}`, 25, ""},
		{`{"limit":null}`, 0, ""},
		{`{}`, 0, ""},
		{`{"limit":"lots"}`, 0, `paginate.limit "lots" is not a whole number`},
		{`{"limit":1.5}`, 0, `paginate.limit 1.5 is not a whole number`},
		{`{"limit":true}`, 0, `paginate.limit true is not a whole number`},
	} {
		var c PaginateConfig
		err := json.Unmarshal([]byte(tc.in), &c)
		switch {
		case tc.wantErr != "":
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%s: err %v, want %q", tc.in, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.want == 0 && c.Limit != nil, tc.want != 0 && (c.Limit == nil || *c.Limit != tc.want):
			t.Errorf("%s: limit %v, want %d", tc.in, c.Limit, tc.want)
		}
	}
	var c PaginateConfig
	if err := json.Unmarshal([]byte(`{"type":"cursor","cursor_path_in_response":"next","limit":"5"}`), &c); err != nil || c.Type != "cursor" || c.CursorPathInResponse != "next" {
		t.Fatalf("other fields: %+v %v", c, err)
	}
}
