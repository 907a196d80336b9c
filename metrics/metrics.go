package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/store"
)

// Depths counts what waits in the webhook inbox and outbox; *store.Store
// is one.
type Depths interface {
	InboxCounts(ctx context.Context) (store.InboxCounts, error)
	OutboxCounts(ctx context.Context) (store.OutboxCounts, error)
}

// Instances reports the host's Wasm instances; *host.Host is one.
type Instances interface {
	Stats() host.Stats
}

// Config configures Metrics; every field is optional.
type Config struct {
	// Depths feeds the webhook inbox and outbox gauges, read on scrape;
	// nil: no such gauges.
	Depths Depths
	// Instances feeds the Wasm instance gauges, read on scrape; nil: no
	// such gauges.
	Instances Instances
	// NoRuntime leaves out the standard Go runtime and process collectors
	// (for tests that compare everything gathered).
	NoRuntime bool
	// Logger logs what fails during a scrape (default slog.Default()).
	Logger *slog.Logger
}

// Metrics is ferry's metrics and the registry that holds them. It is safe
// for concurrent use. A nil *Metrics records nothing, so that callers
// need not check whether metrics are on.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	executions *prometheus.CounterVec   // type, status
	durations  *prometheus.HistogramVec // type, status
	records    *prometheus.CounterVec   // action
	upstream   *prometheus.CounterVec   // source, integration, status
	refreshes  *prometheus.CounterVec   // result
}

// New registers ferry's metrics on a new registry.
func New(cfg Config) (*Metrics, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: cfg.Logger,
		executions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_executions_total",
			Help: "Function executions that ended, by type (sync, webhook, action) and status (success, failed).",
		}, []string{"type", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ferry_execution_duration_seconds",
			Help: "How long function executions ran, by type and status.",
			// 1 ms to ~70 minutes: actions take milliseconds, syncs hours.
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 12),
		}, []string{"type", "status"}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_records_written_total",
			Help: "Records that executions changed, by action (added, updated, deleted).",
		}, []string{"action"}),
		upstream: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_upstream_calls_total",
			Help: "Upstream HTTP calls, by source (proxy, function), integration and status class (2xx…5xx, or error when no answer came). A function's retries count once each.",
		}, []string{"source", "integration", "status"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ferry_token_refreshes_total",
			Help: "OAuth token refreshes, by result (success, failure).",
		}, []string{"result"}),
	}
	cs := []prometheus.Collector{m.executions, m.durations, m.records, m.upstream, m.refreshes}
	if cfg.Depths != nil || cfg.Instances != nil {
		cs = append(cs, &gauges{depths: cfg.Depths, instances: cfg.Instances})
	}
	if !cfg.NoRuntime {
		cs = append(cs, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: register: %w", err)
		}
	}
	return m, nil
}

// Gatherer returns the registry, for tests and for callers that expose it
// their own way.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// Handler serves the metrics in Prometheus' exposition formats. A
// collector that fails is logged and left out; the others are served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{m.log},
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// slogPrinter adapts a slog.Logger to promhttp's error log.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.log.Warn("metrics scrape", "err", errors.New(fmt.Sprint(v...)))
}
