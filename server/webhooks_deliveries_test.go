package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/outbox"
)

type deliveriesPage struct {
	Deliveries []deliveryJSON `json:"deliveries"`
	NextCursor *string        `json:"next_cursor"`
}

type deliveryJSON struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	ConnectionID  string          `json:"connection_id"`
	URL           string          `json:"url"`
	Status        string          `json:"status"`
	NextAttemptAt *time.Time      `json:"next_attempt_at"`
	Body          json.RawMessage `json:"body"`
	Attempts      []struct {
		StatusCode *int    `json:"status_code"`
		Error      string  `json:"error"`
		DurationMS float64 `json:"duration_ms"`
	} `json:"attempts"`
}

func TestDeliveriesAPI(t *testing.T) {
	env := startWebhooksEnv(t, true)
	var accept atomic.Bool // the receiver fails every webhook until set
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !accept.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	ctx := context.Background()
	if err := env.ob.ReplaceURLs(ctx, "dev", []string{rcv.URL}); err != nil {
		t.Fatal(err)
	}
	for i, conn := range []string{"c1", "c2", "c1"} {
		msg := outbox.Message{Environment: "dev", ProviderConfigKey: "gh", ConnectionID: conn, Type: "sync", Body: fmt.Appendf(nil, `{"n":%d}`, i)}
		if err := env.ob.Enqueue(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}

	var page deliveriesPage
	if st := env.call(t, "GET", "/webhooks/deliveries", "", &page); st != 200 || len(page.Deliveries) != 3 || page.NextCursor != nil {
		t.Fatalf("list: %d %+v", st, page)
	}
	newest := page.Deliveries[0]
	if string(newest.Body) != `{"n":2}` || newest.Status != "pending" || newest.NextAttemptAt == nil {
		t.Fatalf("newest: %+v", newest)
	}
	// Paging: two, then one.
	env.call(t, "GET", "/webhooks/deliveries?limit=2", "", &page)
	if len(page.Deliveries) != 2 || page.NextCursor == nil {
		t.Fatalf("first page: %+v", page)
	}
	env.call(t, "GET", "/webhooks/deliveries?limit=2&cursor="+url.QueryEscape(*page.NextCursor), "", &page)
	if len(page.Deliveries) != 1 || string(page.Deliveries[0].Body) != `{"n":0}` {
		t.Fatalf("second page: %+v", page)
	}
	env.call(t, "GET", "/webhooks/deliveries?connection_id=c1&status=pending", "", &page)
	if len(page.Deliveries) != 2 {
		t.Fatalf("c1 pending: %+v", page)
	}

	// Attempts fail until the receiver accepts; then a replay delivers.
	env.run(t)
	waitDeliveries(t, env, "status=pending", func(p deliveriesPage) bool {
		for _, d := range p.Deliveries {
			if len(d.Attempts) == 0 {
				return false
			}
		}
		return len(p.Deliveries) == 3
	})
	var one deliveryJSON
	if st := env.call(t, "GET", "/webhooks/deliveries/"+newest.ID, "", &one); st != 200 || one.ID != newest.ID || len(one.Attempts) == 0 || one.Attempts[0].StatusCode == nil || *one.Attempts[0].StatusCode != 500 {
		t.Fatalf("get: %d %+v", st, one)
	}
	accept.Store(true)
	if st := env.call(t, "POST", "/webhooks/deliveries/"+newest.ID+"/retry", "", &one); st != 200 || one.Status != "pending" || string(one.Body) != `{"n":2}` {
		t.Fatalf("retry: %d %+v", st, one)
	}
	waitDeliveries(t, env, "status=delivered", func(p deliveriesPage) bool {
		for _, d := range p.Deliveries {
			if d.ID == newest.ID {
				return true
			}
		}
		return false
	})

	bad := []struct {
		name, method, path string
		status             int
		noAuth             bool
	}{
		{"unknown id", "GET", "/webhooks/deliveries/msg_00000000000000000000000000", 404, false},
		{"malformed id", "GET", "/webhooks/deliveries/nope", 404, false},
		{"retry unknown id", "POST", "/webhooks/deliveries/msg_00000000000000000000000000/retry", 404, false},
		{"malformed cursor", "GET", "/webhooks/deliveries?cursor=!!", 400, false},
		{"unknown status", "GET", "/webhooks/deliveries?status=lost", 400, false},
		{"limit zero", "GET", "/webhooks/deliveries?limit=0", 400, false},
		{"limit too large", "GET", "/webhooks/deliveries?limit=1001", 400, false},
		{"no auth list", "GET", "/webhooks/deliveries", 401, true},
		{"no auth settings", "GET", "/environment/webhooks", 401, true},
		{"no auth retry", "POST", "/webhooks/deliveries/" + newest.ID + "/retry", 401, true},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			var out struct {
				Error struct{ Code, Message string }
			}
			var st int
			if tc.noAuth {
				st = env.call(t, tc.method, tc.path, "", &out, true)
			} else {
				st = env.call(t, tc.method, tc.path, "", &out)
			}
			if st != tc.status || out.Error.Code == "" {
				t.Fatalf("%d %+v, want %d", st, out, tc.status)
			}
		})
	}
}

// waitDeliveries polls GET /webhooks/deliveries?query until cond holds.
func waitDeliveries(t *testing.T, env *webhooksEnv, query string, cond func(deliveriesPage) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var p deliveriesPage
		env.call(t, "GET", "/webhooks/deliveries?"+query, "", &p)
		if cond(p) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %+v", p)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
