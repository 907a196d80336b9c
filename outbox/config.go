package outbox

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/ferryhq/ferry/store"
)

// Defaults of Config.
const (
	DefaultWorkers        = 4
	DefaultTimeout        = 10 * time.Second
	DefaultInitialBackoff = 5 * time.Second
	DefaultMaxBackoff     = time.Hour
	DefaultMaxAge         = 25 * time.Hour
	DefaultRetention      = 7 * 24 * time.Hour
	DefaultPruneInterval  = time.Hour
)

// Sealer encrypts the signing key at rest (vault.Keyring.Encoded is one).
// aad binds a sealed value to its place: an environment's key does not
// open as another's.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// Config configures an Outbox. Store and Sealer are required; every other
// field has a default.
type Config struct {
	Store  *store.Store
	Sealer Sealer
	// Client sends the webhooks. Default: a client with a Timeout of
	// 10 s that does not follow redirects. It is not the SSRF-guarded
	// client: destinations are configured by the operator.
	Client *http.Client
	// Now is the clock for attempt times and schedules; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger // default slog.Default()
	// Workers bounds the attempts in flight (default 4).
	Workers int
	// Timeout bounds one attempt (default 10 s).
	Timeout time.Duration
	// Lease is how long a claimed delivery is reserved for its attempt:
	// after it, an attempt whose result was not recorded is made again.
	// Default Timeout + 30 s; it must be longer than Timeout.
	Lease time.Duration
	// InitialBackoff is the wait after the first failed attempt; it
	// doubles after each failure up to MaxBackoff, and each wait is
	// jittered to between half of it and all of it. Defaults 5 s and 1 h.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// MaxAge is how long a delivery is retried, from its creation or its
	// last replay, before it is failed (default 25 h).
	MaxAge time.Duration
	// Retention is how long delivered and failed deliveries are kept
	// (default 7 days); Run prunes older ones every PruneInterval (default
	// 1 h).
	Retention     time.Duration
	PruneInterval time.Duration
}

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Store == nil:
		return c, errors.New("outbox: config needs a store")
	case c.Sealer == nil:
		return c, errors.New("outbox: config needs a sealer")
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Client == nil {
		c.Client = &http.Client{
			Timeout:       c.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	defaults := []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&c.Lease, c.Timeout + 30*time.Second},
		{&c.InitialBackoff, DefaultInitialBackoff},
		{&c.MaxBackoff, DefaultMaxBackoff},
		{&c.MaxAge, DefaultMaxAge},
		{&c.Retention, DefaultRetention},
		{&c.PruneInterval, DefaultPruneInterval},
	}
	for _, d := range defaults {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	switch {
	case c.Lease <= c.Timeout:
		return c, errors.New("outbox: Lease must be longer than Timeout")
	case c.MaxBackoff < c.InitialBackoff:
		return c, errors.New("outbox: MaxBackoff must not be shorter than InitialBackoff")
	}
	return c, nil
}
