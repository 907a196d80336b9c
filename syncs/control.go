package syncs

import (
	"context"
	"errors"
	"fmt"

	"github.com/ferryhq/ferry/schedule"
	"github.com/ferryhq/ferry/store"
)

// Selection names syncs of one integration, for one connection or (with
// ConnectionID "") every connection of the integration.
type Selection struct {
	Integration  string
	ConnectionID string
	Syncs        []string // empty or "*": every deployed sync
}

// target is one selected sync of one connection.
type target struct {
	info syncInfo
	key  store.SyncKey
}

// resolve expands a selection into its syncs and connections. An unknown
// sync is ErrUnknownSync, an unknown connection store.ErrNotFound.
func (e *Engine) resolve(ctx context.Context, sel Selection) ([]target, error) {
	var infos []syncInfo
	if len(sel.Syncs) == 0 || (len(sel.Syncs) == 1 && sel.Syncs[0] == "*") {
		all, err := e.deployedSyncs(ctx, sel.Integration)
		if err != nil {
			return nil, err
		}
		infos = all[sel.Integration]
	} else {
		for _, name := range sel.Syncs {
			info, err := e.syncOf(ctx, sel.Integration, name)
			if err != nil {
				return nil, err
			}
			infos = append(infos, info)
		}
	}
	var conns []store.Connection
	if sel.ConnectionID != "" {
		c := store.Connection{Environment: e.cfg.Environment, ProviderConfigKey: sel.Integration, ConnectionID: sel.ConnectionID}
		if _, err := e.cfg.Store.GetConnection(ctx, c); err != nil {
			return nil, err
		}
		conns = append(conns, c)
	} else {
		list, err := e.cfg.Store.ListConnections(ctx, store.ConnectionQuery{Environment: e.cfg.Environment, ProviderConfigKey: sel.Integration})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			conns = append(conns, c.Connection)
		}
	}
	out := make([]target, 0, len(infos)*len(conns))
	for _, c := range conns {
		for _, info := range infos {
			out = append(out, target{info: info, key: store.SyncKey{Connection: c, Sync: info.Name}})
		}
	}
	return out, nil
}

// Trigger runs the selected syncs now (a sync already running runs once
// more after). A paused sync runs too, and stays paused.
func (e *Engine) Trigger(ctx context.Context, sel Selection, opts TriggerOptions) error {
	targets, err := e.resolve(ctx, sel)
	if err != nil {
		return err
	}
	if e.isStopped() {
		return ErrStopped
	}
	for _, t := range targets {
		e.start(t.key, TriggerManual, opts)
	}
	return nil
}

// Pause stops the selected syncs' schedules; a run in flight finishes.
func (e *Engine) Pause(ctx context.Context, sel Selection) error {
	targets, err := e.resolve(ctx, sel)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if _, err := e.cfg.Store.UpdateSyncState(ctx, t.key, func(st *store.SyncState) error { st.Paused = true; return nil }); err != nil {
			return err
		}
		e.unplan(t.key)
	}
	return nil
}

// Resume (Nango's /sync/start) schedules the selected syncs again; one
// that never ran runs now.
func (e *Engine) Resume(ctx context.Context, sel Selection) error {
	targets, err := e.resolve(ctx, sel)
	if err != nil {
		return err
	}
	for _, t := range targets {
		st, err := e.cfg.Store.UpdateSyncState(ctx, t.key, func(st *store.SyncState) error { st.Paused = false; return nil })
		if err != nil {
			return err
		}
		if err := e.activate(t.info, st); err != nil {
			return err
		}
	}
	return nil
}

// activate schedules an unpaused sync and runs it now if it never ran.
func (e *Engine) activate(info syncInfo, st store.SyncState) error {
	if err := e.plan(info, st); err != nil {
		return fmt.Errorf("schedule sync %s: %w", st.Key, err)
	}
	if st.LastStartedAt.IsZero() {
		e.start(st.Key, TriggerInitial, TriggerOptions{})
	}
	return nil
}

