package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The dashboard is tested in a real browser: headless Chromium (Debian's
// chromium package) driven over the DevTools protocol by chromedp,
// against a server with real functions on a loopback listener.

// uiSecret is the failing connection's API key: it must show nowhere.
const uiSecret = "ghp_dashboardSecret4242"

// chromiumPath finds the browser; without one the test skips, except in
// CI (.ci/run installs it and sets FERRY_BROWSER_TESTS=required), where
// its absence is a failure.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("FERRY_BROWSER_TESTS") == "required" || os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: apt-get install chromium chromium-driver")
	}
	t.Skip("chromium is not installed (apt-get install chromium chromium-driver)")
	return ""
}

// newBrowser starts a headless Chromium; the context it returns drives
// one tab and ends with the test.
func newBrowser(t *testing.T) context.Context {
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// A script error on any page fails the test, even if the page looked
	// right.
	var mu sync.Mutex
	var thrown []string
	err := chromedp.Listen(ctx, func(ev any) {
		if ex, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			defer mu.Unlock()
			d := ex.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			thrown = append(thrown, fmt.Sprintf("%s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, msg))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("the page threw: %s", e)
		}
	})
	return ctx
}

// serveLoopback serves the harness's app on a loopback port and returns
// its base URL.
func (h *fnHarness) serveLoopback() string {
	h.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	go h.srv.Serve(ln)
	return "http://" + ln.Addr().String()
}

// screenshot saves the page as name.png in the test's artifact
// directory (kept with go test -artifacts).
func screenshot(t *testing.T, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, tab) // 100: PNG
		if err != nil {
			return err
		}
		path := filepath.Join(t.ArtifactDir(), name+".png")
		t.Logf("screenshot %s", path)
		return os.WriteFile(path, png, 0o644)
	})
}

// into runs an action that reads a value and keeps the value in out.
func into[T any](a chromedp.Action[T], out *T) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tab *chromedp.Target) (err error) {
		*out, err = a(ctx, tab)
		return err
	})
}

// css selects the first element matching a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// fetchStatus is a script answering the status of a dashboard API call.
const fetchStatus = `fetch('/ui/api/overview', {headers: {'X-Ferry-UI': '1'}}).then(r => r.status)`

