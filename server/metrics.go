package server

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/metrics"
	"github.com/ferryhq/ferry/store"
)

// metricsRoute serves GET /metrics on r (the secret-key group, or the
// app itself with Config.PublicMetrics), when the server has metrics.
func (s *Server) metricsRoute(r fiber.Router) {
	if s.cfg.Metrics == nil {
		return
	}
	r.Get("/metrics", adaptor.HTTPHandler(s.cfg.Metrics.Handler()))
}

// observeAction records an action that ended: its status, duration, the
// records it changed and its upstream calls. err is the run's.
func (s *Server) observeAction(integration string, nango *hostfns.Nango, d time.Duration, err error) {
	m := s.cfg.Metrics
	if m == nil {
		return
	}
	status := store.ExecutionSuccess
	if err != nil {
		status = store.ExecutionFailed
	}
	report := nango.Report()
	counts := make(map[string]store.ModelCounts, len(report.Records))
	for model, r := range report.Records {
		counts[model] = store.ModelCounts{Added: r.Added, Updated: r.Updated, Deleted: r.Deleted}
	}
	m.Execution("action", status, d, counts)
	for _, c := range report.Calls {
		m.UpstreamCall(metrics.SourceFunction, integration, c.Status)
	}
}
