package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/metrics"
	"github.com/ferryhq/ferry/netguard"
	"github.com/ferryhq/ferry/oplog"
	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/syncs"
	"github.com/ferryhq/ferry/tracing"
	"github.com/ferryhq/ferry/webhooks"
)

// Sealer encrypts values at rest. aad binds a sealed value to its place:
// a value sealed for one connection does not open as another's.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// Config configures a Server; every field without a default is required.
type Config struct {
	Store     *store.Store
	Sealer    Sealer
	Providers *providers.Catalog
	// Authorize reports whether a presented secret key is the server's.
	Authorize func(key string) bool
	// Environment is the one environment this server serves (default "dev").
	Environment string
	// BodyLimit caps request bodies (default 8 MiB), except the proxy's,
	// which are streamed to the upstream whatever their size.
	BodyLimit int
	// AllowPrivateNetworks lets outgoing calls (proxy, functions, OAuth)
	// reach loopback and private addresses; cloud metadata endpoints stay
	// refused. For local development and tests only.
	AllowPrivateNetworks bool
	// OAuth configures the OAuth2 connect flow and token refreshes.
	OAuth  OAuthConfig
	Logger *slog.Logger // default: slog.Default()
	// Host runs deployed functions; nil: the function and action routes
	// answer 503. A deploy holds a bundle of up to MaxBundleSize bytes, so
	// BodyLimit must be at least that for large bundles.
	Host *host.Host
	// ActionTimeout bounds one action's run (default 15 minutes, Nango's).
	ActionTimeout time.Duration
	// Syncs tunes the sync engine; the zero value is production's.
	Syncs SyncOptions
	// DisableOperationsLog stops recording proxy calls, actions and auth
	// events in the operations log (GET /logs/operations). For benchmarks
	// measuring what the log costs.
	DisableOperationsLog bool
	// Outbox delivers the webhooks the server produces (sync results, auth
	// events); nil: none are sent and the webhook routes (webhooks.go)
	// answer 503.
	Outbox *outbox.Outbox
	// Inbox tunes the webhook receiver (POST /webhook/:environment/
	// :integration, webhooksin.go) and wakes the inbox's dispatcher.
	Inbox InboxOptions
	// Metrics records executions, upstream calls and token refreshes and
	// is served at GET /metrics (metrics.go); nil: nothing is recorded and
	// /metrics is not served.
	Metrics *metrics.Metrics
	// PublicMetrics serves GET /metrics without the secret key, for a
	// scraper on a trusted network.
	PublicMetrics bool
	// Tracer exports every operation the log records (proxy calls,
	// actions, auth events, sync runs, webhook handlers) as OpenTelemetry
	// traces; nil: none are. The caller shuts it down after the server.
	Tracer *tracing.Exporter
}

// SyncOptions tunes how the server runs syncs.
type SyncOptions struct {
	// MaxConcurrentRuns bounds the syncs running at once (default 4 per CPU).
	MaxConcurrentRuns int
	// RunTimeout bounds one sync run (default 24 hours, Nango's).
	RunTimeout time.Duration
	// CatchUpWindow spreads the runs missed while the server was down over
	// the first moments after Start (default 10 s).
	CatchUpWindow time.Duration
	// WebhookAttempts is how many times a failing webhook handler runs
	// before its event is parked (default 8), WebhookBackoff the wait
	// after its first failure, doubling (default 1 s).
	WebhookAttempts int
	WebhookBackoff  time.Duration
	// LogRetention is how long the operations log keeps finished
	// operations (default 15 days); older ones are pruned hourly.
	LogRetention time.Duration
}

// Server is ferry's HTTP API. It is safe for concurrent use.
type Server struct {
	cfg  Config
	app  *fiber.App
	log  *slog.Logger
	http *hostfns.HTTP // every outgoing call, behind the network policy
	// client is the guarded HTTP client under http, for calls that are not
	// the nango object's (the proxy's streams, OAuth token requests).
	client *http.Client
	// providers caches the catalog's providers as hostfns takes them
	// (name → hostfns.Provider).
	providers sync.Map
	functions *functionSet  // deployed functions (functions.go)
	oauth     *oauthFlows   // OAuth2 flows and refreshes (oauth.go, refresh.go)
	syncs     *syncs.Engine // schedules and runs syncs; nil without a host (syncs.go)
	// dispatcher handles received webhooks; nil without a host
	// (webhookdispatch.go). stopDispatch stops it (set by Start).
	dispatcher   *webhooks.Dispatcher
	stopDispatch func()
	// ops records proxy calls, actions and auth events in the operations
	// log (oplog.go); nil when disabled. stopOps flushes it.
	ops     *oplog.Recorder
	stopOps func()
	// sessions are the dashboard's signed-in browsers (ui.go).
	sessions *session.Store
}

