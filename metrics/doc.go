// Package metrics owns ferry's Prometheus metrics: a registry of its own
// (never the client library's global one), the counters and histograms the
// server and the sync engine update as executions, upstream calls and
// token refreshes end, and gauges read on scrape (webhook inbox and
// outbox depth, Wasm instances, the Go runtime and the process).
//
// Lower packages do not import Prometheus: the sync engine takes a
// syncs.Observer, which *Metrics implements; the server calls *Metrics
// directly. Every metric is prefixed "ferry_", except the standard go_*
// and process_* ones.
package metrics
