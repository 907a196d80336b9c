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
// every generation changes every row, so each run writes them all. It
// builds its pages cheaply: it shares the machine's two cores with the
// sync it feeds, and a real API's cost is network time, not ours.
type rowAPI struct {
	total int
	gen   atomic.Int64
}

// rowFiller makes a row about 1 KB.
var rowFiller = strings.Repeat("x", 900)

func (a *rowAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	from, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	to := min(from+limit, a.total)
	gen := a.gen.Load()
	b := make([]byte, 0, max(to-from, 0)*(len(rowFiller)+80)+32)
	b = append(b, `{"rows":[`...)
	for i := from; i < to; i++ {
		if i > from {
			b = append(b, ',')
		}
		// {"id":i,"name":"row i","body":"<filler> gen","n":i}
		b = strconv.AppendInt(append(b, `{"id":`...), int64(i), 10)
		b = strconv.AppendInt(append(b, `,"name":"row `...), int64(i), 10)
		b = append(append(append(b, `","body":"`...), rowFiller...), ' ')
		b = strconv.AppendInt(b, gen, 10)
		b = strconv.AppendInt(append(b, `","n":`...), int64(i), 10)
		b = append(b, '}')
	}
	b = append(b, `],"next":`...)
	if to < a.total {
		b = append(strconv.AppendInt(append(b, '"'), int64(to), 10), `"}`...)
	} else {
		b = append(b, `null}`...)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// BenchmarkSyncThroughput runs a sync end to end: a paginated loopback
// API, the rows mapped in JavaScript, saved into a store that fsyncs
// every batch. connections=2 runs the same sync for two connections at
// once, as ferry runs the syncs of different connections in parallel;
// records/s is their aggregate. Next to it, the store's own write path:
// store's BenchmarkSaveRecords (with its bolt-baseline, a plain bbolt
// insert loop).
func BenchmarkSyncThroughput(b *testing.B) {
	for _, conns := range []int{1, 2} {
		b.Run(fmt.Sprintf("connections=%d", conns), func(b *testing.B) { benchSyncThroughput(b, conns) })
	}
}

func benchSyncThroughput(b *testing.B, conns int) {
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
	connections := make([]string, conns)
	for c := range connections {
		connections[c] = fmt.Sprintf("conn-%d", c+1)
		h.must(http.StatusCreated, "POST", "/connections", []byte(`{"connection_id":"`+connections[c]+`","provider_config_key":"demo",
		"credentials":{"type":"API_KEY","apiKey":"tok-1"},"metadata":{"base_url":"`+up.URL+`"}}`), "Content-Type", "application/json")
	}
	h.deploy("demo/syncs/rows")
	ctx := context.Background()
	last := make([]uint64, conns) // each connection's newest execution

	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		api.gen.Add(1)
		for _, conn := range connections {
			h.must(http.StatusOK, "POST", "/sync/trigger", []byte(`{"syncs":["rows"],"provider_config_key":"demo","connection_id":"`+conn+`"}`))
		}
		for c, conn := range connections {
			run := waitRun(b, ctx, st, conn, last[c])
			last[c] = run.ID
			b.Logf("run %d, %s: %v", i, conn, run.EndedAt.Sub(run.StartedAt))
			if n := run.Records["Row"]; n.Added+n.Updated != rows {
				b.Fatalf("%s: run wrote %+v, want %d rows", conn, n, rows)
			}
		}
	}
	b.ReportMetric(float64(conns*rows*b.N)/time.Since(start).Seconds(), "records/s")
}

// waitRun waits for the first finished run of the rows sync of conn
// newer than execution after, and fails unless it succeeded.
func waitRun(b *testing.B, ctx context.Context, st *store.Store, conn string, after uint64) store.Execution {
	for {
		list, err := st.ListExecutions(ctx, store.ExecutionQuery{ConnectionID: conn, Function: "rows", Limit: 1})
		if err != nil {
			b.Fatal(err)
		}
		if len(list) == 1 && list[0].ID > after && list[0].Status != store.ExecutionRunning {
			if list[0].Status != store.ExecutionSuccess {
				b.Fatalf("%s: run failed: %+v", conn, list[0].Error)
			}
			return list[0]
		}
		// Polling costs CPU the syncs need: every 5 ms adds at most that
		// much to a run of about a second.
		time.Sleep(5 * time.Millisecond)
	}
}
