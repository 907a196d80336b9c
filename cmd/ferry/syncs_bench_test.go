package main_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkIdleSchedules measures the real server's memory with 1,000
// connections whose sync is scheduled: the connections are created, a
// sync deployed (it runs once for each, then waits for its next hour),
// and the process's resident set is read once every run has finished.
func BenchmarkIdleSchedules(b *testing.B) {
	const conns = 1000
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	if _, err := os.Stat(filepath.Join(root, "node_modules", "zod")); err != nil {
		b.Skipf("needs zod: run npm ci at the repository's root (%v)", err)
	}
	for range b.N {
		s := startServer(b, b.TempDir(), "FERRY_SECRET_KEY="+testSecretKey)
		k := testSecretKey
		if st, v := s.call("POST", "/integrations", k, `{"unique_key":"demo","provider":"github-pat"}`); st != 200 {
			b.Fatalf("create integration: %d %v", st, v)
		}
		for i := range conns {
			body := fmt.Sprintf(`{"provider_config_key":"demo","connection_id":"c%04d","credentials":{"type":"API_KEY","apiKey":"k"}}`, i)
			if st, v := s.call("POST", "/connections", k, body); st != 201 {
				b.Fatalf("create connection: %d %v", st, v)
			}
		}
		project := b.TempDir()
		src, err := os.ReadFile(filepath.Join(root, "server", "testdata", "functions", "demo", "syncs", "items.ts"))
		if err != nil {
			b.Fatal(err)
		}
		os.MkdirAll(filepath.Join(project, "demo", "syncs"), 0o755)
		os.WriteFile(filepath.Join(project, "demo", "syncs", "items.ts"), src, 0o644)
		os.Symlink(filepath.Join(root, "node_modules"), filepath.Join(project, "node_modules"))
		start := time.Now()
		if out, errOut, ok := ferry(b, "deploy", project, "--host", s.url, "--secret-key", k); !ok {
			b.Fatalf("deploy: %s\n%s", out, errOut)
		}
		for {
			_, v := s.call("GET", "/executions?status=success&limit=1000", k, "")
			if n := len(v["executions"].([]any)); n == conns {
				break
			}
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("the first runs did not finish in 2 minutes")
			}
			time.Sleep(100 * time.Millisecond)
		}
		firstRuns := time.Since(start)
		_, v := s.call("GET", "/syncs", k, "")
		scheduled := 0
		for _, sy := range v["syncs"].([]any) {
			if sy.(map[string]any)["nextScheduledSyncAt"] != nil {
				scheduled++
			}
		}
		if scheduled != conns {
			b.Fatalf("%d syncs scheduled, want %d", scheduled, conns)
		}
		time.Sleep(5 * time.Second) // idle
		rss := residentMB(b, s.cmd.Process.Pid)
		b.ReportMetric(rss, "RSS-MB")
		b.ReportMetric(firstRuns.Seconds(), "first-runs-s")
		s.cmd.Process.Kill()
		<-s.done
	}
}

// residentMB reads a process's resident set size from /proc.
func residentMB(b *testing.B, pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmRSS in /proc status")
	return 0
}
