// Package syncs runs syncs: once per (connection, sync), on the schedule
// the function's frequency sets, or when the API triggers them.
//
// An [Engine] keeps one schedule per active (connection, sync) in a
// [schedule.Scheduler], runs each sync on a fresh instance of its active
// deployed version with a nango object scoped to the connection, records
// every run as a store.Execution, keeps the sync's durable state
// (store.SyncState: paused, frequency override, last result) and, when a
// run changed records or failed, hands Nango's `sync` webhooks to the
// outbox.
//
// State that must survive a crash is in the store before it matters: a
// run is marked running in the sync's state before it starts, so a
// process killed mid-run finds it at the next start, records the run as
// interrupted and runs the sync again, resuming from its checkpoint.
package syncs
