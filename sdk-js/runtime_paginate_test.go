package sdkjs_test

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"testing"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

// hubspotPaginate is HubSpot's default pagination in Nango's providers.yaml.
var hubspotPaginate = &hostfns.PaginateConfig{
	Type:                 hostfns.PaginateCursor,
	CursorPathInResponse: "paging.next.after",
	CursorNameInRequest:  "after",
	LimitNameInRequest:   "limit",
	ResponsePath:         "results",
}

// TestPaginateCursorFromProviderDefaults: the function sets no paginate
// settings; the provider's cursor defaults drive the pages, and every
// page reaches batchSave through for await.
func TestPaginateCursorFromProviderDefaults(t *testing.T) {
	b := function(t, "hubspot/syncs/contacts")
	contact := func(i int) map[string]any {
		return map[string]any{
			"id":         strconv.Itoa(i),
			"properties": map[string]any{"email": fmt.Sprintf("user%d@example.com", i), "firstname": fmt.Sprintf("User%d", i), "createdate": "2024-01-01T00:00:00Z"},
			"createdAt":  "2024-01-01T00:00:00Z",
			"archived":   false,
		}
	}
	pages := map[string]map[string]any{
		"":   {"results": []any{contact(1), contact(2)}, "paging": map[string]any{"next": map[string]any{"after": "2", "link": "ignored"}}},
		"2":  {"results": []any{contact(3), contact(4)}, "paging": map[string]any{"next": map[string]any{"after": "4"}}},
		"4":  {"results": []any{contact(5)}},
		"no": {"results": []any{}},
	}
	e := newEnv(t, map[string]http.HandlerFunc{
		"GET /crm/v3/objects/contacts": func(w http.ResponseWriter, r *http.Request) {
			page, ok := pages[r.URL.Query().Get("after")]
			if !ok {
				page = pages["no"]
			}
			writeJSON(w, http.StatusOK, page)
		},
	})
	e.provider.Paginate = hubspotPaginate
	_, n := e.mustRun(b, "")

	reqs := e.api.requests()
	var afters []string
	for _, r := range reqs {
		afters = append(afters, r.Query.Get("after"))
		if got := r.Query.Get("properties"); got != "email,firstname,lastname" {
			t.Errorf("request %s: properties %q, want the function's params kept on every page", r.Query.Encode(), got)
		}
		if r.Query.Has("limit") {
			t.Errorf("request %s: a limit nobody set", r.Query.Encode())
		}
	}
	if want := []string{"", "2", "4"}; !reflect.DeepEqual(afters, want) {
		t.Fatalf("cursors sent %q, want %q", afters, want)
	}
	recs := e.records("hubspot", "Contact")
	if len(recs) != 5 {
		t.Fatalf("%d contacts stored, want 5", len(recs))
	}
	for i := 1; i <= 5; i++ {
		r, ok := recs[strconv.Itoa(i)]
		if !ok {
			t.Fatalf("contact %d not stored", i)
		}
		d := recordData(t, r)
		if d["email"] != fmt.Sprintf("user%d@example.com", i) || d["lastName"] != nil || r.Meta.LastAction != store.ActionAdded {
			t.Errorf("contact %d: %s %s", i, r.Data, r.Meta.LastAction)
		}
	}
	if got := n.Report().Records["Contact"].Added; got != 5 {
		t.Errorf("report: %d added, want 5", got)
	}
}

