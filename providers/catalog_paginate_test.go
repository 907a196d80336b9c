package providers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/providers"
)

// TestBuiltinPaginate runs each built-in pagination default through the
// HTTP capability: two pages from a stand-in upstream shaped as the
// settings describe, checking the validation passes, the records are found
// and the second request asks for the next page. A function supplies
// response_path where the provider's record key varies by endpoint.
func TestBuiltinPaginate(t *testing.T) {
	c := providers.Builtin()
	styles := map[string]bool{}
	for _, name := range c.Names() {
		p, err := c.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		hp := p.HostProvider()
		if hp.Paginate == nil {
			continue
		}
		fn := &hostfns.PaginateConfig{}
		if hp.Paginate.LimitNameInRequest != "" {
			fn.Limit = ptr(2)
		}
		if hp.Paginate.ResponsePath == "" {
			fn.ResponsePath = "items"
		}
		pc := merged(*hp.Paginate, *fn)
		style := pc.Type
		if pc.Type == hostfns.PaginateLink && pc.LinkPathInResponseBody != "" {
			style = "link in body"
		}
		styles[style] = true
		t.Run(name, func(t *testing.T) {
			base := ""
			u := &upstream{answer: func(n int, r *http.Request) (http.Header, string) {
				return page(pc, base, n)
			}}
			h := hostfns.NewHTTP(hostfns.HTTPOptions{Client: &http.Client{Transport: u}})
			target := hostfns.Target{
				Connection:  hostfns.Connection{ID: "test", ConnectionConfig: testConfig(p.ConnectionConfig, true)},
				Provider:    hp,
				Credentials: testCredentials,
			}
			first, err := send(t, hp, target.Connection.ConnectionConfig)
			if err != nil {
				t.Fatal(err)
			}
			base = first.URL.Scheme + "://" + first.URL.Host
			var records int
			err = h.Paginate(context.Background(), target, hostfns.ProxyConfig{Endpoint: probe, Paginate: fn}, func(page []json.RawMessage) error {
				records += len(page)
				return nil
			})
			if err != nil {
				t.Fatalf("paginate %+v: %v", pc, err)
			}
			if len(u.reqs) != 2 {
				t.Fatalf("%d requests, want 2", len(u.reqs))
			}
			if q := u.reqs[0].URL.Query(); pc.Limit != nil && q.Get(pc.LimitNameInRequest) != "2" {
				t.Errorf("first request %s: want %s=2", u.reqs[0].URL, pc.LimitNameInRequest)
			}
			second := u.reqs[1].URL.Query()
			switch pc.Type {
			case hostfns.PaginateCursor:
				if second.Get(pc.CursorNameInRequest) != "c2" {
					t.Errorf("second request %s: want %s=c2", u.reqs[1].URL, pc.CursorNameInRequest)
				}
			case hostfns.PaginateLink:
				if second.Get("page") != "2" || u.reqs[1].URL.Host != first.URL.Host {
					t.Errorf("second request %s: want the next link", u.reqs[1].URL)
				}
			case hostfns.PaginateOffset:
				want := 2 // records so far
				if pc.OffsetCalculationMethod == "per-page" {
					want = deref(pc.OffsetStartValue) + 1
				}
				if second.Get(pc.OffsetNameInRequest) != strconv.Itoa(want) {
					t.Errorf("second request %s: want %s=%d", u.reqs[1].URL, pc.OffsetNameInRequest, want)
				}
			}
			if want := map[bool]int{true: 2, false: 3}[pc.Type == hostfns.PaginateOffset]; records != want {
				t.Errorf("%d records, want %d", records, want)
			}
		})
	}
	for _, style := range []string{hostfns.PaginateCursor, hostfns.PaginateLink, "link in body", hostfns.PaginateOffset} {
		if !styles[style] {
			t.Errorf("no built-in provider paginates by %s", style)
		}
	}
}

// page is the upstream's answer n (1 or 2) for pagination settings pc:
// two records and a way on, then one record (none for offset) and the end.
func page(pc hostfns.PaginateConfig, base string, n int) (http.Header, string) {
	h := http.Header{}
	body := map[string]any{}
	records := []any{map[string]any{"id": 1}, map[string]any{"id": 2}}
	if n == 2 {
		records = []any{map[string]any{"id": 3}}
		if pc.Type == hostfns.PaginateOffset {
			records = []any{}
		}
	}
	setPath(body, pc.ResponsePath, records)
	if n == 1 {
		next := base + probe + "?page=2"
		switch {
		case pc.Type == hostfns.PaginateCursor:
			setPath(body, pc.CursorPathInResponse, "c2")
		case pc.Type == hostfns.PaginateLink && pc.LinkPathInResponseBody != "":
			setPath(body, pc.LinkPathInResponseBody, next)
		case pc.Type == hostfns.PaginateLink:
			rel := pc.LinkRelInResponseHeader
			if rel == "" {
				rel = "next"
			}
			h.Set("Link", `<`+next+`>; rel="`+rel+`"`)
		}
	}
	data, _ := json.Marshal(body)
	return h, string(data)
}

// setPath sets a dotted path in a JSON object, making the objects on the
// way; a path starting with "@" is one key (OData's "@odata.nextLink").
func setPath(obj map[string]any, path string, v any) {
	segs := strings.Split(path, ".")
	if strings.HasPrefix(path, "@") {
		segs = []string{path}
	}
	for _, seg := range segs[:len(segs)-1] {
		next, ok := obj[seg].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[seg] = next
		}
		obj = next
	}
	obj[segs[len(segs)-1]] = v
}

// merged lays fn over prov the way the HTTP capability does, for the
// fields this test reads.
func merged(prov, fn hostfns.PaginateConfig) hostfns.PaginateConfig {
	if fn.ResponsePath != "" {
		prov.ResponsePath = fn.ResponsePath
	}
	if fn.Limit != nil {
		prov.Limit = fn.Limit
	}
	return prov
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
