package server

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/store"
)

// uiRequest sends a request through the app without the secret key;
// header is name, value pairs.
func (h *fnHarness) uiRequest(method, path, body string, header ...string) *http.Response {
	h.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := h.srv.app.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// signIn posts the login form and returns the session cookie.
func (h *fnHarness) signIn() string {
	h.t.Helper()
	res := h.uiRequest("POST", "/ui/login", "secret_key="+url.QueryEscape(fnTestKey), "Content-Type", "application/x-www-form-urlencoded")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/" {
		h.t.Fatalf("sign in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			return ck.Name + "=" + ck.Value
		}
	}
	h.t.Fatalf("sign in set no session cookie: %v", res.Header["Set-Cookie"])
	return ""
}

// TestDashboardSession covers signing in and out and what a session
// opens: the dashboard's page, and the API only with the dashboard's
// header.
func TestDashboardSession(t *testing.T) {
	h := newFnHarness(t, nil)

	for _, tc := range []struct{ name, body, msg string }{
		{"wrong key", "secret_key=nope", "not this server&#39;s secret key"},
		{"no key", "", "Enter the server&#39;s secret key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.uiRequest("POST", "/ui/login", tc.body, "Content-Type", "application/x-www-form-urlencoded")
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), tc.msg) || len(res.Cookies()) != 0 {
				t.Fatalf("%d %v\n%s", res.StatusCode, res.Cookies(), body)
			}
		})
	}

	if res := h.uiRequest("GET", "/ui/", ""); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/login" {
		t.Fatalf("page without a session: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := h.uiRequest("GET", "/ui/assets/app.js", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("assets are public: %d", res.StatusCode)
	}

	res := h.uiRequest("POST", "/ui/login", "secret_key="+fnTestKey, "Content-Type", "application/x-www-form-urlencoded")
	set := strings.Join(res.Header["Set-Cookie"], "; ")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "path=/"} {
		if !strings.Contains(strings.ToLower(set), strings.ToLower(want)) {
			t.Errorf("session cookie lacks %s: %s", want, set)
		}
	}
	// Behind a TLS-terminating proxy the cookie is HTTPS-only.
	res = h.uiRequest("POST", "/ui/login", "secret_key="+fnTestKey, "Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-Proto", "https")
	if set := strings.Join(res.Header["Set-Cookie"], "; "); !strings.Contains(strings.ToLower(set), "secure") {
		t.Errorf("session cookie over https is not Secure: %s", set)
	}
	if set := strings.Join(h.uiRequest("POST", "/ui/login", "secret_key="+fnTestKey, "Content-Type", "application/x-www-form-urlencoded").Header["Set-Cookie"], "; "); strings.Contains(strings.ToLower(set), "secure") {
		t.Errorf("session cookie over plain http is Secure (the browser would drop it): %s", set)
	}
	cookie := h.signIn()

	page := h.uiRequest("GET", "/ui/", "", "Cookie", cookie)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("page with a session: %d %v", page.StatusCode, page.Header)
	}
	if res := h.uiRequest("GET", "/ui/login", "", "Cookie", cookie); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login page when signed in: %d", res.StatusCode)
	}

	for _, tc := range []struct {
		name   string
		header []string
		status int
		code   string
	}{
		{"session and header", []string{"Cookie", cookie, uiHeader, "1"}, 200, ""},
		// A cross-site form can carry the cookie but not the header.
		{"session without header", []string{"Cookie", cookie}, 401, "missing_auth_header"},
		{"header without session", []string{uiHeader, "1"}, 401, "session_expired"},
		{"unknown session", []string{"Cookie", sessionCookie + "=forged", uiHeader, "1"}, 401, "session_expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.uiRequest("GET", "/ui/api/overview", "", tc.header...)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status || !strings.Contains(string(body), tc.code) {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
		})
	}

	if res := h.uiRequest("POST", "/ui/logout", "", "Cookie", cookie); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res := h.uiRequest("GET", "/ui/api/overview", "", "Cookie", cookie, uiHeader, "1"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API after logout: %d", res.StatusCode)
	}
}