// SetFrequency overrides how often one sync runs for one connection;
// frequency "" goes back to the function's. It returns the frequency now
// in force. A frequency out of range wraps schedule.ErrInvalidFrequency.
func (e *Engine) SetFrequency(ctx context.Context, key store.SyncKey, frequency string) (string, error) {
	info, err := e.syncOf(ctx, key.ProviderConfigKey, key.Sync)
	if err != nil {
		return "", err
	}
	if _, err := e.cfg.Store.GetConnection(ctx, key.Connection); err != nil {
		return "", err
	}
	if frequency != "" {
		if _, err := schedule.ParseFrequency(frequency); err != nil {
			return "", err
		}
	}
	st, err := e.cfg.Store.UpdateSyncState(ctx, key, func(st *store.SyncState) error { st.Frequency = frequency; return nil })
	if err != nil {
		return "", err
	}
	if !st.Paused {
		if err := e.plan(info, st); err != nil {
			return "", err
		}
	}
	return info.frequency(st), nil
}

// Deployed plans a sync that was just deployed (or redeployed) for every
// connection of its integration: connections that never had it start it
// if it auto-starts; the others keep their state and pick up the new
// frequency. The new version runs from the next run on.
func (e *Engine) Deployed(ctx context.Context, v store.FunctionVersion) error {
	info, err := infoOf(v)
	if err != nil {
		return err
	}
	conns, err := e.cfg.Store.ListConnections(ctx, store.ConnectionQuery{Environment: e.cfg.Environment, ProviderConfigKey: v.Integration})
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range conns {
		errs = append(errs, e.added(ctx, info, c.Connection))
	}
	return errors.Join(errs...)
}

// Removed drops the schedules of a sync that is no longer deployed; the
// states stay, for a later deploy of the same sync.
func (e *Engine) Removed(ctx context.Context, key store.FunctionKey) error {
	conns, err := e.cfg.Store.ListConnections(ctx, store.ConnectionQuery{Environment: key.Environment, ProviderConfigKey: key.Integration})
	if err != nil {
		return err
	}
	for _, c := range conns {
		e.unplan(store.SyncKey{Connection: c.Connection, Sync: key.Name})
	}
	return nil
}

// ConnectionCreated starts the auto-starting syncs of a new connection.
func (e *Engine) ConnectionCreated(ctx context.Context, conn store.Connection) error {
	all, err := e.deployedSyncs(ctx, conn.ProviderConfigKey)
	if err != nil {
		return err
	}
	var errs []error
	for _, info := range all[conn.ProviderConfigKey] {
		errs = append(errs, e.added(ctx, info, conn))
	}
	return errors.Join(errs...)
}

// ConnectionDeleted drops the schedules of a deleted connection.
func (e *Engine) ConnectionDeleted(ctx context.Context, conn store.Connection) error {
	all, err := e.deployedSyncs(ctx, conn.ProviderConfigKey)
	if err != nil {
		return err
	}
	for _, info := range all[conn.ProviderConfigKey] {
		e.unplan(store.SyncKey{Connection: conn, Sync: info.Name})
	}
	return nil
}

// added plans a sync that a connection gained (by a deploy or by being
// created).
func (e *Engine) added(ctx context.Context, info syncInfo, conn store.Connection) error {
	key := store.SyncKey{Connection: conn, Sync: info.Name}
	st, err := e.cfg.Store.SyncState(ctx, key) // a read: a deploy to many connections writes nothing for them
	if err != nil {
		return err
	}
	if st.LastStartedAt.IsZero() && st.LastExecution == 0 && !info.AutoStart && !st.Paused {
		// Never run and not to start by itself: paused until /sync/start.
		if st, err = e.cfg.Store.UpdateSyncState(ctx, key, func(st *store.SyncState) error { st.Paused = true; return nil }); err != nil {
			return err
		}
	}
	if st.Paused {
		return nil
	}
	return e.activate(info, st)
}

func (e *Engine) isStopped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopped
}
