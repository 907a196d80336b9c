package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/fixtures"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

// dryrunShown caps the records printed per model and call.
const dryrunShown = 100

// dryrunOptions are the flags of ferry dryrun.
type dryrunOptions struct {
	serverOptions
	integrationID string
	input         string
	metadata      string
	checkpoint    string
	providers     string
	save          bool
	timeout       time.Duration
}

func newDryrunCommand() *cobra.Command {
	var o dryrunOptions
	cmd := &cobra.Command{
		Use:   "dryrun FUNCTION CONNECTION-ID [path]",
		Short: "Run one function locally for a server's connection, persisting nothing",
		Long: `Compile the named sync or action under path (the integrations folder,
default the current directory) and run it here, for a connection of the
server: its credentials, connection config and metadata are fetched from
the server (GET /connections/:id), its HTTP calls go to the real API. Its
records, checkpoints and metadata go to a throwaway store; nothing is
written to the server or kept afterwards.

Prints the function's log, the records it saved and deleted per model (the
first ` + fmt.Sprint(dryrunShown) + ` of each), an action's output and the number of upstream
calls. --save also writes <integration>/tests/<function>.test.json, a
Nango-format fixture of the run (its API calls and answers, the records,
the output) that ferry test replays offline.

The server and its secret key come from --host and --secret-key, else
FERRY_HOST and FERRY_SECRET_KEY, else a .env file in path, else
` + defaultHost + `.`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 3 {
				dir = args[2]
			}
			return dryrun(cmd, args[0], args[1], dir, o)
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.integrationID, "integration-id", "", "the connection's integration (provider config key; default: the function's folder)")
	f.StringVar(&o.input, "input", "", "action input (JSON)")
	f.StringVar(&o.metadata, "metadata", "", "connection metadata to use instead of the stored one (JSON object)")
	f.StringVar(&o.checkpoint, "checkpoint", "", "the checkpoint the sync starts from (JSON object)")
	f.StringVar(&o.providers, "providers", "", "a Nango-format providers.yaml merged over the built-in catalog")
	f.BoolVar(&o.save, "save", false, "write the run as a fixture: <integration>/tests/<function>"+fixtures.Suffix)
	f.DurationVar(&o.timeout, "timeout", 5*time.Minute, "execution deadline")
	return cmd
}

func dryrun(cmd *cobra.Command, name, connectionID, dir string, o dryrunOptions) error {
	ctx := cmd.Context()
	if o.input != "" && !json.Valid([]byte(o.input)) {
		return fmt.Errorf("--input is not valid JSON: %s", o.input)
	}
	var metadata, checkpoint map[string]any
	if err := jsonFlag("--metadata", o.metadata, &metadata); err != nil {
		return err
	}
	if err := jsonFlag("--checkpoint", o.checkpoint, &checkpoint); err != nil {
		return err
	}
	if err := o.resolve(dir); err != nil {
		return err
	}
	catalog, err := (runOptions{providers: o.providers}).catalog()
	if err != nil {
		return err
	}
	h, err := newCLIHost()
	if err != nil {
		return err
	}
	defer h.Close(context.WithoutCancel(ctx))
	key, wasm, err := compileNamed(ctx, h, dir, name, o.integrationID)
	if err != nil {
		return err
	}
	pck := cmp.Or(o.integrationID, key.integration)
	conn, err := fetchConnection(ctx, o.serverOptions, pck, connectionID)
	if err != nil {
		return err
	}
	p, err := catalog.Get(conn.Provider)
	if err != nil {
		return fmt.Errorf("connection %s uses provider %q: %w (add it with --providers)", connectionID, conn.Provider, err)
	}
	prov := p.HostProvider()
	if metadata == nil {
		metadata = conn.Metadata
	}
	b, err := h.Load(ctx, wasm)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	m := b.Manifest()

	tmp, err := os.MkdirTemp("", "ferry-dryrun-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	st, err := store.Open(filepath.Join(tmp, "ferry.db"), store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	hc := hostfns.Connection{ID: conn.ConnectionID, ProviderConfigKey: pck, Provider: conn.Provider,
		Environment: cmp.Or(conn.Environment, "dev"), ConnectionConfig: conn.ConnectionConfig}
	sc := store.Connection{Environment: hc.Environment, ProviderConfigKey: hc.ProviderConfigKey, ConnectionID: hc.ID}
	if metadata != nil {
		if err := st.SetMetadata(ctx, sc, metadata); err != nil {
			return err
		}
	}
	if checkpoint != nil {
		if err := st.SaveCheckpoint(ctx, store.CheckpointKey{Connection: sc, Function: m.Name}, json.RawMessage(o.checkpoint)); err != nil {
			return fmt.Errorf("--checkpoint: %w", err)
		}
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	var transport http.RoundTripper = tr
	var rec *fixtures.Recorder
	if o.save {
		rec = fixtures.NewRecorder(tr, fixtures.ProviderOptions(prov, hc.ConnectionConfig))
		transport = rec
	}
	seen := &fixtures.BatchLog{}
	live := newCounter(cmd.ErrOrStderr(), "running "+m.Name+": records")
	observe := hostfns.ObserverFunc(func(op hostfns.RecordOp, model string, records []json.RawMessage) {
		seen.ObserveRecords(op, model, records)
		live.add(len(records))
	})
	n := hostfns.New(hostfns.Scope{
		Connection:  hc,
		Provider:    prov,
		Credentials: hostfns.StaticCredentials(conn.Credentials.HostCredentials()),
		Function:    m.Name,
		Models:      slices.Sorted(maps.Keys(m.Models)),
	}, hostfns.Options{HTTP: hostfns.NewHTTP(hostfns.HTTPOptions{Client: &http.Client{Transport: transport}}), Store: st, Observer: observe})

	res, runErr := b.Run(ctx, host.Execution{Nango: n, Input: []byte(o.input), Timeout: o.timeout})
	live.finish()
	printDryrun(cmd.OutOrStdout(), m.Name, res, n.Report(), seen)
	if runErr != nil {
		return fmt.Errorf("%s failed: %w%s", m.Name, runErr, functionErrorDetail(runErr))
	}
	if !o.save {
		return nil
	}
	fx := &fixtures.Fixture{
		Connection: fixtures.Connection{ID: conn.ConnectionID, ProviderConfigKey: pck, Provider: conn.Provider, ConnectionConfig: conn.ConnectionConfig},
		API:        rec.API(),
	}
	if len(metadata) > 0 {
		fx.Metadata = metadata
	}
	switch m.Type {
	case bundle.TypeAction:
		if o.input != "" {
			fx.Input = json.RawMessage(o.input)
		}
		fx.Output = json.RawMessage("null")
		if out := bytes.TrimSpace(res.Output); len(out) > 0 {
			fx.Output = out
		}
	default:
		fx.BatchSave, fx.BatchDelete = seen.Batches()
	}
	path, err := writeFixture(dir, key, fx)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "saved %s\n", path)
	return nil
}

