package host_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// fakeGitHub is a GitHub-shaped issues API on loopback: Link-header
// pagination, bearer auth, and issue creation.
type fakeGitHub struct {
	mu     sync.Mutex
	issues []map[string]any
	pages  int // GET pages served
	srv    *httptest.Server
}

func newFakeGitHub(t testing.TB, n int) *fakeGitHub {
	g := &fakeGitHub{}
	for i := 1; i <= n; i++ {
		g.issues = append(g.issues, map[string]any{
			"id": 1000 + i, "number": i, "title": fmt.Sprintf("Issue %d", i), "state": "open",
			"html_url": fmt.Sprintf("https://github.test/o/r/issues/%d", i), "user": map[string]any{"login": "octocat"},
			"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/o/r/issues", g.list)
	mux.HandleFunc("POST /repos/o/r/issues", g.create)
	g.srv = httptest.NewServer(g.auth(mux))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGitHub) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret-token" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (g *fakeGitHub) list(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pages++
	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage <= 0 {
		perPage = 30
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page <= 0 {
		page = 1
	}
	from := min((page-1)*perPage, len(g.issues))
	to := min(from+perPage, len(g.issues))
	if to < len(g.issues) {
		next := fmt.Sprintf("%s/repos/o/r/issues?state=all&per_page=%d&page=%d", g.srv.URL, perPage, page+1)
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next"`, next))
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(g.issues[from:to])
}

func (g *fakeGitHub) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title string `json:"title"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Title == "" {
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`{"message":"Validation Failed"}`))
		return
	}
	if in.Title == "fail" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`{"message":"Validation Failed","errors":[{"field":"title"}]}`))
		return
	}
	g.mu.Lock()
	n := len(g.issues) + 1
	g.issues = append(g.issues, map[string]any{"id": 1000 + n, "number": n, "title": in.Title})
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"id":%d,"number":%d,"html_url":"https://github.test/o/r/issues/%d","state":"open"}`, 1000+n, n, n)
}

// retitle changes the title of the first n issues.
func (g *fakeGitHub) retitle(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := 0; i < n; i++ {
		g.issues[i]["title"] = fmt.Sprintf("Issue %d (edited)", i+1)
	}
}
