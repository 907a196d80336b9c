package hostfns

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// script answers the n-th request with steps[n] (the last step repeats).
type step struct {
	status int
	header map[string]string
	body   string
}

func script(steps ...step) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, _ *http.Request) {
		i := min(int(n.Add(1))-1, len(steps)-1)
		for k, v := range steps[i].header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(steps[i].status)
		io.WriteString(w, steps[i].body)
	}
}

func TestDoRetries(t *testing.T) {
	ok := step{status: 200, body: `{"ok":true}`}
	unavailable := step{status: 503, body: `{"error":"busy"}`}
	tests := []struct {
		name     string
		steps    []step
		cfg      ProxyConfig
		provider Provider
		wantReqs int
		wantErr  int // status of the *HTTPError, 0 for success
		minWait  time.Duration
		resetIn  time.Duration // sets X-Reset on the first step to now+resetIn, at run time
		resetMs  bool          // X-Reset in epoch milliseconds
	}{
		{name: "429 Retry-After 1 then 200: one retry after 1 s",
			steps:    []step{{status: 429, header: map[string]string{"Retry-After": "1"}}, ok},
			cfg:      ProxyConfig{Retries: 3},
			wantReqs: 2, minWait: time.Second},
		{name: "503 503 200 with retries 3", steps: []step{unavailable, unavailable, ok}, cfg: ProxyConfig{Retries: 3}, wantReqs: 3},
		{name: "503 with retries 0", steps: []step{unavailable, ok}, wantReqs: 1, wantErr: 503},
		{name: "retries exhausted", steps: []step{unavailable}, cfg: ProxyConfig{Retries: 2}, wantReqs: 3, wantErr: 503},
		{name: "4xx is not retried", steps: []step{{status: 409}, ok}, cfg: ProxyConfig{Retries: 2}, wantReqs: 1, wantErr: 409},
		{name: "retryOn 409", steps: []step{{status: 409}, ok}, cfg: ProxyConfig{Retries: 2, RetryOn: []int{409}}, wantReqs: 2},
		{name: "remaining header at 0",
			steps:    []step{{status: 403, header: map[string]string{"X-RateLimit-Remaining": "0"}}, ok},
			cfg:      ProxyConfig{Retries: 1, RetryHeader: &RetryHeader{Remaining: "x-ratelimit-remaining"}},
			wantReqs: 2},
		{name: "provider error_code replaces 5xx",
			steps:    []step{{status: 500}, ok},
			cfg:      ProxyConfig{Retries: 1},
			provider: Provider{Retry: &RetryHeader{ErrorCode: "429, 502-504"}},
			wantReqs: 1, wantErr: 500},
		{name: "provider error_code matches",
			steps:    []step{{status: 403}, ok},
			cfg:      ProxyConfig{Retries: 1},
			provider: Provider{Retry: &RetryHeader{ErrorCode: "403,5xx"}},
			wantReqs: 2},
		{name: "custom after header",
			steps:    []step{{status: 500, header: map[string]string{"X-Wait": "0.3"}}, ok},
			cfg:      ProxyConfig{Retries: 1, RetryHeader: &RetryHeader{After: "X-Wait"}},
			wantReqs: 2, minWait: 300 * time.Millisecond},
		{name: "provider at header",
			steps:    []step{{status: 429, header: map[string]string{}}, ok},
			cfg:      ProxyConfig{Retries: 1},
			provider: Provider{Retry: &RetryHeader{At: "x-reset"}},
			wantReqs: 2, resetIn: time.Second},
		{name: "at header in milliseconds",
			steps:    []step{{status: 429, header: map[string]string{}}, ok},
			cfg:      ProxyConfig{Retries: 1, RetryHeader: &RetryHeader{At: "X-Reset"}},
			wantReqs: 2, minWait: 300 * time.Millisecond, resetIn: 400 * time.Millisecond, resetMs: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			switch reset := time.Now().Add(tc.resetIn); {
			case tc.resetMs:
				tc.steps[0].header["X-Reset"] = strconv.FormatInt(reset.UnixMilli(), 10)
			case tc.resetIn > 0:
				tc.steps[0].header["X-Reset"] = strconv.FormatInt(reset.Unix(), 10)
			}
			rec := newRecorder(t, script(tc.steps...))
			tg := plainTarget(rec.URL)
			tc.provider.BaseURL = rec.URL
			tg.Provider = tc.provider
			var attempts []int
			tg.OnCall = func(c Call) { attempts = append(attempts, c.Attempt) }
			tc.cfg.Endpoint = "/r"
			start := time.Now()
			res, err := testHTTP().Do(context.Background(), tg, tc.cfg)
			elapsed := time.Since(start)
			if n := len(rec.requests()); n != tc.wantReqs || len(attempts) != n {
				t.Errorf("requests = %d, OnCall = %v; want %d", n, attempts, tc.wantReqs)
			}
			if tc.wantErr == 0 {
				if err != nil || res.Status != 200 {
					t.Fatalf("Do = %+v, %v; want 200", res, err)
				}
			} else {
				var he *HTTPError
				if !errors.As(err, &he) || he.Status != tc.wantErr {
					t.Fatalf("err = %v, want HTTPError %d", err, tc.wantErr)
				}
				if tc.wantErr == 503 && string(he.Body) != `{"error":"busy"}` {
					t.Errorf("body = %s", he.Body)
				}
			}
			if elapsed < tc.minWait {
				t.Errorf("took %v, want at least %v", elapsed, tc.minWait)
			}
		})
	}
}