// compileNamed compiles the function called name under dir (Go or
// TypeScript), the one of integration when several have that name.
func compileNamed(ctx context.Context, h *host.Host, dir, name, integration string) (functionKey, []byte, error) {
	if _, err := os.Stat(dir); err != nil {
		return functionKey{}, nil, err
	}
	want := map[functionKey]bool{{integration, name}: true}
	found := map[functionKey][]byte{}
	for _, c := range testCompilers(h) {
		got, err := c(ctx, dir, want)
		if err != nil {
			return functionKey{}, nil, err
		}
		for k, wasm := range got {
			if _, dup := found[k]; !dup && k.name == name {
				found[k] = wasm
			}
		}
	}
	keys := slices.SortedFunc(maps.Keys(found), func(a, b functionKey) int { return strings.Compare(a.String(), b.String()) })
	switch {
	case len(keys) == 1:
		return keys[0], found[keys[0]], nil
	case len(keys) == 0:
		return functionKey{}, nil, fmt.Errorf("no function %q under %s: a TypeScript function is <integration>/syncs or actions/%s.ts, a Go function a directory with main.go and manifest.json", name, dir, name)
	}
	k := functionKey{integration, name}
	if wasm, ok := found[k]; ok {
		return k, wasm, nil
	}
	return functionKey{}, nil, fmt.Errorf("several functions are named %q under %s (%v): pass --integration-id with the folder of the one to run", name, dir, keys)
}

// writeFixture writes fx to <dir>/<integration>/tests/<name>.test.json
// (dir itself when it is the integration's folder).
func writeFixture(dir string, key functionKey, fx *fixtures.Fixture) (string, error) {
	folder := filepath.Join(dir, key.integration)
	if info, err := os.Stat(folder); err != nil || !info.IsDir() {
		if abs, err := filepath.Abs(dir); err == nil && filepath.Base(abs) == key.integration {
			folder = dir
		}
	}
	data, err := fx.Encode()
	if err != nil {
		return "", fmt.Errorf("encode the fixture: %w", err)
	}
	path := filepath.Join(folder, "tests", key.name+fixtures.Suffix)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// printDryrun prints the function's log, its records per model, its
// output and its upstream calls.
func printDryrun(out io.Writer, name string, res host.Result, r hostfns.Report, l *fixtures.BatchLog) {
	printLogs(out, r.Logs)
	saves, deletes := l.Batches()
	models := slices.Collect(maps.Keys(saves))
	for m := range deletes {
		if _, ok := saves[m]; !ok {
			models = append(models, m)
		}
	}
	sort.Strings(models)
	for _, model := range models {
		saved, deleted := saves[model], deletes[model]
		fmt.Fprintf(out, "%s: %s saved, %s deleted\n", model, plural(len(saved), "record"), plural(len(deleted), "record"))
		for _, group := range []struct {
			sign, verb string
			records    []json.RawMessage
		}{{"+", "saved", saved}, {"-", "deleted", deleted}} {
			for i, rec := range group.records {
				if i == dryrunShown {
					fmt.Fprintf(out, "  … %d more %s records not shown\n", len(group.records)-dryrunShown, group.verb)
					break
				}
				var b bytes.Buffer
				if json.Compact(&b, rec) != nil {
					b.Reset()
					b.Write(rec)
				}
				fmt.Fprintf(out, "  %s %s\n", group.sign, b.String())
			}
		}
	}
	if len(res.Output) > 0 {
		fmt.Fprintf(out, "output: %s\n", res.Output)
	}
	fmt.Fprintf(out, "%s: %s in %s (dry run: nothing persisted)\n", name, plural(len(r.Calls), "upstream call"), res.Duration.Round(time.Millisecond))
}
