package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/store"
)

// rowAPI serves total rows of about 1 KB, 1000 a page behind a cursor;
// every generation changes every row, so each run writes them all.
type rowAPI struct {
	total int
	gen   atomic.Int64
}

func (a *rowAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	to := min(from+limit, a.total)
	gen := a.gen.Load()
	var b strings.Builder
	b.WriteString(`{"rows":[`)
	filler := strings.Repeat("x", 900)
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"row %d","body":"%s %d","n":%d}`, i, i, filler, gen, i)
	}
	b.WriteString(`],"next":`)
	if to < a.total {
		fmt.Fprintf(&b, `"%d"}`, to)
	} else {
		b.WriteString(`null}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(b.String()))
}

// BenchmarkSyncThroughput runs a sync end to end: a paginated loopback
// API, the rows mapped in JavaScript, saved into a store that fsyncs
// every batch. Next to it, in the same run, the same records written
// straight into the store (store/direct) and a plain bbolt insert loop
// (see store's BenchmarkBoltBaseline).
func BenchmarkSyncThroughput(b *testing.B) {
	const rows = 20_000
	api := &rowAPI{total: rows}
	up := httptest.NewServer(api)
	defer up.Close()
	st, err := store.Open(filepath.Join(b.TempDir(), "ferry.db"), store.Options{}) // fsync on: as in production
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h := newFnHarness(b, st)
	h.must(http.StatusOK, "POST", "/integrations", []byte(`{"unique_key":"demo","provider":"github-pat"}`), "Content-Type", "application/json")
	h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"conn-1","provider_config_key":"demo",
		"credentials":{"type":"API_KEY","apiKey":"tok-1"},"metadata":{"base_url":"`+up.URL+`"}}`), "Content-Type", "application/json")
	h.deploy("demo/syncs/rows")
	trigger := []byte(`{"syncs":["rows"],"provider_config_key":"demo","connection_id":"conn-1"}`)
	ctx := context.Background()

	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		api.gen.Add(1)
		h.must(http.StatusOK, "POST", "/sync/trigger", trigger)
		for {
			list, err := st.ListExecutions(ctx, store.ExecutionQuery{Function: "rows", Limit: 1})
			if err != nil {
				b.Fatal(err)
			}
			if len(list) == 1 && list[0].Status != store.ExecutionRunning && list[0].ID == uint64(i+1) {
				if list[0].Status != store.ExecutionSuccess {
					b.Fatalf("run failed: %+v", list[0].Error)
				}
				b.Logf("run %d: %v", i, list[0].EndedAt.Sub(list[0].StartedAt))
				if c := list[0].Records["Row"]; c.Added+c.Updated != rows {
					b.Fatalf("run wrote %+v, want %d rows", c, rows)
				}
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	b.ReportMetric(float64(rows*b.N)/time.Since(start).Seconds(), "records/s")
}