func TestDoRetryGivesUpEarly(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		header  string
		maxWait time.Duration
	}{
		{name: "deadline shorter than Retry-After", timeout: time.Second, header: "5"},
		{name: "Retry-After past MaxRetryDelay", timeout: time.Minute, header: "3600"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, script(step{status: 429, header: map[string]string{"Retry-After": tc.header}}, step{status: 200}))
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			start := time.Now()
			_, err := testHTTP().Do(ctx, plainTarget(rec.URL), ProxyConfig{Endpoint: "/", Retries: 3})
			var he *HTTPError
			if !errors.As(err, &he) || he.Status != 429 {
				t.Fatalf("err = %v, want the 429", err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("took %v, want an immediate failure", d)
			}
			if n := len(rec.requests()); n != 1 {
				t.Errorf("requests = %d, want 1", n)
			}
		})
	}
}

func TestDoRetryCanceledDuringWait(t *testing.T) {
	rec := newRecorder(t, script(step{status: 503, body: `"down"`}))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	h := NewHTTP(HTTPOptions{RetryBaseDelay: time.Minute})
	start := time.Now()
	_, err := h.Do(ctx, plainTarget(rec.URL), ProxyConfig{Endpoint: "/", Retries: 1})
	var he *HTTPError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &he) {
		t.Fatalf("err = %v, want the 503 and context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v after cancel", d)
	}
}

func TestDoRetriesNetworkErrors(t *testing.T) {
	// The first connection is closed without an answer; the second gets one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int32
	srv := &http.Server{Handler: script(step{status: 200, body: `{"ok":1}`})}
	go srv.Serve(&dropFirst{Listener: ln, n: &conns})
	t.Cleanup(func() { srv.Close() })
	res, err := testHTTP().Do(context.Background(), plainTarget("http://"+ln.Addr().String()),
		ProxyConfig{Endpoint: "/", Method: "POST", Data: []byte(`{"same":"body"}`), Retries: 2})
	if err != nil || string(res.Data) != `{"ok":1}` {
		t.Fatalf("Do = %+v, %v", res, err)
	}
	if conns.Load() < 2 {
		t.Errorf("connections = %d, want a retry on a new one", conns.Load())
	}
}