// TestPaginateLink follows the Link header's rel="next" and stops when
// there is none; the limit goes in per_page.
func TestPaginateLink(t *testing.T) {
	b := function(t, "github/syncs/issues")
	issue := func(id int, pr bool) map[string]any {
		m := map[string]any{
			"id": 1000 + id, "number": id, "title": fmt.Sprintf("Issue %d", id), "state": "open",
			"user": map[string]any{"login": "octocat"}, "labels": []any{map[string]any{"name": "bug"}},
		}
		if pr {
			m["pull_request"] = map[string]any{"url": "https://api.github.com/pulls/" + strconv.Itoa(id)}
		}
		return m
	}
	e := newEnv(t, map[string]http.HandlerFunc{
		"GET /repos/ferryhq/ferry/issues": func(w http.ResponseWriter, r *http.Request) {
			self := "http://" + r.Host + r.URL.Path
			switch r.URL.Query().Get("page") {
			case "":
				w.Header().Set("Link", fmt.Sprintf(`<%s?state=all&per_page=2&page=2>; rel="next", <%s?state=all&per_page=2&page=3>; rel="last"`, self, self))
				writeJSON(w, http.StatusOK, []any{issue(1, false), issue(2, false)})
			case "2":
				w.Header().Set("Link", fmt.Sprintf(`<%s?state=all&per_page=2&page=1>; rel="prev", <%s?state=all&per_page=2&page=3>; rel="next"`, self, self))
				writeJSON(w, http.StatusOK, []any{issue(3, true), issue(4, false)})
			case "3":
				w.Header().Set("Link", fmt.Sprintf(`<%s?state=all&per_page=2&page=2>; rel="prev", <%s?state=all&per_page=2&page=1>; rel="first"`, self, self))
				writeJSON(w, http.StatusOK, []any{issue(5, false)})
			default:
				writeJSON(w, http.StatusOK, []any{})
			}
		},
	})
	e.setMetadata("github", map[string]any{"owner": "ferryhq", "repo": "ferry"})
	e.mustRun(b, "")

	var got []string
	for _, r := range e.api.requests() {
		got = append(got, r.Query.Encode())
		if r.Header.Get("Authorization") != "Bearer "+accessToken {
			t.Errorf("page %s without the connection's token", r.Query.Encode())
		}
	}
	want := []string{"per_page=2&state=all", "page=2&per_page=2&state=all", "page=3&per_page=2&state=all"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("queries %q, want %q", got, want)
	}
	states := e.states("github", "GithubIssue")
	wantStates := map[string]store.Action{"1001": store.ActionAdded, "1002": store.ActionAdded, "1004": store.ActionAdded, "1005": store.ActionAdded}
	if !reflect.DeepEqual(states, wantStates) {
		t.Fatalf("stored %v, want %v (the pull request filtered out)", states, wantStates)
	}
	d := recordData(t, e.records("github", "GithubIssue")["1004"])
	if asJSON(t, d) != `{"author":"octocat","id":"1004","labels":["bug"],"number":4,"state":"open","title":"Issue 4"}` {
		t.Errorf("issue 1004 stored as %s", asJSON(t, d))
	}
}

// TestPaginateOffset pages by response size with a limit given as a
// string, stops on a short page, and calls paginate.on_page with the
// whole upstream response of each page.
func TestPaginateOffset(t *testing.T) {
	b := function(t, "pipedrive/syncs/deals")
	deal := func(id int) map[string]any {
		return map[string]any{"id": id, "title": fmt.Sprintf("Deal %d", id), "value": id * 100, "currency": "EUR", "status": "open"}
	}
	e := newEnv(t, map[string]http.HandlerFunc{
		"GET /v1/deals": func(w http.ResponseWriter, r *http.Request) {
			start, _ := strconv.Atoi(r.URL.Query().Get("start"))
			var data []any
			for id := start + 1; id <= min(start+2, 5); id++ {
				data = append(data, deal(id))
			}
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(80-start))
			writeJSON(w, http.StatusOK, map[string]any{
				"success": true,
				"data":    data,
				"additional_data": map[string]any{"pagination": map[string]any{
					"start": start, "limit": 2, "more_items_in_collection": start+2 < 5,
				}},
			})
		},
	})
	_, n := e.mustRun(b, "")

	var got []string
	for _, r := range e.api.requests() {
		got = append(got, r.Query.Encode())
	}
	want := []string{"limit=2&start=0&status=all_not_deleted", "limit=2&start=2&status=all_not_deleted", "limit=2&start=4&status=all_not_deleted"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("queries %q, want %q (limit '2' read as 2, stop on the short page)", got, want)
	}
	recs := e.records("pipedrive", "Deal")
	if len(recs) != 5 {
		t.Fatalf("%d deals stored, want 5", len(recs))
	}
	if d := recordData(t, recs["3"]); d["title"] != "Deal 3" || d["value"] != 300.0 {
		t.Errorf("deal 3 stored as %v", d)
	}

	pages := findLog(n, "Fetched a page of deals")
	if len(pages) != 3 {
		t.Fatalf("on_page ran %d times, want 3: %+v", len(pages), logs(n))
	}
	wantMeta := []string{
		`{"moreItems":true,"nextPageParam":2,"rateLimitRemaining":"80","start":0,"status":200}`,
		`{"moreItems":true,"nextPageParam":4,"rateLimitRemaining":"78","start":2,"status":200}`,
		`{"moreItems":false,"rateLimitRemaining":"76","start":4,"status":200}`,
	}
	for i, l := range pages {
		if got := asJSON(t, l.Meta); got != wantMeta[i] {
			t.Errorf("on_page %d saw %s, want %s", i+1, got, wantMeta[i])
		}
	}
}
