package host

// Stats is a snapshot of a Host's Wasm instances, for metrics.
type Stats struct {
	Bundles   int // bundles loaded and not closed
	Running   int // instances running an execution now
	Prewarmed int // fresh instances ready in the bundles' pools
}

// Stats reports the host's instances now. It is cheap (one lock, a
// channel length per bundle) and safe for concurrent use.
func (h *Host) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := Stats{Bundles: len(h.bundles), Running: int(h.running.Load())}
	for b := range h.bundles {
		st.Prewarmed += b.Prewarmed()
	}
	return st
}
