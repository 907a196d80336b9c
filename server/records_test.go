package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/server"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

const recordsTestKey = "ferry_sk_records_test"

// recordsEnv is a server on loopback with the integration "demo" and its
// connection "conn-1"; tests save records straight into its store, as a
// sync would.
type recordsEnv struct {
	url   string
	st    *store.Store
	clock *testClock
}

// testClock is a settable clock for store.Options.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

var recordsT0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func startRecordsServer(t testing.TB) *recordsEnv {
	t.Helper()
	dir := t.TempDir()
	keyring, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: recordsT0}
	st, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{Now: clock.now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	env := &recordsEnv{st: st, clock: clock}
	env.url = serveOnLoopback(t, server.Config{
		Store: st, Sealer: keyring.Encoded(), Providers: providers.Builtin(),
		Authorize: func(k string) bool { return k == recordsTestKey },
		Logger:    slog.New(slog.DiscardHandler),
	})
	for _, c := range []struct{ path, body string }{
		{"/integrations", `{"unique_key":"demo","provider":"github-pat"}`},
		{"/connections", `{"provider_config_key":"demo","connection_id":"conn-1","credentials":{"type":"API_KEY","apiKey":"k"}}`},
	} {
		if status, body := env.call(t, "POST", c.path, c.body, "Content-Type", "application/json"); status >= 300 {
			t.Fatalf("POST %s: %d %s", c.path, status, body)
		}
	}
	return env
}

// demoModel is the store key of a model of demo/conn-1.
func demoModel(model string) store.ModelKey {
	return store.ModelKey{Connection: store.Connection{Environment: "dev", ProviderConfigKey: "demo", ConnectionID: "conn-1"}, Model: model}
}

// call sends a request with the secret key (unless header sets
// Authorization to ""); header is name, value pairs.
func (env *recordsEnv) call(t testing.TB, method, path, body string, header ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, env.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+recordsTestKey)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if req.Header.Get("Authorization") == "" {
		req.Header.Del("Authorization")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// demoHeaders name demo/conn-1.
var demoHeaders = []string{"Connection-Id", "conn-1", "Provider-Config-Key", "demo"}

// apiRecord is a record as GET /records answers it.
type apiRecord struct {
	ID       any  `json:"id"`
	N        *int `json:"n"`
	Metadata struct {
		FirstSeenAt    string  `json:"first_seen_at"`
		LastModifiedAt string  `json:"last_modified_at"`
		LastAction     string  `json:"last_action"`
		DeletedAt      *string `json:"deleted_at"`
		PrunedAt       *string `json:"pruned_at"`
		Cursor         string  `json:"cursor"`
	} `json:"_nango_metadata"`
}

type apiPage struct {
	Records    []apiRecord `json:"records"`
	NextCursor *string     `json:"next_cursor"`
}

// list is GET /records?query for demo/conn-1; it fails the test unless
// the answer is 200.
func (env *recordsEnv) list(t testing.TB, query string) apiPage {
	t.Helper()
	status, body := env.call(t, "GET", "/records?"+query, "", demoHeaders...)
	if status != http.StatusOK {
		t.Fatalf("GET /records?%s: %d %s", query, status, body)
	}
	var page apiPage
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("GET /records?%s: %v: %s", query, err, body)
	}
	return page
}

// save saves records of model for demo/conn-1 at the clock's time.
func (env *recordsEnv) save(t testing.TB, model string, records ...string) {
	t.Helper()
	batch := make([]json.RawMessage, len(records))
	for i, r := range records {
		batch[i] = json.RawMessage(r)
	}
	if _, err := env.st.SaveRecords(context.Background(), demoModel(model), batch); err != nil {
		t.Fatal(err)
	}
}

func ids(page apiPage) []string {
	out := make([]string, len(page.Records))
	for i, r := range page.Records {
		out[i] = fmt.Sprint(r.ID)
	}
	return out
}

