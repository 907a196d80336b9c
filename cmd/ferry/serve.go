package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/metrics"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/server"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/tracing"
	"github.com/ferryhq/ferry/vault"
)

// serveOptions are the flags of ferry serve; each has an environment
// variable too.
type serveOptions struct {
	data                 string
	addr                 string
	providers            string
	publicURL            string
	functions            string
	allowPrivateNetworks bool
	publicMetrics        bool
	webhookURL           string
	webhookSigningKey    string
	dedupeWindow         time.Duration
	logRetention         time.Duration
	otlpEndpoint         string
	otlpHeaders          []string // key=value each
}

// shutdownGrace is how long in-flight requests get to finish on shutdown.
const shutdownGrace = 30 * time.Second

// tracingGrace is how long the spans still queued get to be sent on
// shutdown.
const tracingGrace = 10 * time.Second

func newServeCommand() *cobra.Command {
	o := serveOptions{
		data:                 envOr("FERRY_DATA", "ferry-data"),
		addr:                 envOr("FERRY_ADDR", "127.0.0.1:3003"),
		providers:            os.Getenv("FERRY_PROVIDERS"),
		publicURL:            os.Getenv("FERRY_PUBLIC_URL"),
		functions:            os.Getenv("FERRY_FUNCTIONS"),
		webhookURL:           os.Getenv("FERRY_WEBHOOK_URL"),
		webhookSigningKey:    os.Getenv("FERRY_WEBHOOK_SIGNING_KEY"),
		otlpEndpoint:         firstEnv("FERRY_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
		dedupeWindow:         store.DefaultDedupeWindow,
		logRetention:         15 * 24 * time.Hour,
		allowPrivateNetworks: envBool("FERRY_ALLOW_PRIVATE_NETWORKS"),
		publicMetrics:        envBool("FERRY_PUBLIC_METRICS"),
	}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the ferry server: the API, on an embedded store",
		Long: `Run the ferry server on an embedded store (a bbolt file under --data).

The API needs the secret key as a bearer token. It comes from
FERRY_SECRET_KEY, or is generated on the first start, shown once and
stored hashed. Credentials are encrypted with FERRY_ENCRYPTION_KEY, or with
a key file created under --data (0600) on the first start.

SIGINT or SIGTERM stop the server after the requests in flight finish.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.data, "data", o.data, "directory of the store, keys and caches (env FERRY_DATA)")
	f.StringVar(&o.addr, "addr", o.addr, "address to listen on, host:port (env FERRY_ADDR)")
	f.StringVar(&o.providers, "providers", o.providers, "a Nango-format providers.yaml merged over the built-in catalog (env FERRY_PROVIDERS)")
	f.StringVar(&o.functions, "functions", o.functions, "compile and deploy the functions under this folder at start, creating the integrations their folders name (for providers of the catalog) (env FERRY_FUNCTIONS)")
	f.StringVar(&o.publicURL, "public-url", o.publicURL, "the server's URL as browsers reach it, for OAuth redirects (default: from each request) (env FERRY_PUBLIC_URL)")
	f.DurationVar(&o.logRetention, "log-retention", o.logRetention,
		"how long the operations log keeps finished operations (env FERRY_LOG_RETENTION)")
	f.DurationVar(&o.dedupeWindow, "webhook-dedupe-window", o.dedupeWindow,
		"how long a received webhook's delivery id is remembered: a redelivery within it is acknowledged, not handled again (env FERRY_WEBHOOK_DEDUPE_WINDOW)")
	f.StringVar(&o.webhookURL, "webhook-url", o.webhookURL, "your backend's webhook URLs (comma-separated, at most 2), replacing the stored ones (env FERRY_WEBHOOK_URL)")
	f.StringVar(&o.webhookSigningKey, "webhook-signing-key", o.webhookSigningKey,
		"the key webhooks are signed with, stored sealed (env FERRY_WEBHOOK_SIGNING_KEY; default: the stored one, else FERRY_SECRET_KEY, else a generated one)")
	f.BoolVar(&o.allowPrivateNetworks, "allow-private-networks", o.allowPrivateNetworks,
		"let outgoing calls reach loopback and private addresses, for local development (env FERRY_ALLOW_PRIVATE_NETWORKS)")
	f.BoolVar(&o.publicMetrics, "public-metrics", o.publicMetrics,
		"serve GET /metrics (Prometheus) without the secret key, for a scraper on a trusted network (env FERRY_PUBLIC_METRICS)")
	f.StringVar(&o.otlpEndpoint, "otlp-endpoint", o.otlpEndpoint,
		"export operations as OpenTelemetry traces to this OTLP/HTTP collector, e.g. http://collector:4318 (\"/v1/traces\" is appended unless the path ends with it) (env FERRY_OTLP_ENDPOINT, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT; default: no traces)")
	f.StringArrayVar(&o.otlpHeaders, "otlp-header", nil,
		"a header sent with every trace export, key=value; repeatable (env FERRY_OTLP_HEADERS, else OTEL_EXPORTER_OTLP_TRACES_HEADERS or OTEL_EXPORTER_OTLP_HEADERS: k=v,k2=v2 with values percent-encoded)")
	return cmd
}

// envBool reads a switch from the environment: any non-empty value but
// "false" and "0" turns it on.
func envBool(name string) bool {
	v := os.Getenv(name)
	return v != "" && v != "false" && v != "0"
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// firstEnv is the value of the first of the variables that is set; ""
// for none.
func firstEnv(names ...string) string {
	_, v := firstEnvNamed(names...)
	return v
}

// firstEnvNamed is the first of the variables that is set: its name and
// value.
func firstEnvNamed(names ...string) (string, string) {
	for _, name := range names {
		if v := os.Getenv(name); v != "" {
			return name, v
		}
	}
	return "", ""
}

func serve(cmd *cobra.Command, o serveOptions) error {
	if v := os.Getenv("FERRY_WEBHOOK_DEDUPE_WINDOW"); v != "" && !cmd.Flags().Changed("webhook-dedupe-window") {
		d, err := time.ParseDuration(v)
		if err != nil {
			return usageError(fmt.Errorf("FERRY_WEBHOOK_DEDUPE_WINDOW: %w", err))
		}
		o.dedupeWindow = d
	}
	if v := os.Getenv("FERRY_LOG_RETENTION"); v != "" && !cmd.Flags().Changed("log-retention") {
		d, err := time.ParseDuration(v)
		if err != nil {
			return usageError(fmt.Errorf("FERRY_LOG_RETENTION: %w", err))
		}
		o.logRetention = d
	}
	if o.logRetention < time.Hour {
		return usageError(fmt.Errorf("--log-retention %v: keep the log at least an hour", o.logRetention))
	}
	if o.dedupeWindow <= 0 {
		return usageError(fmt.Errorf("--webhook-dedupe-window %v: it must be positive", o.dedupeWindow))
	}
	tracer, err := startTracing(cmd, o)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), tracingGrace)
		defer cancel()
		if err := tracer.Shutdown(ctx); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "ferry: %v\n", err)
		}
	}()
	catalog := providers.Builtin()
	if o.providers != "" {
		over, err := providers.LoadFile(o.providers)
		if err != nil {
			return err
		}
		catalog = catalog.Merge(over)
	}
	if err := os.MkdirAll(o.data, 0o700); err != nil {
		return err
	}
	keyring, err := vault.LoadKeyring(vault.LoadOptions{EncryptionKey: os.Getenv("FERRY_ENCRYPTION_KEY"), DataDir: o.data})
	if err != nil {
		return err
	}
	generated, hash, err := vault.EnsureSecretKey(o.data, os.Getenv("FERRY_SECRET_KEY"))
	if err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(o.data, "ferry.db"), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	// Deployed functions run here; wazero's compiled code is kept under
	// --data so that a restart does not recompile them.
	h, err := host.New(host.Config{CacheDir: filepath.Join(o.data, "cache")})
	if err != nil {
		return err
	}
	defer h.Close(context.Background())
	ob, err := startOutbox(cmd, o, st, keyring.Encoded(), generated)
	if err != nil {
		return err
	}
	defer ob.stop()
	m, err := metrics.New(metrics.Config{Depths: st, Instances: h})
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		Store:     st,
		Sealer:    keyring.Encoded(),
		Providers: catalog,
		Authorize: func(key string) bool { return vault.VerifySecretKey(hash, key) },

		AllowPrivateNetworks: o.allowPrivateNetworks,
		Host:                 h,
		BodyLimit:            server.MaxBundleSize + 1<<20, // a deploy's bundle
		OAuth:                server.OAuthConfig{PublicURL: o.publicURL},
		Outbox:               ob.Outbox,
		Inbox:                server.InboxOptions{DedupeWindow: o.dedupeWindow},
		Syncs:                server.SyncOptions{LogRetention: o.logRetention},
		Metrics:              m,
		PublicMetrics:        o.publicMetrics,
		Tracer:               tracer,
	})
	if err != nil {
		return err
	}
	if o.functions != "" {
		if err := deployAtStart(cmd, srv, o.functions); err != nil {
			return err
		}
	}
	if err := srv.Start(cmd.Context()); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	out := cmd.OutOrStdout()
	if generated != "" {
		fmt.Fprintf(out, "secret key (shown once, stored hashed under %s): %s\n", o.data, generated)
	}
	fmt.Fprintf(out, "dashboard: http://%s/ui/ (sign in with the secret key)\n", ln.Addr())
	// Last: tests (and scripts) take this line as the sign that ferry is up.
	fmt.Fprintf(out, "ferry listening on http://%s (data in %s, %d providers)\n", ln.Addr(), o.data, catalog.Len())

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "ferry shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return <-served
}

// startTracing builds the exporter of traces the flags ask for; nil
// (which exports nothing) without an endpoint. The caller shuts it down.
func startTracing(cmd *cobra.Command, o serveOptions) (*tracing.Exporter, error) {
	if o.otlpEndpoint == "" {
		if cmd.Flags().Changed("otlp-header") || os.Getenv("FERRY_OTLP_HEADERS") != "" {
			return nil, usageError(errors.New("--otlp-header (FERRY_OTLP_HEADERS) without --otlp-endpoint (FERRY_OTLP_ENDPOINT): no collector to send them to"))
		}
		return nil, nil
	}
	headers, err := otlpHeaders(cmd, o)
	if err != nil {
		return nil, usageError(err)
	}
	x, err := tracing.New(tracing.Config{Endpoint: o.otlpEndpoint, Headers: headers, ServiceVersion: version})
	if err != nil {
		return nil, usageError(err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "exporting traces to %s\n", o.otlpEndpoint)
	return x, nil
}

// otlpHeaders are the headers of trace exports: the --otlp-header flags
// (values as given), else the first of FERRY_OTLP_HEADERS,
// OTEL_EXPORTER_OTLP_TRACES_HEADERS and OTEL_EXPORTER_OTLP_HEADERS (the
// OpenTelemetry format). Errors name a header by its place, not its text:
// it may hold a secret.
func otlpHeaders(cmd *cobra.Command, o serveOptions) (map[string]string, error) {
	if cmd.Flags().Changed("otlp-header") {
		headers := make(map[string]string, len(o.otlpHeaders))
		for i, kv := range o.otlpHeaders {
			k, v, ok := strings.Cut(kv, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				return nil, fmt.Errorf("--otlp-header %d: want key=value", i+1)
			}
			headers[k] = strings.TrimSpace(v)
		}
		return headers, nil
	}
	name, list := firstEnvNamed("FERRY_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS")
	headers, err := tracing.ParseHeaders(list)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return headers, nil
}

// deployAtStart compiles the functions under dir and deploys them, each
// integration created first (its provider: the folder's name) if missing.
func deployAtStart(cmd *cobra.Command, srv *server.Server, dir string) error {
	ctx := cmd.Context()
	fns, err := findFunctions([]string{dir})
	if err != nil {
		return fmt.Errorf("--functions: %w", err)
	}
	deployed, errs := fns.build(ctx, cmd.ErrOrStderr(), func(fn builtFunction) error {
		m := fn.manifest
		if _, err := srv.EnsureIntegration(ctx, m.Integration, m.Integration); err != nil {
			return fmt.Errorf("%s: integration %q: %w", fn.source, m.Integration, err)
		}
		if err := srv.Deploy(ctx, fn.wasm); err != nil {
			return fmt.Errorf("%s: deploy: %w", fn.source, err)
		}
		return nil
	})
	if len(errs) > 0 {
		return fmt.Errorf("--functions %s: %w", dir, errors.Join(errs...))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "deployed %s from %s\n", plural(deployed, "function"), dir)
	return nil
}
