package syncs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/schedule"
	"github.com/ferryhq/ferry/store"
)

// syncInfo is what the engine needs of a deployed sync's manifest.
type syncInfo struct {
	Name        string
	Integration string
	Frequency   string
	Every       time.Duration
	AutoStart   bool
	Models      []string // sorted
	// TrackDeletes is a full sync with trackDeletes: records unseen in a
	// successful run become DELETED.
	TrackDeletes bool
	SyncType     string // INCREMENTAL or FULL, as Nango's webhooks say
	// Subscriptions are the webhook event types the sync handles
	// (webhookSubscriptions; "*" = all).
	Subscriptions []string
}

// newSyncInfo reads a sync's manifest.
func newSyncInfo(m bundle.Manifest) (syncInfo, error) {
	every, err := schedule.ParseFrequency(m.Frequency)
	if err != nil {
		return syncInfo{}, fmt.Errorf("sync %s of %s: %w", m.Name, m.Integration, err)
	}
	info := syncInfo{
		Name: m.Name, Integration: m.Integration, Frequency: m.Frequency, Every: every,
		AutoStart: m.AutoStart == nil || *m.AutoStart, SyncType: "INCREMENTAL",
		Subscriptions: m.WebhookSubscriptions,
	}
	for model := range m.Models {
		info.Models = append(info.Models, model)
	}
	sort.Strings(info.Models)
	if m.SyncType == "full" {
		info.SyncType = "FULL"
		info.TrackDeletes = m.TrackDeletes
	}
	return info, nil
}

// infoOf reads a stored version's manifest.
func infoOf(v store.FunctionVersion) (syncInfo, error) {
	var m bundle.Manifest
	if err := json.Unmarshal(v.Manifest, &m); err != nil {
		return syncInfo{}, fmt.Errorf("function %s: manifest: %w", v.FunctionKey, err)
	}
	return newSyncInfo(m)
}

// deployedSyncs returns the deployed syncs of an integration ("" = all),
// by integration.
func (e *Engine) deployedSyncs(ctx context.Context, integration string) (map[string][]syncInfo, error) {
	list, err := e.cfg.Store.ListFunctions(ctx, e.cfg.Environment)
	if err != nil {
		return nil, err
	}
	out := map[string][]syncInfo{}
	for _, v := range list {
		if v.Type != string(bundle.TypeSync) || (integration != "" && v.Integration != integration) {
			continue
		}
		info, err := infoOf(v)
		if err != nil {
			e.log.Error("skip sync", "err", err)
			continue
		}
		out[v.Integration] = append(out[v.Integration], info)
	}
	return out, nil
}

// syncOf returns one deployed sync; ErrUnknownSync if it is not deployed.
func (e *Engine) syncOf(ctx context.Context, integration, name string) (syncInfo, error) {
	v, err := e.cfg.Store.Function(ctx, store.FunctionKey{Environment: e.cfg.Environment, Integration: integration, Name: name})
	if errors.Is(err, store.ErrNotFound) {
		return syncInfo{}, fmt.Errorf("sync %q is not deployed for integration %q: %w", name, integration, ErrUnknownSync)
	}
	if err != nil {
		return syncInfo{}, err
	}
	if v.Type != string(bundle.TypeSync) {
		return syncInfo{}, fmt.Errorf("function %q of integration %q is a %s, not a sync: %w", name, integration, v.Type, ErrUnknownSync)
	}
	return infoOf(v)
}

// every is how often a sync runs for one connection: its override, else
// the function's frequency.
func (sy syncInfo) every(st store.SyncState) time.Duration {
	if st.Frequency != "" {
		if d, err := schedule.ParseFrequency(st.Frequency); err == nil {
			return d
		}
	}
	return sy.Every
}

// frequency is the frequency text that applies to one connection.
func (sy syncInfo) frequency(st store.SyncState) string {
	if st.Frequency != "" {
		return st.Frequency
	}
	return sy.Frequency
}