func TestRecordsPaging(t *testing.T) {
	env := startRecordsServer(t)
	const total = 2500
	recs := make([]string, total)
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"id":%d,"n":0}`, i)
	}
	env.save(t, "Item", recs...)
	// 300 records change: they move to the end of the change order.
	env.save(t, "Item", slices.Collect(func(yield func(string) bool) {
		for i := 0; i < 900; i += 3 {
			yield(fmt.Sprintf(`{"id":%d,"n":1}`, i))
		}
	})...)

	// The expected order of changes: the unchanged records, then the
	// changed ones in the order they changed.
	var want []string
	for i := range total {
		if i%3 != 0 || i >= 900 {
			want = append(want, fmt.Sprint(i))
		}
	}
	for i := 0; i < 900; i += 3 {
		want = append(want, fmt.Sprint(i))
	}

	var got, actions, sizes []string
	var lastCursor string
	for query := "model=Item&limit=1000"; ; {
		page := env.list(t, query)
		sizes = append(sizes, fmt.Sprint(len(page.Records)))
		for _, r := range page.Records {
			got = append(got, fmt.Sprint(r.ID))
			actions = append(actions, r.Metadata.LastAction)
			lastCursor = r.Metadata.Cursor
		}
		if page.NextCursor == nil {
			break
		}
		if *page.NextCursor != lastCursor {
			t.Fatalf("next_cursor %q is not the cursor of the page's last record %q", *page.NextCursor, lastCursor)
		}
		query = "model=Item&limit=1000&cursor=" + *page.NextCursor
	}
	if !slices.Equal(sizes, []string{"1000", "1000", "500"}) {
		t.Fatalf("page sizes %v", sizes)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("records out of order or repeated: %d returned, first difference at %d", len(got), firstDiff(got, want))
	}
	for i, a := range actions {
		if want := map[bool]string{true: "UPDATED", false: "ADDED"}[i >= total-300]; a != want {
			t.Fatalf("record %s: last_action %s, want %s", got[i], a, want)
		}
	}
	if page := env.list(t, "model=Item&cursor="+lastCursor); len(page.Records) != 0 || page.NextCursor != nil {
		t.Fatalf("after the last cursor: %d records, next %v", len(page.Records), page.NextCursor)
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestRecordsQuery(t *testing.T) {
	env := startRecordsServer(t)
	env.save(t, "Item", `{"id":"a","n":1}`, `{"id":"b","n":1}`, `{"id":"c","n":1}`)
	env.clock.set(recordsT0.Add(time.Hour))
	env.save(t, "Item", `{"id":"b","n":2}`)
	if _, err := env.st.DeleteRecords(context.Background(), demoModel("Item"), []string{"c"}); err != nil {
		t.Fatal(err)
	}
	env.save(t, "Item::v2", `{"id":"x","n":1}`)

	tests := []struct {
		query string
		want  []string
		more  bool
	}{
		{"model=Item", []string{"a", "b", "c"}, false},
		{"model=Item&limit=2", []string{"a", "b"}, true},
		{"model=Item&filter=added", []string{"a"}, false},
		{"model=Item&filter=UPDATED,deleted", []string{"b", "c"}, false},
		{"model=Item&filter=Added,%20Updated", []string{"a", "b"}, false},
		{"model=Item&modified_after=2025-03-01T13:00:00Z", []string{"b", "c"}, false},
		{"model=Item&modified_after=2025-03-01T12:59:59.999Z", []string{"b", "c"}, false},
		{"model=Item&modified_after=2025-03-01T14:00:00+01:00", []string{"b", "c"}, false}, // "+" not escaped
		{"model=Item&modified_after=2025-03-01T14:00:00%2B01:00", []string{"b", "c"}, false},
		{"model=Item&modified_after=2025-03-01", []string{"a", "b", "c"}, false},
		{"model=Item&modified_after=2025-03-02", []string{}, false},
		{"model=Item&modified_after=2025-03-01T13:00:00Z&filter=deleted", []string{"c"}, false},
		{"model=Item&ids=c&ids=a", []string{"a", "c"}, false},
		{"model=Item&ids=c,a", []string{"a", "c"}, false},
		{"model=Item&ids=c&ids=b,zzz", []string{"b", "c"}, false},
		{"model=Item&ids=a,b,c&limit=1", []string{"a"}, true},
		{"model=Item&variant=base", []string{"a", "b", "c"}, false},
		{"model=Item&variant=v2", []string{"x"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			page := env.list(t, tc.query)
			if got := ids(page); !slices.Equal(got, tc.want) || (page.NextCursor != nil) != tc.more {
				t.Fatalf("ids %v, next %v; want %v, more %v", got, page.NextCursor, tc.want, tc.more)
			}
		})
	}

	// The whole shape of a record, as Nango renders it.
	_, body := env.call(t, "GET", "/records?model=Item&ids=c", "", demoHeaders...)
	want := `{"records":[{"id":"c","n":1,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T13:00:00Z",` +
		`"last_action":"DELETED","deleted_at":"2025-03-01T13:00:00Z","pruned_at":null,"cursor":"AAAAAAAAAAU"}}],"next_cursor":null}`
	if string(body) != want {
		t.Fatalf("body\n got %s\nwant %s", body, want)
	}
}

// deploySync stores a deployed sync of demo declaring models, as a deploy
// would (no host is needed to read records).
func (env *recordsEnv) deploySync(t testing.TB, name string, models ...string) {
	t.Helper()
	m := map[string]any{}
	for _, model := range models {
		m[model] = map[string]any{"type": "object"}
	}
	manifest, _ := json.Marshal(map[string]any{"name": name, "type": "sync", "integration": "demo", "models": m})
	v := store.FunctionVersion{FunctionKey: store.FunctionKey{Environment: "dev", Integration: "demo", Name: name}, Type: "sync", Manifest: manifest}
	if _, err := env.st.DeployFunction(context.Background(), v, []byte("\x00asm")); err != nil {
		t.Fatal(err)
	}
}

// apiError is an error answer's body.
type apiError struct {
	Error struct{ Code, Message string } `json:"error"`
}

func TestRecordsBadInput(t *testing.T) {
	env := startRecordsServer(t)
	env.save(t, "Item", `{"id":"a"}`)
	env.deploySync(t, "tickets", "Ticket")
	tests := []struct {
		name, query string
		header      []string
		status      int
		code, msg   string
	}{
		{"no secret key", "model=Item", []string{"Authorization", "", "Connection-Id", "conn-1", "Provider-Config-Key", "demo"}, 401, "missing_auth_header", "Authorization: Bearer"},
		{"no headers", "model=Item", nil, 400, "invalid_request", "the Connection-Id and Provider-Config-Key headers are required"},
		{"no connection id", "model=Item", []string{"Provider-Config-Key", "demo"}, 400, "invalid_request", "the Connection-Id header is required"},
		{"no provider config key", "model=Item", []string{"Connection-Id", "conn-1"}, 400, "invalid_request", "the Provider-Config-Key header is required"},
		{"no model", "limit=5", demoHeaders, 400, "invalid_request", "the model query parameter is required"},
		{"limit zero", "model=Item&limit=0", demoHeaders, 400, "invalid_request", `limit "0": want a whole number from 1 to 10000`},
		{"limit too large", "model=Item&limit=10001", demoHeaders, 400, "invalid_request", `limit "10001"`},
		{"limit not a number", "model=Item&limit=ten", demoHeaders, 400, "invalid_request", `limit "ten"`},
		{"bad modified_after", "model=Item&modified_after=yesterday", demoHeaders, 400, "invalid_request", `modified_after "yesterday": want an RFC 3339 time`},
		{"bad filter", "model=Item&filter=added,created", demoHeaders, 400, "invalid_request", `unknown action "created"`},
		{"empty filter", "model=Item&filter=,", demoHeaders, 400, "invalid_request", `filter ",": want added, updated or deleted`},
		{"malformed cursor", "model=Item&cursor=bogus", demoHeaders, 400, "invalid_cursor", `malformed cursor "bogus"`},
		{"unknown connection", "model=Item", []string{"Connection-Id", "nobody", "Provider-Config-Key", "demo"}, 404, "unknown_connection", `no connection "nobody" for integration "demo"`},
		{"unknown integration", "model=Item", []string{"Connection-Id", "conn-1", "Provider-Config-Key", "other"}, 404, "unknown_connection", `integration "other"`},
		{"unknown model", "model=Itme", demoHeaders, 404, "unknown_model", `model "Itme" is not declared by any deployed sync of integration "demo"`},
		{"unknown variant", "model=Item&variant=v9", demoHeaders, 404, "unknown_model", `model "Item" is not declared by any deployed sync of integration "demo", and its variant "v9" has no records`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := env.call(t, "GET", "/records?"+tc.query, "", tc.header...)
			var e apiError
			if err := json.Unmarshal(body, &e); err != nil || status != tc.status || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.msg) {
				t.Fatalf("%d %s; want %d %s containing %q", status, body, tc.status, tc.code, tc.msg)
			}
		})
	}

	// A declared model without records yet is an empty page, not an error.
	if page := env.list(t, "model=Ticket"); len(page.Records) != 0 || page.NextCursor != nil {
		t.Fatalf("declared model: %+v", page)
	}
}
