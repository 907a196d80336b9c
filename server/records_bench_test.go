package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/store"
)

const (
	benchRecords  = 20000 // records of the model
	benchPageSize = store.MaxListLimit
)

// benchRecordJSON is a record of about 1 KB shaped like a typical API
// object (scalars, a nested object, an array, a longer text).
func benchRecordJSON(i int) json.RawMessage {
	head := fmt.Sprintf(`{"id":"issue-%09d","number":%d,"title":"Crash when the configuration file is missing","state":"open",`+
		`"locked":false,"comments":3,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-02-03T04:05:06Z",`+
		`"user":{"login":"octocat","id":583231,"type":"User","site_admin":false,"url":"https://api.github.com/users/octocat"},`+
		`"labels":[{"name":"bug","color":"d73a4a"},{"name":"p1","color":"b60205"}],"body":"`, i, i)
	pad := 1024 - len(head) - 2
	return json.RawMessage(head + strings.Repeat("lorem ipsum ", pad/12+1)[:pad] + `"}`)
}

// BenchmarkRecordsRead reads every record of a model of 20,000 1 KB
// records, 10,000 per page: through GET /records on loopback (the body
// read to its end, as a client receives it), and through store.ListRecords
// alone, the part of the request that is not HTTP nor JSON.
func BenchmarkRecordsRead(b *testing.B) {
	env := startRecordsServer(b)
	ctx := context.Background()
	for lo := 0; lo < benchRecords; lo += 1000 {
		batch := make([]json.RawMessage, 1000)
		for i := range batch {
			batch[i] = benchRecordJSON(lo + i)
		}
		if _, err := env.st.SaveRecords(ctx, demoModel("Item"), batch); err != nil {
			b.Fatal(err)
		}
	}

	b.Run("store.ListRecords", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q, n := store.ListQuery{Limit: benchPageSize}, 0
			for {
				page, err := env.st.ListRecords(ctx, demoModel("Item"), q)
				if err != nil {
					b.Fatal(err)
				}
				n += len(page.Records)
				if page.NextCursor == "" {
					break
				}
				q.Cursor = page.NextCursor
			}
			if n != benchRecords {
				b.Fatalf("listed %d records", n)
			}
		}
		b.ReportMetric(float64(b.N*benchRecords)/b.Elapsed().Seconds(), "records/s")
	})

	b.Run("GET /records", func(b *testing.B) {
		var body bytes.Buffer
		var bytesRead int64
		b.ReportAllocs()
		for b.Loop() {
			cursor, pages := "", 0
			for {
				body.Reset()
				getRecordsPage(b, env.url, cursor, &body)
				bytesRead += int64(body.Len())
				pages++
				if cursor = nextCursor(b, body.Bytes()); cursor == "" {
					break
				}
			}
			if pages != benchRecords/benchPageSize {
				b.Fatalf("read %d pages", pages)
			}
		}
		b.ReportMetric(float64(b.N*benchRecords)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(bytesRead)/1e6/b.Elapsed().Seconds(), "MB/s")
	})
}

// getRecordsPage reads one page of demo/conn-1's Item records into body.
func getRecordsPage(b *testing.B, base, cursor string, body *bytes.Buffer) {
	req, err := http.NewRequest("GET", fmt.Sprintf("%s/records?model=Item&limit=%d&cursor=%s", base, benchPageSize, cursor), nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+recordsTestKey)
	req.Header.Set("Connection-Id", "conn-1")
	req.Header.Set("Provider-Config-Key", "demo")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(body, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET /records: %d, %v: %.200s", resp.StatusCode, err, body.Bytes())
	}
}

// nextCursor reads next_cursor from the end of a page, where the API puts
// it, without decoding the records.
func nextCursor(b *testing.B, page []byte) string {
	const key = `"next_cursor":`
	i := bytes.LastIndex(page, []byte(key))
	if i < 0 {
		b.Fatalf("no next_cursor in %.200s", page)
	}
	v := bytes.TrimSuffix(page[i+len(key):], []byte("}"))
	if string(v) == "null" {
		return ""
	}
	var c string
	if err := json.Unmarshal(v, &c); err != nil {
		b.Fatalf("next_cursor %s: %v", v, err)
	}
	return c
}