// TestDashboardFindsAFailingSyncsUpstreamCall signs in, and from the
// connections page reaches a failing sync's upstream 500 in three clicks:
// the connection, its failed run, the call. The call's request shows its
// auth header redacted, and the secret appears on no page. It also loads
// every other page (records, operations, functions, webhooks) and checks
// the bad paths: a wrong key, an API call without a session.
func TestDashboardFindsAFailingSyncsUpstreamCall(t *testing.T) {
	ctx := newBrowser(t)
	down := newTicketAPI(t, "1=one")
	down.mu.Lock()
	down.fail = true
	down.mu.Unlock()
	up := newTicketAPI(t, "1=one", "2=two", "3=three")
	h := newFnHarness(t, nil)
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	for id, api := range map[string]*ticketAPI{"conn-down": down, "conn-up": up} {
		h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"`+id+`","provider_config_key":"demo",
			"credentials":{"type":"API_KEY","apiKey":"`+uiSecret+`"},"metadata":{"base_url":"`+api.URL+`"}}`), "Content-Type", "application/json")
	}
	h.deploy("demo/syncs/tickets")
	if runs := h.waitRuns("tickets", 2); len(runs) != 2 {
		t.Fatalf("runs: %v", runs)
	}
	base := h.serveLoopback()

	// Without a session: the page sends the browser to sign in, and the
	// API refuses the dashboard's header alone.
	var loc string
	var apiStatus int
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/ui/"),
		chromedp.WaitVisible(css(`#secret_key`)),
		into(chromedp.Location(), &loc),
		screenshot(t, "01-login"),
		into(chromedp.Evaluate[int](fetchStatus, chromedp.EvalAwaitPromise), &apiStatus),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/ui/login") {
		t.Fatalf("without a session /ui/ went to %s", loc)
	}
	if apiStatus != http.StatusUnauthorized {
		t.Fatalf("API without a session: %d", apiStatus)
	}

	// A wrong key is refused with a message; the right one signs in.
	var msg string
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(css(`#secret_key`), "not-the-key"),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#login-error`)),
		into(chromedp.Text(css(`#login-error`)), &msg),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "not this server's secret key") {
		t.Fatalf("wrong key: %q", msg)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(css(`#secret_key`), fnTestKey),
		chromedp.Click(css(`#login-submit`)),
		chromedp.WaitVisible(css(`#connections tr[data-connection="conn-down"]`)),
		screenshot(t, "02-connections"),
	); err != nil {
		t.Fatal(err)
	}

	// Click 1: the connection. Click 2: its sync's failed run. Click 3:
	// the upstream call that answered 500.
	var detail, page string
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`#connections tr[data-connection="conn-down"] a.connection-link`)),
		chromedp.WaitVisible(css(`#syncs a.run-link[data-sync="tickets"]`)),
		screenshot(t, "03-connection"),
		chromedp.Click(css(`#syncs a.run-link[data-sync="tickets"]`)),
		chromedp.WaitVisible(css(`#messages tr.call.failed`)),
		screenshot(t, "04-failed-run"),
		chromedp.Click(css(`#messages tr.call.failed`)),
		chromedp.WaitVisible(css(`#messages tr.call-detail.open`)),
		into(chromedp.Text(css(`#messages tr.call-detail.open`)), &detail),
		screenshot(t, "05-upstream-call"),
		into(chromedp.Text(css(`body`)), &page),
	); err != nil {
		t.Fatal(err)
	}
	// The connection's page runs a sync on demand.
	var note string
	if err := chromedp.Do(ctx,
		chromedp.NavigateBack(),
		chromedp.WaitVisible(css(`#syncs button[data-trigger="tickets"]`)),
		chromedp.Click(css(`#syncs button[data-trigger="tickets"]`)),
		chromedp.WaitVisible(css(`#notice:not(:empty)`)),
		into(chromedp.Text(css(`#notice`)), &note),
	); err != nil {
		t.Fatal(err)
	}
	if note != "Run now: done" {
		t.Fatalf("run now: %q", note)
	}
	h.waitRuns("tickets", 3)

	for _, want := range []string{"GET " + down.URL + "/tickets", "500", "authorization: REDACTED"} {
		if !strings.Contains(strings.ToLower(detail), strings.ToLower(want)) {
			t.Errorf("the call's detail lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(page, uiSecret) {
		t.Errorf("the run's page shows the secret:\n%s", page)
	}

	// The other pages load, each without an error and without the secret.
	for _, p := range []struct{ name, hash, ready string }{
		{"06-records", "#/records/demo/conn-up/Ticket", `#records tbody tr:nth-child(3)`},
		{"07-operations-failed", "#/operations?status=failed", `#operations a.operation-link`},
		{"08-functions", "#/functions", `#functions tbody tr`},
		{"09-function", "#/function/demo/tickets", `#versions tbody tr`},
		{"10-webhooks", "#/webhooks", `#inbox`},
		{"11-outbox", "#/webhooks?tab=outbox", `.alert`},
	} {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/ui/"+p.hash),
			chromedp.WaitVisible(css(p.ready)),
			screenshot(t, p.name),
			into(chromedp.Text(css(`body`)), &page),
		); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if strings.Contains(page, "Something went wrong") || strings.Contains(page, uiSecret) {
			t.Errorf("%s:\n%s", p.name, page)
		}
	}

	// Signing out ends the session: the API refuses it again.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/ui/"),
		chromedp.WaitVisible(css(`button.link`)),
		chromedp.Click(css(`button.link`)),
		chromedp.WaitVisible(css(`#secret_key`)),
		into(chromedp.Evaluate[int](fetchStatus, chromedp.EvalAwaitPromise), &apiStatus),
	); err != nil {
		t.Fatal(err)
	}
	if apiStatus != http.StatusUnauthorized {
		t.Fatalf("API after signing out: %d", apiStatus)
	}
}