// New validates cfg and builds the server's routes.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("server: config needs a store")
	case cfg.Sealer == nil:
		return nil, errors.New("server: config needs a sealer")
	case cfg.Providers == nil:
		return nil, errors.New("server: config needs a providers catalog")
	case cfg.Authorize == nil:
		return nil, errors.New("server: config needs Authorize")
	}
	if cfg.Environment == "" {
		cfg.Environment = "dev"
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 8 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.OAuth.Notifier == nil && cfg.Outbox != nil {
		cfg.OAuth.Notifier = outboxAuth{ob: cfg.Outbox, log: cfg.Logger}
	}
	policy := &netguard.Policy{AllowPrivate: cfg.AllowPrivateNetworks, Hint: "see --allow-private-networks"}
	if err := policy.Validate(); err != nil {
		return nil, fmt.Errorf("server: network policy: %w", err)
	}
	tr := netguard.NewTransport(policy, nil)
	tr.MaxIdleConnsPerHost = 32
	client := &http.Client{Transport: tr}
	s := &Server{cfg: cfg, log: cfg.Logger, client: client, http: hostfns.NewHTTP(hostfns.HTTPOptions{Client: client}), sessions: newSessions()}
	s.app = fiber.New(fiber.Config{
		AppName: "ferry",
		// Bodies past this are streamed, not read before the handler runs:
		// the proxy sends them on as they come; limitBody reads the others
		// up to cfg.BodyLimit.
		BodyLimit:             streamAbove,
		StreamRequestBody:     true,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		ReadTimeout:           time.Minute,
		// Room for long query strings: GET /records?ids=… takes thousands.
		ReadBufferSize: 32 << 10,
		IdleTimeout:    2 * time.Minute,
	})
	engine, err := s.newSyncEngine()
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.syncs = engine
	if s.dispatcher, err = s.newDispatcher(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if err := s.startOperationsLog(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if s.dispatcher != nil && s.cfg.Inbox.Notify == nil {
		s.cfg.Inbox.Notify = s.dispatcher.Notify
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.app.Get("/health", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"result": "ok"}) })
	s.app.Use(s.limitBody)
	s.oauthRoutes(s.app) // before the secret-key group: the connect flow's routes are public
	// Also before it: providers authenticate webhooks by their signature.
	s.webhookInRoutes(s.app)
	s.uiRoutes(s.app) // the dashboard signs in with its own page
	if s.cfg.PublicMetrics {
		s.metricsRoute(s.app)
	}
	api := s.app.Group("", s.authenticate)
	if !s.cfg.PublicMetrics {
		s.metricsRoute(api)
	}

	api.Get("/integrations", s.listIntegrations)
	api.Post("/integrations", s.createIntegration)
	api.Get("/integrations/:key", s.getIntegration)
	api.Patch("/integrations/:key", s.updateIntegration)
	api.Delete("/integrations/:key", s.deleteIntegration)

	// Connections, and the older /connection paths the Node client uses.
	for _, base := range []string{"/connections", "/connection"} {
		api.Get(base, s.listConnections)
		api.Post(base, s.importConnection)
		api.Post(base+"/metadata", s.setMetadata(false))
		api.Patch(base+"/metadata", s.setMetadata(true))
		api.Get(base+"/:id", s.getConnection)
		api.Patch(base+"/:id", s.patchConnection)
		api.Delete(base+"/:id", s.deleteConnection)
	}
	api.Post("/connection/:id/metadata", s.setConnectionMetadata(false))
	api.Patch("/connection/:id/metadata", s.setConnectionMetadata(true))
	api.All("/proxy/*", s.proxy)
	s.functionRoutes(api)
	s.syncRoutes(api)
	s.recordRoutes(api)
	s.webhookRoutes(api)
	s.uiAPIRoutes(api)
}

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	return s.app.Listener(ln)
}

// Start starts the background work: the sync schedules (resuming runs a
// previous process did not finish) and the dispatcher of received
// webhooks. Serve answers requests without it, but no sync runs on its
// own and received webhooks wait in the inbox until Start.
func (s *Server) Start(ctx context.Context) error {
	if s.syncs == nil {
		return nil
	}
	if err := s.syncs.Start(ctx); err != nil {
		return err
	}
	s.startDispatcher()
	return nil
}

// Shutdown stops accepting requests and waits for those in flight, up to
// ctx's deadline, then stops the sync engine: runs in flight are
// canceled and resume at the next start.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.app.ShutdownWithContext(ctx)
	if err != nil {
		err = fmt.Errorf("server: shutdown: %w", err)
	}
	if s.stopDispatch != nil {
		s.stopDispatch()
	}
	if s.stopOps != nil {
		s.stopOps()
		s.stopOps = nil
	}
	if s.syncs != nil {
		err = errors.Join(err, s.syncs.Shutdown(ctx))
	}
	return err
}