// dropFirst closes the first connection it accepts.
type dropFirst struct {
	net.Listener
	n *atomic.Int32
}

func (l *dropFirst) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.n.Add(1) == 1 {
			c.Close()
			continue
		}
		return c, nil
	}
}

func TestRetryBodyReplayed(t *testing.T) {
	rec := newRecorder(t, script(step{status: 502}, step{status: 502}, step{status: 201}))
	_, err := testHTTP().Do(context.Background(), plainTarget(rec.URL),
		ProxyConfig{Endpoint: "/", Method: "POST", Data: []byte(`{"a":1}`), Retries: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rec.requests() {
		if r.Body != `{"a":1}` {
			t.Errorf("attempt %d body = %q", i, r.Body)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := NewHTTP(HTTPOptions{RetryBaseDelay: 3 * time.Second, MaxRetryDelay: 10 * time.Minute})
	hdr := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name   string
		rh     RetryHeader
		status int
		header http.Header
		n      int
		want   time.Duration
		ok     bool
	}{
		{name: "backoff 0", status: 500, n: 0, want: 3 * time.Second, ok: true},
		{name: "backoff 3", status: 500, n: 3, want: 24 * time.Second, ok: true},
		{name: "backoff capped", status: 500, n: 20, want: 10 * time.Minute, ok: true},
		{name: "backoff huge n", status: 500, n: 200, want: 10 * time.Minute, ok: true},
		{name: "Retry-After seconds", status: 429, header: hdr("Retry-After", "7"), want: 7 * time.Second, ok: true},
		{name: "Retry-After date", status: 503, header: hdr("Retry-After", now.Add(90*time.Second).UTC().Format(http.TimeFormat)), want: 90 * time.Second, ok: true},
		{name: "Retry-After ignored on 500", status: 500, header: hdr("Retry-After", "7"), want: 3 * time.Second, ok: true},
		{name: "Retry-After garbage", status: 429, header: hdr("Retry-After", "soon"), want: 3 * time.Second, ok: true},
		{name: "Retry-After too long", status: 429, header: hdr("Retry-After", "601"), want: 601 * time.Second, ok: false},
		{name: "at seconds", rh: RetryHeader{At: "X-Reset"}, status: 429, header: hdr("X-Reset", "1700000042"), want: 42 * time.Second, ok: true},
		{name: "at milliseconds", rh: RetryHeader{At: "X-Reset"}, status: 429, header: hdr("X-Reset", "1700000042500"), want: 42500 * time.Millisecond, ok: true},
		{name: "at in the past falls back", rh: RetryHeader{At: "X-Reset"}, status: 500, header: hdr("X-Reset", "1600000000"), n: 1, want: 6 * time.Second, ok: true},
		{name: "after", rh: RetryHeader{After: "X-After"}, status: 500, header: hdr("X-After", "2.5"), want: 2500 * time.Millisecond, ok: true},
		{name: "after negative falls back", rh: RetryHeader{After: "X-After"}, status: 500, header: hdr("X-After", "-1"), want: 3 * time.Second, ok: true},
		{name: "network error backs off", n: 1, want: 6 * time.Second, ok: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := h.delay(tc.rh, &result{status: tc.status, header: tc.header}, tc.n, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("delay = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestMatchStatus(t *testing.T) {
	tests := []struct {
		rules  string
		status int
		want   bool
	}{
		{"429", 429, true},
		{"429", 430, false},
		{"5xx", 503, true},
		{"5XX", 499, false},
		{"500-502", 502, true},
		{"500-502", 503, false},
		{" 403 , 4xx", 418, true},
		{"junk,,-,x-y", 500, false},
	}
	for _, tc := range tests {
		t.Run(tc.rules+"/"+strconv.Itoa(tc.status), func(t *testing.T) {
			if got := matchStatus(tc.rules, tc.status); got != tc.want {
				t.Errorf("matchStatus = %v, want %v", got, tc.want)
			}
		})
	}
}
