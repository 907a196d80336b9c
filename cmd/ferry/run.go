package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
)

// runOptions are the flags of ferry run.
type runOptions struct {
	data             string
	connectionID     string
	environment      string
	baseURL          string
	authMode         string
	apiKey           string
	token            string
	metadata         string
	connectionConfig string
	input            string
	provider         string
	providers        string
	timeout          time.Duration
}

func newRunCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run BUNDLE.wasm",
		Short: "Run one function locally against an API",
		Long: `Run one function of a bundle for a local connection: its HTTP calls go to
--base-url (default: the provider's base URL) with the given credentials;
the provider's pagination, retry and header defaults come from the catalog
(--provider, default the bundle's integration; --providers adds a
Nango-format providers.yaml). Its records, checkpoints and metadata are kept
in the store under --data. Prints the output (actions), the record changes
per model and the function's log.

Credentials can also come from the environment: FERRY_API_KEY, FERRY_TOKEN.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFunction(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.data, "data", "ferry-data", "directory of the store and compilation cache")
	f.StringVar(&o.connectionID, "connection-id", "local", "connection id the run is scoped to")
	f.StringVar(&o.environment, "environment", "dev", "environment name")
	f.StringVar(&o.baseURL, "base-url", "", "base URL of the API the function calls (default: the provider's)")
	f.StringVar(&o.provider, "provider", "", "provider of the catalog whose defaults apply (default: the bundle's integration, if the catalog has it)")
	f.StringVar(&o.providers, "providers", "", "a Nango-format providers.yaml merged over the built-in catalog")
	f.StringVar(&o.authMode, "auth-mode", "", "NONE, API_KEY, OAUTH2 or BASIC (default: from the credentials given)")
	f.StringVar(&o.apiKey, "api-key", os.Getenv("FERRY_API_KEY"), "API key, sent as a bearer token")
	f.StringVar(&o.token, "token", os.Getenv("FERRY_TOKEN"), "OAuth2 access token")
	f.StringVar(&o.metadata, "metadata", "", "connection metadata to set first (JSON object)")
	f.StringVar(&o.connectionConfig, "connection-config", "", "connection config (JSON object)")
	f.StringVar(&o.input, "input", "", "action input (JSON)")
	f.DurationVar(&o.timeout, "timeout", 5*time.Minute, "execution deadline")
	return cmd
}

func runFunction(cmd *cobra.Command, path string, o runOptions) error {
	ctx := cmd.Context()
	if o.input != "" && !json.Valid([]byte(o.input)) {
		return fmt.Errorf("--input is not valid JSON: %s", o.input)
	}
	var metadata, connConfig map[string]any
	if err := jsonFlag("--metadata", o.metadata, &metadata); err != nil {
		return err
	}
	if err := jsonFlag("--connection-config", o.connectionConfig, &connConfig); err != nil {
		return err
	}
	creds, err := o.credentials()
	if err != nil {
		return err
	}
	catalog, err := o.catalog()
	if err != nil {
		return err
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		return err
	}

	if err := os.MkdirAll(o.data, 0o700); err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(o.data, "ferry.db"), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := host.New(host.Config{CacheDir: filepath.Join(o.data, "cache"), Prewarm: -1})
	if err != nil {
		return err
	}
	defer h.Close(ctx)
	b, err := h.Load(ctx, wasm)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	m := b.Manifest()
	provider, err := o.hostProvider(catalog, m.Integration, creds.Type)
	if err != nil {
		return err
	}
	conn := hostfns.Connection{ID: o.connectionID, ProviderConfigKey: m.Integration, Provider: provider.Name,
		Environment: o.environment, ConnectionConfig: connConfig}
	if metadata != nil {
		sc := store.Connection{Environment: conn.Environment, ProviderConfigKey: conn.ProviderConfigKey, ConnectionID: conn.ID}
		if err := st.SetMetadata(ctx, sc, metadata); err != nil {
			return err
		}
	}
	models := make([]string, 0, len(m.Models))
	for name := range m.Models {
		models = append(models, name)
	}
	n := hostfns.New(hostfns.Scope{
		Connection:  conn,
		Provider:    provider,
		Credentials: hostfns.StaticCredentials(creds),
		Function:    m.Name,
		Models:      models,
	}, hostfns.Options{HTTP: hostfns.NewHTTP(hostfns.HTTPOptions{}), Store: st})

	res, runErr := b.Run(ctx, host.Execution{Nango: n, Input: []byte(o.input), Timeout: o.timeout})
	printReport(cmd, m.Name, res, n.Report())
	if runErr != nil {
		return fmt.Errorf("%s failed: %w%s", m.Name, runErr, functionErrorDetail(runErr))
	}
	return nil
}

// hostProvider is the provider the run calls: the catalog's entry (by
// --provider, else the integration's name when the catalog has it) with
// --base-url over its base URL, or a bare one for --base-url alone.
func (o runOptions) hostProvider(catalog *providers.Catalog, integration string, mode hostfns.AuthMode) (hostfns.Provider, error) {
	name := cmp.Or(o.provider, integration)
	p, err := catalog.Get(name)
	switch {
	case err == nil:
		hp := p.HostProvider()
		hp.AuthMode = mode
		if o.baseURL != "" {
			hp.BaseURL = o.baseURL
		}
		return hp, nil
	case o.provider != "" || !errors.Is(err, providers.ErrUnknownProvider):
		return hostfns.Provider{}, fmt.Errorf("--provider: %w", err)
	case o.baseURL == "":
		return hostfns.Provider{}, fmt.Errorf("--base-url is required: the catalog has no provider %q to take it from", name)
	}
	return hostfns.Provider{Name: integration, AuthMode: mode, BaseURL: o.baseURL}, nil
}

// catalog is the built-in providers catalog with --providers merged over
// it; an unknown --provider is refused here, before anything is written.
func (o runOptions) catalog() (*providers.Catalog, error) {
	catalog := providers.Builtin()
	if o.providers != "" {
		over, err := providers.LoadFile(o.providers)
		if err != nil {
			return nil, err
		}
		catalog = catalog.Merge(over)
	}
	if o.provider != "" {
		if _, err := catalog.Get(o.provider); err != nil {
			return nil, fmt.Errorf("--provider: %w", err)
		}
	}
	return catalog, nil
}

// functionErrorDetail renders what a function failed with beyond its
// message: the error code, an ActionError's payload, the upstream answer.
func functionErrorDetail(err error) string {
	var ee *host.ExecError
	if !errors.As(err, &ee) || ee.Function == nil {
		return ""
	}
	fe := ee.Function
	out := "\n  code: " + fe.Code
	if len(fe.Payload) > 0 {
		out += "\n  payload: " + string(fe.Payload)
	}
	if u := fe.Upstream; u != nil {
		out += fmt.Sprintf("\n  upstream: %d %s", u.Status, u.Body)
	}
	return out
}

func (o runOptions) credentials() (hostfns.Credentials, error) {
	c := hostfns.Credentials{Type: hostfns.AuthMode(o.authMode), APIKey: o.apiKey, AccessToken: o.token}
	if c.Type == "" {
		switch {
		case o.token != "":
			c.Type = "OAUTH2"
		case o.apiKey != "":
			c.Type = "API_KEY"
		default:
			c.Type = "NONE"
		}
	}
	switch c.Type {
	case "NONE", "API_KEY", "OAUTH2", "BASIC":
		return c, nil
	}
	return c, fmt.Errorf("--auth-mode %q: want NONE, API_KEY, OAUTH2 or BASIC", o.authMode)
}

func jsonFlag(name, value string, into *map[string]any) error {
	if value == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(value), into); err != nil {
		return fmt.Errorf("%s must be a JSON object: %w", name, err)
	}
	return nil
}

// printLogs prints a function's log lines: time, level, message, meta.
func printLogs(out io.Writer, logs []hostfns.LogLine) {
	for _, l := range logs {
		meta := ""
		if len(l.Meta) > 0 {
			b, _ := json.Marshal(l.Meta)
			meta = " " + string(b)
		}
		fmt.Fprintf(out, "%s %-5s %s%s\n", l.Time.Format(time.TimeOnly), l.Level, l.Message, meta)
	}
}

func printReport(cmd *cobra.Command, name string, res host.Result, r hostfns.Report) {
	out := cmd.OutOrStdout()
	printLogs(out, r.Logs)
	models := make([]string, 0, len(r.Records))
	for model := range r.Records {
		models = append(models, model)
	}
	sort.Strings(models)
	for _, model := range models {
		c := r.Records[model]
		fmt.Fprintf(out, "%s: %d added, %d updated, %d deleted, %d unchanged\n", model, c.Added, c.Updated, c.Deleted, c.Unchanged)
	}
	if len(res.Output) > 0 {
		fmt.Fprintf(out, "output: %s\n", res.Output)
	}
	fmt.Fprintf(out, "%s: %d upstream calls in %s\n", name, len(r.Calls), res.Duration.Round(time.Millisecond))
}
