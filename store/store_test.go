package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	testConn = Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "conn-1"}
	testKey  = ModelKey{Connection: testConn, Model: "Issue"}
)

// openTestStore opens a store in a fresh temporary directory.
func openTestStore(t testing.TB) (*Store, *fakeClock, string) {
	t.Helper()
	clock := newFakeClock()
	path := filepath.Join(t.TempDir(), "ferry.db")
	s, err := Open(path, Options{Now: clock.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, clock, path
}

// raws turns JSON texts into a batch.
func raws(texts ...string) []json.RawMessage {
	out := make([]json.RawMessage, len(texts))
	for i, s := range texts {
		out[i] = json.RawMessage(s)
	}
	return out
}

func mustSave(t testing.TB, s *Store, key ModelKey, texts ...string) BatchResult {
	t.Helper()
	res, err := s.SaveRecords(context.Background(), key, raws(texts...))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// dump renders every bucket, key, value and bucket sequence of the file, to
// prove that a failed call changed nothing.
func dump(t testing.TB, s *Store) string {
	t.Helper()
	var buf bytes.Buffer
	var walk func(b *bolt.Bucket, depth int)
	walk = func(b *bolt.Bucket, depth int) {
		fmt.Fprintf(&buf, "%*sseq=%d\n", depth, "", b.Sequence())
		_ = b.ForEach(func(k, v []byte) error {
			if v == nil {
				fmt.Fprintf(&buf, "%*s%q/\n", depth, "", k)
				walk(b.Bucket(k), depth+1)
				return nil
			}
			fmt.Fprintf(&buf, "%*s%q=%x\n", depth, "", k, v)
			return nil
		})
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			fmt.Fprintf(&buf, "%q/\n", name)
			walk(b, 1)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestOpenCreatesFileAndBuckets(t *testing.T) {
	s, _, path := openTestStore(t)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %v, want 0600", mode)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, name := range topBuckets {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenLockedFileTimesOut(t *testing.T) {
	_, _, path := openTestStore(t)
	start := time.Now()
	_, err := Open(path, Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, bolt.ErrTimeout) {
		t.Fatalf("second Open: err = %v, want timeout", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("Open waited %v", time.Since(start))
	}
}

func TestOpenBadPath(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing", "dir", "ferry.db"), Options{})
	if err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

func TestCanceledContextWritesNothing(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := dump(t, s)
	if _, err := s.SaveRecords(ctx, testKey, raws(`{"id":"a"}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveRecords: err = %v, want context.Canceled", err)
	}
	if err := s.SaveCheckpoint(ctx, CheckpointKey{testConn, "sync"}, json.RawMessage(`{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveCheckpoint: err = %v, want context.Canceled", err)
	}
	if _, err := s.ListRecords(ctx, testKey, ListQuery{}); !errors.Is(err, context.Canceled) {
		t.Errorf("ListRecords: err = %v, want context.Canceled", err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("store changed:\n%s\nwant\n%s", after, before)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	s, clock, path := openTestStore(t)
	ctx := context.Background()
	mustSave(t, s, testKey, `{"id":"a","n":1}`, `{"id":"b","n":2}`)
	if _, err := s.DeleteRecords(ctx, testKey, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMetadata(ctx, testConn, map[string]any{"team": "x"}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if after := dump(t, s2); after != before {
		t.Errorf("after reopen:\n%s\nwant\n%s", after, before)
	}
	// The cursor sequence continues where it stopped.
	mustSave(t, s2, testKey, `{"id":"c"}`)
	got, err := s2.GetRecords(ctx, testKey, []string{"c"})
	if err != nil {
		t.Fatal(err)
	}
	if want := encodeCursor(4); got["c"].Meta.Cursor != want {
		t.Errorf("cursor after reopen = %q, want %q", got["c"].Meta.Cursor, want)
	}
}
