package main_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// TestServeDashboard drives the real binary's dashboard: ferry serve
// names its URL, the page asks for a sign-in, and the secret key opens a
// session that the dashboard's API calls carry.
func TestServeDashboard(t *testing.T) {
	s := startServer(t, t.TempDir(), "FERRY_SECRET_KEY="+testSecretKey)
	if !strings.Contains(s.out.String(), "dashboard: "+s.url+"/ui/") {
		t.Fatalf("ferry serve does not name the dashboard:\n%s", s.out)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}

	res, err := browser.Get(s.url + "/ui/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/ui/login" {
		t.Fatalf("/ui/ without a session ended at %s", res.Request.URL)
	}

	res, err = browser.PostForm(s.url+"/ui/login", url.Values{"secret_key": {testSecretKey}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/ui/" {
		t.Fatalf("sign in: %d at %s", res.StatusCode, res.Request.URL)
	}

	req, _ := http.NewRequest("GET", s.url+"/ui/api/overview", nil)
	req.Header.Set("X-Ferry-UI", "1")
	res, err = browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the dashboard's API with a session: %d", res.StatusCode)
	}
}
