package server

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTriggerAction(t *testing.T) {
	h := newFnHarness(t, nil)
	h.setup()
	h.deploy("demo/actions/echo")
	h.deploy("demo/syncs/items")

	var upstreamAuth string
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamAuth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Upstream", "yes")
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprint(w, `{"message":"no such thing"}`)
	}))
	defer upstream.Close()

	conn := []string{"Connection-Id", "conn-1", "Provider-Config-Key", "demo"}
	tests := []struct {
		name   string
		body   string
		header []string
		status int
		check  func(t *testing.T, out map[string]any)
	}{
		{name: "success", body: `{"action_name":"echo","input":{"text":"hello"}}`, header: conn, status: 200,
			check: func(t *testing.T, out map[string]any) {
				if out["text"] != "hello" || out["connection"] != "conn-1" {
					t.Fatalf("output %v", out)
				}
			}},
		{name: "action error", body: `{"action_name":"echo","input":{"text":"refuse"}}`, header: conn, status: 500,
			check: func(t *testing.T, out map[string]any) {
				e := out["error"].(map[string]any)
				if e["code"] != "action_error" || e["message"] != "refused on purpose" || e["payload"].(map[string]any)["reason"] != "test" {
					t.Fatalf("error %v", e)
				}
			}},
		{name: "invalid input", body: `{"action_name":"echo","input":{"nope":1}}`, header: conn, status: 500,
			check: func(t *testing.T, out map[string]any) {
				if code := out["error"].(map[string]any)["code"]; code != "action_error" && code != "invalid_input" {
					t.Fatalf("error %v", out)
				}
			}},
		{name: "upstream error", body: fmt.Sprintf(`{"action_name":"echo","input":{"text":"upstream","url":%q}}`, upstream.URL), header: conn, status: 424,
			check: func(t *testing.T, out map[string]any) {
				e := out["error"].(map[string]any)
				up, _ := e["upstream"].(map[string]any)
				if e["code"] != "script_http_error" || up == nil || up["status"] != 422.0 || up["body"].(map[string]any)["message"] != "no such thing" {
					t.Fatalf("error %v", e)
				}
				if hs, _ := up["headers"].(map[string]any); hs["x-upstream"] != "yes" && hs["X-Upstream"] != "yes" {
					t.Fatalf("upstream headers %v", up["headers"])
				}
				if upstreamAuth != "Bearer tok-1" {
					t.Fatalf("upstream saw Authorization %q", upstreamAuth)
				}
			}},
		{name: "output too large", body: fmt.Sprintf(`{"action_name":"echo","input":{"text":"big","size":%d}}`, MaxActionOutput), header: conn, status: 500,
			check: func(t *testing.T, out map[string]any) {
				if e := out["error"].(map[string]any); e["code"] != "output_too_large" || !strings.Contains(e["message"].(string), "over the limit") {
					t.Fatalf("error %v", e)
				}
			}},
		{name: "missing headers", body: `{"action_name":"echo","input":{}}`, status: 400},
		{name: "missing provider config key", body: `{"action_name":"echo","input":{}}`, header: []string{"Connection-Id", "conn-1"}, status: 400},
		{name: "malformed body", body: `{"action_name":`, header: conn, status: 400},
		{name: "no action name", body: `{"input":{}}`, header: conn, status: 400},
		{name: "unknown connection", body: `{"action_name":"echo","input":{"text":"x"}}`, header: []string{"Connection-Id", "nobody", "Provider-Config-Key", "demo"}, status: 404},
		{name: "unknown action", body: `{"action_name":"nope","input":{}}`, header: conn, status: 404,
			check: func(t *testing.T, out map[string]any) {
				if e := out["error"].(map[string]any); e["code"] != "unknown_action" || !strings.Contains(e["message"].(string), `"nope"`) {
					t.Fatalf("error %v", e)
				}
			}},
		{name: "not an action", body: `{"action_name":"items","input":{}}`, header: conn, status: 400,
			check: func(t *testing.T, out map[string]any) {
				if e := out["error"].(map[string]any); !strings.Contains(e["message"].(string), "is a sync, not an action") {
					t.Fatalf("error %v", e)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := append([]string{"Content-Type", "application/json"}, tc.header...)
			out := h.must(tc.status, "POST", "/action/trigger", []byte(tc.body), header...)
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

func TestTriggerActionAsync(t *testing.T) {
	h := newFnHarness(t, nil)
	h.setup()
	h.deploy("demo/actions/echo")
	conn := []string{"Connection-Id", "conn-1", "Provider-Config-Key", "demo", "X-Async", "true"}

	poll := func(id string) map[string]any {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			st := h.must(200, "GET", "/action/"+id, nil)
			if st["status"] != "pending" || time.Now().After(deadline) {
				return st
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	acc := h.must(202, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"slow"}}`), conn...)
	id, _ := acc["id"].(string)
	if id == "" || acc["statusUrl"] != "/action/"+id {
		t.Fatalf("accepted: %v", acc)
	}
	if st := poll(id); st["status"] != "completed" || st["result"].(map[string]any)["text"] != "slow" {
		t.Fatalf("status: %v", st)
	}

	acc = h.must(202, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"refuse"}}`), conn...)
	if st := poll(acc["id"].(string)); st["status"] != "failed" || st["error"].(map[string]any)["code"] != "action_error" {
		t.Fatalf("failed status: %v", st)
	}
	h.must(404, "GET", "/action/unknown", nil)
}

// TestRedeployWhileRunning: a redeploy during a run lets the run finish
// on the version it started with.
func TestRedeployWhileRunning(t *testing.T) {
	h := newFnHarness(t, nil)
	h.setup()
	h.deploy("demo/actions/echo")
	done := make(chan map[string]any, 4)
	for range 4 {
		go func() {
			done <- h.must(200, "POST", "/action/trigger", []byte(`{"action_name":"echo","input":{"text":"slow"}}`), "Connection-Id", "conn-1", "Provider-Config-Key", "demo")
		}()
	}
	time.Sleep(50 * time.Millisecond)
	h.deploy("demo/actions/echo")
	for range 4 {
		if out := <-done; out["text"] != "slow" {
			t.Fatalf("run across redeploy: %v", out)
		}
	}
}

// BenchmarkActionTrigger measures POST /action/trigger over real HTTP on
// loopback: a warm small TypeScript action, no upstream call. It reports
// the p50 and p99 latency.
// BenchmarkActionTrigger triggers a small action over HTTP, with the
// operations log on (as in production) and off, and reports p50 and p99.
func BenchmarkActionTrigger(b *testing.B) {
	b.Run("log-on", func(b *testing.B) { benchActionTrigger(b) })
	b.Run("log-off", func(b *testing.B) {
		benchActionTrigger(b, func(c *Config) { c.DisableOperationsLog = true })
	})
}

func benchActionTrigger(b *testing.B, opts ...func(*Config)) {
	h := newFnHarness(b, nil, opts...)
	h.setup()
	h.deploy("demo/actions/echo")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go h.srv.Serve(ln)
	defer h.srv.app.Shutdown()
	url := "http://" + ln.Addr().String() + "/action/trigger"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	body := `{"action_name":"echo","input":{"text":"bench"}}`
	call := func() {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fnTestKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Connection-Id", "conn-1")
		req.Header.Set("Provider-Config-Key", "demo")
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out map[string]any
		err = json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 || out["text"] != "bench" {
			b.Fatalf("trigger: %d %v %v", res.StatusCode, out, err)
		}
	}
	for range 20 { // warm: instance pool, connections
		call()
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		call()
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