// addConnections stores n connections of an integration directly.
func addConnections(t testing.TB, st *store.Store, integration string, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		c := store.Connection{Environment: "dev", ProviderConfigKey: integration, ConnectionID: fmt.Sprintf("conn-%05d", i)}
		if _, _, err := st.PutConnection(ctx, store.ConnectionEntry{Connection: c, Provider: "github-pat"}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDashboardConnections pages through connections with their syncs,
// filters them, and refuses malformed paging.
func TestDashboardConnections(t *testing.T) {
	h := newFnHarness(t, nil)
	for _, it := range []string{"alpha", "beta"} {
		h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"`+it+`","provider":"github-pat"}`), "Content-Type", "application/json")
	}
	addConnections(t, h.st, "alpha", 70)
	addConnections(t, h.st, "beta", 50)
	h.setup()                   // demo and its conn-1
	h.deploy("demo/syncs/rows") // autoStart: false, so nothing runs

	var seen []string
	cursor := ""
	for page := 0; ; page++ {
		out := h.must(http.StatusOK, "GET", "/ui/api/connections?limit=50&cursor="+cursor, nil)
		if out["total"] != 121.0 {
			t.Fatalf("total: %v", out["total"])
		}
		for _, c := range out["connections"].([]any) {
			c := c.(map[string]any)
			seen = append(seen, c["provider_config_key"].(string)+"/"+c["connection_id"].(string))
			syncs := c["syncs"].([]any)
			if c["provider_config_key"] == "demo" {
				if len(syncs) != 1 || syncs[0].(map[string]any)["name"] != "rows" || syncs[0].(map[string]any)["status"] != "PAUSED" {
					t.Errorf("demo's syncs: %v", syncs)
				}
			} else if len(syncs) != 0 {
				t.Errorf("%v has syncs: %v", c, syncs)
			}
		}
		next, _ := out["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = url.QueryEscape(next)
	}
	if len(seen) != 121 || seen[0] != "alpha/conn-00000" || seen[70] != "beta/conn-00000" || seen[120] != "demo/conn-1" {
		t.Fatalf("%d connections: %v…", len(seen), seen[:3])
	}

	out := h.must(http.StatusOK, "GET", "/ui/api/connections?integration=beta&search=0004&limit=5", nil)
	if list := out["connections"].([]any); len(list) != 5 || out["total"] != 11.0 || out["next_cursor"] == nil {
		t.Fatalf("search: %d of %v", len(list), out["total"])
	}

	for _, tc := range []struct{ name, query, msg string }{
		{"limit zero", "limit=0", "want a whole number from 1 to 200"},
		{"limit too big", "limit=201", "want a whole number from 1 to 200"},
		{"cursor not base64", "cursor=%25%25", "malformed cursor"},
		{"cursor without id", "cursor=YWxwaGE", "malformed cursor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := h.do("GET", "/ui/api/connections?"+tc.query, nil)
			if status != http.StatusBadRequest || !strings.Contains(string(body), tc.msg) {
				t.Fatalf("%d %s", status, body)
			}
		})
	}

	ov := h.must(http.StatusOK, "GET", "/ui/api/overview", nil)
	if ov["connections"] != 121.0 || ov["integrations"] != 3.0 || ov["functions"] != 1.0 || ov["environment"] != "dev" {
		t.Fatalf("overview: %v", ov)
	}
}

// BenchmarkDashboardConnections is the dashboard's connections page over
// 10,000 connections with a deployed sync: the first page, a page deep
// in the list, and a search.
func BenchmarkDashboardConnections(b *testing.B) {
	h := newFnHarness(b, nil)
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.deploy("demo/syncs/rows")
	addConnections(b, h.st, "demo", 10_000)
	deep := base64.RawURLEncoding.EncodeToString([]byte("demo\x00conn-07000"))
	for _, bc := range []struct{ name, query string }{
		{"first-page", "limit=50"},
		{"deep-page", "limit=50&cursor=" + deep},
		{"search", "limit=50&search=conn-09"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				h.must(http.StatusOK, "GET", "/ui/api/connections?"+bc.query, nil)
			}
		})
	}
}
