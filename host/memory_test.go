package host_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/host"
)

// TestLongSyncMemoryStaysFlat pages 150 pages of 100 records of ~500 bytes
// (7.5 MB of records, several times that in guest allocations) and checks the guest's heap does not grow with them:
// the guest package yields after each host call, so Go's GC completes.
func TestLongSyncMemoryStaysFlat(t *testing.T) {
	const pages, perPage = 150, 100
	payload := strings.Repeat("p", 500)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cursor, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		items := make([]map[string]string, perPage)
		for i := range items {
			items[i] = map[string]string{"id": strconv.Itoa(cursor*perPage + i), "payload": payload}
		}
		body := map[string]any{"items": items}
		if cursor+1 < pages {
			body["next"] = strconv.Itoa(cursor + 1)
		}
		json.NewEncoder(w).Encode(body)
	}))
	defer api.Close()

	e := newEnv(t, host.Config{MemoryLimitPages: 2048})
	b := e.guest("longsync")
	n := e.nango(b, "conn-1", api.URL)
	if _, err := b.Run(context.Background(), host.Execution{Nango: n}); err != nil {
		t.Fatal(err)
	}
	logs := n.Report().Logs
	if len(logs) != pages {
		t.Fatalf("got %d page logs, want %d", len(logs), pages)
	}
	stat := func(page int, key string) float64 {
		return logs[page-1].Meta[key].(float64)
	}
	early, late := stat(30, "sys"), stat(pages, "sys")
	if late > early*1.25 {
		t.Errorf("guest memory grew from %.1f MiB at page 30 to %.1f MiB at page %d", early/(1<<20), late/(1<<20), pages)
	}
	if gcs := stat(pages, "numGC"); gcs < 5 {
		t.Errorf("guest GC completed %v times over %d pages; want it to keep up", gcs, pages)
	}
	if got := n.Report().Records["Item"].Added; got != pages*perPage {
		t.Errorf("saved %d records, want %d", got, pages*perPage)
	}
	t.Log(fmt.Sprintf("guest sys: %.1f MiB at page 30, %.1f MiB at page %d; %v GCs", early/(1<<20), late/(1<<20), pages, stat(pages, "numGC")))
}
