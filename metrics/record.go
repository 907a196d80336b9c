package metrics

import (
	"strconv"
	"time"

	"github.com/ferryhq/ferry/store"
)

// Sources of upstream calls.
const (
	SourceProxy    = "proxy"    // ALL /proxy/*
	SourceFunction = "function" // a function's nango calls
)

// statusClasses names a status by its class; index status/100.
var statusClasses = [...]string{"error", "1xx", "2xx", "3xx", "4xx", "5xx"}

// Execution records an execution that ended: kind is sync, webhook or
// action, status success or failed; records are its changes per model.
// It implements syncs.Observer.
func (m *Metrics) Execution(kind, status string, d time.Duration, records map[string]store.ModelCounts) {
	if m == nil {
		return
	}
	m.executions.WithLabelValues(kind, status).Inc()
	m.durations.WithLabelValues(kind, status).Observe(d.Seconds())
	var added, updated, deleted int
	for _, c := range records {
		added, updated, deleted = added+c.Added, updated+c.Updated, deleted+c.Deleted
	}
	for _, w := range [...]struct {
		action string
		n      int
	}{{"added", added}, {"updated", updated}, {"deleted", deleted}} {
		if w.n > 0 {
			m.records.WithLabelValues(w.action).Add(float64(w.n))
		}
	}
}

// UpstreamCall records one upstream HTTP attempt of an integration from
// source (SourceProxy or SourceFunction); status 0 is a call that got no
// answer. It implements syncs.Observer.
func (m *Metrics) UpstreamCall(source, integration string, status int) {
	if m == nil {
		return
	}
	m.upstream.WithLabelValues(source, integration, statusClass(status)).Inc()
}

// TokenRefresh records an OAuth token refresh that ended.
func (m *Metrics) TokenRefresh(ok bool) {
	if m == nil {
		return
	}
	result := "failure"
	if ok {
		result = "success"
	}
	m.refreshes.WithLabelValues(result).Inc()
}

// statusClass is "2xx" for 200 to 299 and so on; "error" for no answer,
// the status itself when out of range.
func statusClass(status int) string {
	if status >= 0 && status < 600 {
		return statusClasses[status/100]
	}
	return strconv.Itoa(status)
}
