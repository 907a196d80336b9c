package host

import (
	"fmt"
	"time"
)

// Config configures a Host. The zero value is usable: every field has a
// default filled by New.
type Config struct {
	// CacheDir holds wazero's compiled code so that a restart does not
	// recompile bundles. Empty: compile in memory only.
	CacheDir string

	// MemoryLimitPages caps each execution's linear memory, in 64 KiB
	// pages. Default 4096 (256 MiB); at most 65536 (4 GiB).
	MemoryLimitPages uint32

	// Timeout is the deadline of an execution whose context has none and
	// whose Execution sets none. Default 15 minutes.
	Timeout time.Duration

	// Prewarm is how many fresh instances each bundle keeps ready.
	// Default 2; negative: none (every execution instantiates on demand).
	Prewarm int

	// DisableDeadline turns off the deadline checks inside guests
	// (wazero's CloseOnContextDone for native bundles, the JS engine's own
	// loop countdown for JS ones), so a guest stuck in a loop cannot be
	// stopped. It exists only to measure what the deadline costs; never
	// set it in production.
	DisableDeadline bool
}

const (
	defaultMemoryLimitPages = 4096
	maxMemoryLimitPages     = 65536
	defaultTimeout          = 15 * time.Minute
	defaultPrewarm          = 2
)

// withDefaults validates c and fills its defaults.
func (c Config) withDefaults() (Config, error) {
	if c.MemoryLimitPages == 0 {
		c.MemoryLimitPages = defaultMemoryLimitPages
	}
	if c.MemoryLimitPages > maxMemoryLimitPages {
		return c, fmt.Errorf("host config: memory limit of %d pages exceeds the 4 GiB maximum (%d pages)", c.MemoryLimitPages, maxMemoryLimitPages)
	}
	if c.Timeout < 0 {
		return c, fmt.Errorf("host config: timeout %s is negative", c.Timeout)
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	switch {
	case c.Prewarm == 0:
		c.Prewarm = defaultPrewarm
	case c.Prewarm < 0:
		c.Prewarm = 0
	}
	return c, nil
}
