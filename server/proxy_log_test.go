package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestProxyLogsEachCall checks the log line of every way a proxied call
// ends: a small body sent at once, a large or chunked one streamed, no
// body, a retried call, and no answer at all.
func TestProxyLogsEachCall(t *testing.T) {
	const large = 100 << 10 // over the size sent in one write: streamed
	var calls atomic.Int32
	up, _ := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			io.WriteString(w, "hello")
		case "/large":
			w.Header().Set("Content-Length", strconv.Itoa(large))
			io.Copy(w, io.LimitReader(zeros{}, large))
		case "/chunked":
			w.(http.Flusher).Flush() // no Content-Length: chunked
			io.WriteString(w, "chunk")
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/flaky":
			if calls.Add(1) == 1 {
				w.Header().Set("X-Wait", "0")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			io.WriteString(w, "ok")
		}
	})
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	ps := startProxyServer(t, true)
	ps.connect(t, "gh", "pt-bearer", "c1", up.URL, `{"type":"OAUTH2","access_token":"tok-log-1"}`)

	for _, tc := range []struct {
		name, method, path string
		header             []string
		status             int    // the client's
		line               string // what the call's log line holds
	}{
		{"small body", "GET", "/small", nil, 200,
			`msg="proxy call" method=GET url=` + up.URL + `/small status=200 attempts=1 duration=`},
		{"streamed body", "GET", "/large", nil, 200,
			`url=` + up.URL + `/large status=200 attempts=1 duration=`},
		{"chunked body", "GET", "/chunked", nil, 200,
			`url=` + up.URL + `/chunked status=200 attempts=1 duration=`},
		{"no body", "DELETE", "/empty", nil, 204,
			`method=DELETE url=` + up.URL + `/empty status=204 attempts=1 duration=`},
		{"retried", "GET", "/flaky", []string{"Retries", "2"}, 200,
			`url=` + up.URL + `/flaky status=200 attempts=2 duration=`},
		{"no answer", "GET", "/gone", []string{"Base-Url-Override", dead.URL}, 502,
			`level=WARN msg="proxy call failed" method=GET url=` + dead.URL + `/gone status=0 attempts=1 duration=`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := append([]string{"Connection-Id", "c1", "Provider-Config-Key", "gh"}, tc.header...)
			resp := ps.do(t, tc.method, "/proxy"+tc.path, nil, h...)
			body := readAll(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tc.status)
			}
			// A streamed body is logged once fasthttp has copied it, which
			// may be after the client has read it.
			line := waitForLogLine(t, ps, tc.line)
			wantBytes := fmt.Sprintf(" bytes=%d connection_id=c1 provider_config_key=gh", len(body))
			if tc.status == 502 {
				wantBytes = " bytes=0 connection_id=c1 provider_config_key=gh err="
			}
			if !strings.Contains(line, wantBytes) {
				t.Errorf("log line %q, want %q in it", line, wantBytes)
			}
		})
	}
	if strings.Contains(ps.log.String(), "tok-log-1") {
		t.Errorf("the log holds credentials:\n%s", ps.log)
	}
}

// waitForLogLine returns the first line of ps's log that holds want,
// waiting for it up to 5 s.
func waitForLogLine(t *testing.T, ps *proxyServer, want string) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		for line := range strings.SplitSeq(ps.log.String(), "\n") {
			if strings.Contains(line, want) {
				return line
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line holds %q:\n%s", want, ps.log)
		}
	}
}
