package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/fixtures"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/providers"
)

// testOptions are the flags of ferry test.
type testOptions struct {
	providers string
	jsonOut   string
	filter    []string
	timeout   time.Duration
}

func newTestCommand() *cobra.Command {
	var o testOptions
	cmd := &cobra.Command{
		Use:   "test [path]",
		Short: "Run functions offline against their Nango-format test fixtures",
		Long: `Run each function against its fixtures, offline: <integration>/tests/<name>.test.json
files as nango dryrun --save writes them. The function's HTTP calls are answered
from the fixture's recorded responses (pagination, retries and the provider's
defaults run as against the API); a sync passes when it saves and deletes the
records the fixture expects, an action when it returns the expected output.

path is a folder of integrations (the default: the current directory), one
integration's folder, or one fixture file. Prints PASS or FAIL per fixture, then
"N passed, N failed". Exit code 1 when a fixture fails, 2 when the command
cannot run (bad flags, unreadable fixtures or providers, functions that do not
compile).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError(fmt.Errorf("test takes at most one path, got %d", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p := "."
			if len(args) == 1 {
				p = args[0]
			}
			return runTests(cmd, p, o)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	f := cmd.Flags()
	f.StringVar(&o.providers, "providers", "", "providers.yaml laid over the built-in provider catalog")
	f.StringVar(&o.jsonOut, "json", "", "also write a JSON report to this file (- for stdout; the lines then go to stderr)")
	f.StringSliceVar(&o.filter, "filter", nil, "run only fixtures whose name, integration or integration/name matches (glob patterns allowed; repeatable)")
	f.DurationVar(&o.timeout, "timeout", time.Minute, "deadline of each function run")
	return cmd
}

func runTests(cmd *cobra.Command, root string, o testOptions) error {
	ctx := cmd.Context()
	out, jsonW := cmd.OutOrStdout(), io.Writer(nil)
	if o.jsonOut == "-" {
		out, jsonW = cmd.ErrOrStderr(), cmd.OutOrStdout()
	}

	catalog := providers.Builtin()
	if o.providers != "" {
		over, err := providers.LoadFile(o.providers)
		if err != nil {
			return usageError(err)
		}
		catalog = catalog.Merge(over)
	}
	fxs, err := loadFixtures(root, o.filter)
	if err != nil {
		return usageError(err)
	}
	h, err := newCLIHost()
	if err != nil {
		return err
	}
	defer h.Close(context.WithoutCancel(ctx))
	bundles, err := compileFor(ctx, testCompilers(h), fxs)
	if err != nil {
		return usageError(err)
	}
	r := &fixtureRunner{host: h, root: root, wasm: bundles, loaded: map[functionKey]*host.Bundle{}, failed: map[functionKey]error{},
		opts: fixtures.Options{Providers: catalog, Timeout: o.timeout}}

	report := testReport{Fixtures: []fixtureReport{}}
	bar := newProgress(out, len(fxs), "testing")
	for _, fx := range fxs {
		res := r.run(ctx, fx)
		var line strings.Builder
		printResult(&line, &res)
		bar.line(strings.TrimSuffix(line.String(), "\n"))
		report.add(&res)
	}
	bar.finish()
	fmt.Fprintf(out, "%d passed, %d failed\n", report.Passed, report.Failed)
	if err := writeReport(o.jsonOut, jsonW, &report); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if report.Failed > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// fixtureRunner runs fixtures on one host, loading each function once.
type fixtureRunner struct {
	host   *host.Host
	root   string
	wasm   map[functionKey][]byte
	loaded map[functionKey]*host.Bundle
	failed map[functionKey]error // functions that did not load
	opts   fixtures.Options
}

func (r *fixtureRunner) run(ctx context.Context, fx *fixtures.Fixture) fixtures.Result {
	fail := func(err error) fixtures.Result { return fixtures.Result{Fixture: fx.ID(), File: fx.Path, Err: err} }
	key, wasm, found := lookupFunction(r.wasm, fx)
	if !found {
		return fail(fmt.Errorf("no function %s under %s: a fixture is named after the sync or action it tests", fx.ID(), r.root))
	}
	if err := r.failed[key]; err != nil {
		return fail(err)
	}
	b := r.loaded[key]
	if b == nil {
		var err error
		if b, err = r.host.Load(ctx, wasm); err != nil {
			r.failed[key] = err
			return fail(err)
		}
		r.loaded[key] = b
	}
	return fixtures.Run(ctx, b, fx, r.opts)
}

// loadFixtures finds and parses the fixtures under root that pass the
// filter; every file that does not parse is reported.
func loadFixtures(root string, filter []string) ([]*fixtures.Fixture, error) {
	files, err := fixtures.Find(root)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no fixtures in %s: want <integration>/tests/<name>%s files", root, fixtures.Suffix)
	}
	var fxs []*fixtures.Fixture
	var errs []error
	for _, f := range files {
		fx, err := fixtures.ParseFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if fixtureSelected(fx, filter) {
			fxs = append(fxs, fx)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(fxs) == 0 {
		return nil, fmt.Errorf("no fixture in %s matches --filter %v", root, filter)
	}
	return fxs, nil
}

// fixtureSelected reports whether a fixture passes the --filter patterns.
func fixtureSelected(fx *fixtures.Fixture, filter []string) bool {
	if len(filter) == 0 {
		return true
	}
	for _, pat := range filter {
		for _, s := range []string{fx.ID(), fx.Name, fx.Integration} {
			if ok, _ := path.Match(pat, s); ok {
				return true
			}
		}
	}
	return false
}
