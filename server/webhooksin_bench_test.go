package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/server"
)

// benchPushBody is a GitHub push event of a typical size (~2 KB).
var benchPushBody = `{"ref":"refs/heads/main","before":"` + strings.Repeat("a", 40) + `","after":"` + strings.Repeat("b", 40) +
	`","installation":{"id":42},"repository":{"id":1296269,"full_name":"octocat/Hello-World","private":false,"description":"` +
	strings.Repeat("This your first repo! ", 20) + `"},"commits":[` + strings.TrimSuffix(strings.Repeat(
	`{"id":"`+strings.Repeat("c", 40)+`","message":"Update README.md","author":{"name":"Monalisa Octocat","email":"mona@github.com"}},`, 8), ",") + `]}`

// Load shapes of BenchmarkWebhooksIn.
const (
	webhookInflight = 64   // closed loop: requests kept in flight
	webhookRate     = 5000 // open loop: requests started per second
	webhookWorkers  = 256  // open loop: connections available to the pacer
)

// webhookBenchServerEnv names the receiver a helper process serves (see
// TestWebhookBenchServer): "durable" or "discard".
const webhookBenchServerEnv = "FERRY_WEBHOOK_BENCH_SERVER"

// BenchmarkWebhooksIn measures the receiver (GitHub-signed 2 KB
// webhooks, verified and decoded) writing each webhook durably to the
// inbox (fsync on; concurrent requests share commits) against the same
// receiver answering without storing anything, under two loads:
//
//   - max: 64 requests always in flight; acks/s is the throughput.
//   - rate: 5,000 requests/s started on schedule whatever the answers
//     (open loop); latency counts from the scheduled start, so a stall
//     shows in full.
//
// The server runs in a process of its own (this test binary again, see
// TestWebhookBenchServer), as it would apart from its clients: sharing a
// Go scheduler with hundreds of client goroutines would delay the one
// goroutine that commits the inbox. Both processes share the 2 cores.
func BenchmarkWebhooksIn(b *testing.B) {
	for _, mode := range []string{"durable", "discard"} {
		for _, load := range []string{"max", "rate"} {
			b.Run(mode+"/"+load, func(b *testing.B) {
				send := webhookSender(b, startWebhookBenchServer(b, mode))
				var lat []time.Duration
				b.SetBytes(int64(len(benchPushBody)))
				b.ResetTimer()
				start := time.Now()
				if load == "max" {
					lat = webhookClosedLoop(b.N, send)
				} else {
					lat = webhookOpenLoop(b.N, send)
				}
				elapsed := time.Since(start)
				b.StopTimer()
				reportWebhookLatencies(b, lat, elapsed)
			})
		}
	}
}

// TestWebhookBenchServer is BenchmarkWebhooksIn's server process: run
// with FERRY_WEBHOOK_BENCH_SERVER set, it prints its URL and serves until
// its standard input closes. Otherwise it is skipped.
func TestWebhookBenchServer(t *testing.T) {
	mode := os.Getenv(webhookBenchServerEnv)
	if mode == "" {
		t.Skip("the server process of BenchmarkWebhooksIn")
	}
	var opts []func(*server.Config)
	if mode == "discard" {
		opts = append(opts, server.DiscardWebhooks)
	}
	env := startInboxEnv(t, true, opts...)
	fmt.Println("url", env.url)
	io.Copy(io.Discard, os.Stdin)
}

// startWebhookBenchServer starts a server process in mode and returns its URL;
// cleanup ends it.
func startWebhookBenchServer(b *testing.B, mode string) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestWebhookBenchServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), webhookBenchServerEnv+"="+mode)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close() // the server shuts down and the process exits
		if err := cmd.Wait(); err != nil {
			b.Errorf("server process: %v", err)
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if url, ok := strings.CutPrefix(lines.Text(), "url "); ok {
			go io.Copy(io.Discard, stdout)
			return url
		}
	}
	b.Fatalf("the server process printed no URL: %v", lines.Err())
	return ""
}

// webhookSender returns a function that posts webhook i and reports
// whether it was acknowledged.
func webhookSender(b *testing.B, base string) func(i int) bool {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: webhookWorkers, MaxConnsPerHost: webhookWorkers}}
	sig := "sha256=" + hexHMAC("gh-secret", benchPushBody)
	run := time.Now().UnixNano() // delivery ids differ between b.N rounds
	return func(i int) bool {
		req, _ := http.NewRequest("POST", base+"/webhook/dev/gh", strings.NewReader(benchPushBody))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "push")
		req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d-%d", run, i))
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := client.Do(req)
		if err != nil {
			b.Error(err)
			return false
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Errorf("status %d", resp.StatusCode)
			return false
		}
		return true
	}
}

// webhookClosedLoop sends n webhooks from webhookInflight goroutines,
// each sending the next as soon as its previous one is answered.
func webhookClosedLoop(n int, send func(int) bool) []time.Duration {
	var next atomic.Int64
	return collectLatencies(webhookInflight, func(mine *[]time.Duration) {
		for i := next.Add(1); i <= int64(n); i = next.Add(1) {
			t0 := time.Now()
			if !send(int(i)) {
				return
			}
			*mine = append(*mine, time.Since(t0))
		}
	})
}

// webhookOpenLoop starts n webhooks at webhookRate per second on a
// fixed schedule; a request's latency runs from its scheduled start.
func webhookOpenLoop(n int, send func(int) bool) []time.Duration {
	due := make(chan time.Time, n)
	go func() {
		start := time.Now()
		for i := range n {
			at := start.Add(time.Duration(i) * time.Second / webhookRate)
			time.Sleep(time.Until(at))
			due <- at
		}
		close(due)
	}()
	var next atomic.Int64
	return collectLatencies(webhookWorkers, func(mine *[]time.Duration) {
		for at := range due {
			if !send(int(next.Add(1))) {
				return
			}
			*mine = append(*mine, time.Since(at))
		}
	})
}

// collectLatencies runs work on workers goroutines and gathers the
// latencies they record.
func collectLatencies(workers int, work func(mine *[]time.Duration)) []time.Duration {
	var (
		mu  sync.Mutex
		all []time.Duration
		wg  sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			var mine []time.Duration
			work(&mine)
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all
}

// reportWebhookLatencies reports acknowledgments per second and the
// latency percentiles.
func reportWebhookLatencies(b *testing.B, lat []time.Duration, elapsed time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "acks/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
}
