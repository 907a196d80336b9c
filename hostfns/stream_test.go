package hostfns

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// failOnce answers status to the first request and 200 with the request's
// body to the others.
func failOnce(status int) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(status)
			return
		}
		io.Copy(w, r.Body)
	}, &n
}

func TestStreamRetriesReplayableBodies(t *testing.T) {
	big := strings.Repeat("x", ReplayLimit+1)
	tests := []struct {
		name     string
		body     io.Reader
		length   int64
		status   int // of the answer the caller gets
		attempts int32
		echo     string
	}{
		{"no body", nil, 0, 200, 2, ""},
		{"small body", strings.NewReader("hello"), 5, 200, 2, "hello"},
		{"small body of unknown length", io.MultiReader(strings.NewReader("hel"), strings.NewReader("lo")), -1, 200, 2, "hello"},
		{"large body is sent once", strings.NewReader(big), int64(len(big)), 503, 1, ""},
		{"large body of unknown length is sent once", io.MultiReader(strings.NewReader(big)), -1, 503, 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, n := failOnce(http.StatusServiceUnavailable)
			rec := newRecorder(t, h)
			var calls []Call
			tg := plainTarget(rec.URL)
			tg.OnCall = func(c Call) { calls = append(calls, c) }
			resp, err := testHTTP().Stream(context.Background(), tg, StreamRequest{
				Method: "POST", Endpoint: "/up?a=1", Body: tc.body, ContentLength: tc.length, Retries: 2,
			})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || n.Load() != tc.attempts || len(calls) != int(tc.attempts) {
				t.Fatalf("%d after %d attempts (%d calls), want %d after %d", resp.StatusCode, n.Load(), len(calls), tc.status, tc.attempts)
			}
			if tc.status == 200 && string(got) != tc.echo {
				t.Errorf("the upstream got %q, want %q", got, tc.echo)
			}
			if reqs := rec.requests(); tc.length > ReplayLimit || tc.length < 0 && tc.status == 503 {
				if len(reqs[0].Body) != len(big) {
					t.Errorf("the large body arrived with %d bytes, want %d", len(reqs[0].Body), len(big))
				}
			}
			if calls[0].URL != rec.URL+"/up?a=1" || calls[0].Method != "POST" {
				t.Errorf("call %+v", calls[0])
			}
		})
	}
}

func TestStreamAnswersAndFailures(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("unzipped"))
	zw.Close()
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gz":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz.Bytes())
		default:
			w.Header().Set("X-Up", "1")
			w.WriteHeader(http.StatusTeapot)
			io.WriteString(w, "short and stout")
		}
	})
	h := testHTTP()

	resp, err := h.Stream(context.Background(), plainTarget(rec.URL), StreamRequest{Endpoint: "/gz", Decompress: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "unzipped" || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("decompressed: %q %v", b, resp.Header)
	}
	resp.Body.Close()
	if rec.requests()[0].Header.Get("Accept-Encoding") == "" {
		t.Errorf("Decompress should ask for a compressed body")
	}

	resp, err = h.Stream(context.Background(), plainTarget(rec.URL), StreamRequest{Endpoint: "/x", Retries: 3})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusTeapot || string(b) != "short and stout" || resp.Header.Get("X-Up") != "1" {
		t.Errorf("a 4xx is an answer: %d %q %v", resp.StatusCode, b, resp.Header)
	}
	resp.Body.Close()

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	_, err = h.Stream(context.Background(), plainTarget(dead.URL), StreamRequest{Endpoint: "/x", Retries: 1})
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Attempts != 2 {
		t.Fatalf("unreachable: %v, want a *NetworkError after 2 attempts", err)
	}

	_, err = h.Stream(context.Background(), plainTarget(rec.URL), StreamRequest{Endpoint: "/x", Method: "BAD METHOD"})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("bad method: %v", err)
	}
}
