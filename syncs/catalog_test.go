package syncs

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/schedule"
	"github.com/ferryhq/ferry/store"
)

func TestNewSyncInfo(t *testing.T) {
	no := false
	for _, tc := range []struct {
		name string
		m    bundle.Manifest
		want syncInfo
		err  error
	}{
		{"incremental, auto-started", bundle.Manifest{Name: "issues", Integration: "github", Frequency: "every 30m",
			Models: map[string]json.RawMessage{"Issue": nil, "Comment": nil}},
			syncInfo{Name: "issues", Integration: "github", Frequency: "every 30m", Every: 30 * time.Minute, AutoStart: true,
				Models: []string{"Comment", "Issue"}, SyncType: "INCREMENTAL"}, nil},
		{"full with trackDeletes, not auto-started", bundle.Manifest{Name: "users", Integration: "slack", Frequency: "every day",
			SyncType: "full", TrackDeletes: true, AutoStart: &no, Models: map[string]json.RawMessage{"User": nil}},
			syncInfo{Name: "users", Integration: "slack", Frequency: "every day", Every: 24 * time.Hour,
				Models: []string{"User"}, TrackDeletes: true, SyncType: "FULL"}, nil},
		{"trackDeletes needs a full sync", bundle.Manifest{Name: "u", Integration: "s", Frequency: "every hour", TrackDeletes: true,
			Models: map[string]json.RawMessage{"User": nil}},
			syncInfo{Name: "u", Integration: "s", Frequency: "every hour", Every: time.Hour, AutoStart: true,
				Models: []string{"User"}, SyncType: "INCREMENTAL"}, nil},
		{"frequency out of range", bundle.Manifest{Name: "x", Frequency: "every 5 seconds"}, syncInfo{}, schedule.ErrInvalidFrequency},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := newSyncInfo(tc.m)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFrequencyOverride(t *testing.T) {
	info := syncInfo{Frequency: "every hour", Every: time.Hour}
	if got := info.every(store.SyncState{Frequency: "every 5 minutes"}); got != 5*time.Minute {
		t.Fatalf("override: %v", got)
	}
	if got := info.every(store.SyncState{}); got != time.Hour || info.frequency(store.SyncState{}) != "every hour" {
		t.Fatalf("without override: %v", got)
	}
}

func TestRunError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want store.RunError
	}{
		{"before the function ran", &failure{Type: "auth_error", Message: "no token"}, store.RunError{Type: "auth_error", Message: "no token"}},
		{"timeout", &host.ExecError{Kind: host.KindTimeout, Message: "deadline"}, store.RunError{Type: "timeout", Message: "deadline"}},
		{"the function's own code", &host.ExecError{Kind: host.KindFunction, Message: "x", Function: &host.FunctionError{Code: "script_http_error", Message: "500"}},
			store.RunError{Type: "script_http_error", Message: "500"}},
		{"anything else", errors.New("disk full"), store.RunError{Type: "internal_error", Message: "disk full"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := runError(tc.err); *got != tc.want {
				t.Fatalf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestJobKeysAreDistinct(t *testing.T) {
	a := store.SyncKey{Connection: store.Connection{Environment: "dev", ProviderConfigKey: "a/b", ConnectionID: "c"}, Sync: "s"}
	b := store.SyncKey{Connection: store.Connection{Environment: "dev", ProviderConfigKey: "a", ConnectionID: "b/c"}, Sync: "s"}
	if jobKey(a) == jobKey(b) {
		t.Fatalf("two syncs share the job key %q", jobKey(a))
	}
}
