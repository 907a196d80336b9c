package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/ferryhq/ferry/store"
)

func ExampleStore_SaveRecords() {
	dir, err := os.MkdirTemp("", "ferry-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	clock := func() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }
	s, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{Now: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	key := store.ModelKey{
		Connection: store.Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "user-42"},
		Model:      "Issue",
	}
	res, err := s.SaveRecords(ctx, key, []json.RawMessage{
		json.RawMessage(`{"id": 1, "title": "Crash on start"}`),
		json.RawMessage(`{"id": 2, "title": "Typo"}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("added %d\n", res.Added)

	// Saving the same content again changes nothing; a new title is an update.
	res, err = s.SaveRecords(ctx, key, []json.RawMessage{
		json.RawMessage(`{"id": 1, "title": "Crash on start"}`),
		json.RawMessage(`{"id": 2, "title": "Typo in README"}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("updated %d, unchanged %d\n", res.Updated, res.Unchanged)

	page, err := s.ListRecords(ctx, key, store.ListQuery{Limit: 10})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range page.Records {
		out, _ := json.Marshal(r)
		fmt.Println(string(out))
	}
	// Output:
	// added 2
	// updated 1, unchanged 1
	// {"id":1,"title":"Crash on start","_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"AAAAAAAAAAE"}}
	// {"id":2,"title":"Typo in README","_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"UPDATED","deleted_at":null,"pruned_at":null,"cursor":"AAAAAAAAAAM"}}
}
