package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// scrapeTimeout bounds the store reads of one scrape.
const scrapeTimeout = 10 * time.Second

var (
	inboxDesc = prometheus.NewDesc("ferry_webhook_inbox",
		"Received webhooks not handled, by status (pending, parked, unattributed).", []string{"status"}, nil)
	outboxDesc = prometheus.NewDesc("ferry_webhook_outbox",
		"Webhook deliveries not delivered, by status (pending, failed).", []string{"status"}, nil)
	instancesDesc = prometheus.NewDesc("ferry_wasm_instances",
		"Wasm instances, by state (running: in an execution; prewarmed: fresh, ready in a pool).", []string{"state"}, nil)
	bundlesDesc = prometheus.NewDesc("ferry_wasm_bundles",
		"Function bundles loaded in the host.", nil, nil)
)

// gauges reads the depth and instance gauges when scraped. It is safe for
// concurrent use.
type gauges struct {
	depths    Depths    // nil: no depth gauges
	instances Instances // nil: no instance gauges
}

// Describe implements prometheus.Collector.
func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	if g.depths != nil {
		ch <- inboxDesc
		ch <- outboxDesc
	}
	if g.instances != nil {
		ch <- instancesDesc
		ch <- bundlesDesc
	}
}

// Collect implements prometheus.Collector; a failed read is reported as
// an invalid metric (logged by the handler; the other metrics are served).
func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	if g.depths != nil {
		ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
		defer cancel()
		g.collectDepths(ctx, ch)
	}
	if g.instances != nil {
		st := g.instances.Stats()
		ch <- prometheus.MustNewConstMetric(instancesDesc, prometheus.GaugeValue, float64(st.Running), "running")
		ch <- prometheus.MustNewConstMetric(instancesDesc, prometheus.GaugeValue, float64(st.Prewarmed), "prewarmed")
		ch <- prometheus.MustNewConstMetric(bundlesDesc, prometheus.GaugeValue, float64(st.Bundles))
	}
}

func (g *gauges) collectDepths(ctx context.Context, ch chan<- prometheus.Metric) {
	if in, err := g.depths.InboxCounts(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(inboxDesc, err)
	} else {
		ch <- prometheus.MustNewConstMetric(inboxDesc, prometheus.GaugeValue, float64(in.Pending), "pending")
		ch <- prometheus.MustNewConstMetric(inboxDesc, prometheus.GaugeValue, float64(in.Parked), "parked")
		ch <- prometheus.MustNewConstMetric(inboxDesc, prometheus.GaugeValue, float64(in.Unattributed), "unattributed")
	}
	if out, err := g.depths.OutboxCounts(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDesc, err)
	} else {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(out.Pending), "pending")
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(out.Failed), "failed")
	}
}
