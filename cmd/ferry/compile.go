package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/internal/gobuild"
	"github.com/ferryhq/ferry/jscompile"
)

func newCompileCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "compile [path...]",
		Short: "Compile functions into bundles (.wasm)",
		Long: `Compile functions into bundles, one .wasm per function, written to
<out>/<integration>/<name>.wasm.

A path is a TypeScript or JavaScript function (a .ts or .js file in
<integration>/syncs, actions or on-events, as in a Nango project), a Go
function directory (main.go and manifest.json), or a folder searched for
both. A folder with an index.ts compiles only the TypeScript functions it
imports. Without a path, the current directory.

Every function is compiled even when some fail; errors name the file,
line and column.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			fns, err := findFunctions(args)
			if err != nil {
				return err
			}
			return fns.compile(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), out)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "build", "directory to write bundles to")
	return cmd
}

// functions are what the paths given to ferry compile hold.
type functions struct {
	goDirs    []string           // Go function directories
	jsSources []jscompile.Source // TypeScript and JavaScript functions
}

func (f functions) count() int { return len(f.goDirs) + len(f.jsSources) }

// findFunctions expands paths into the functions they hold.
func findFunctions(paths []string) (functions, error) {
	var fns functions
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return fns, err
		}
		if !info.IsDir() {
			if ext := filepath.Ext(p); ext != ".ts" && ext != ".js" {
				return fns, fmt.Errorf("%s: not a directory nor a .ts or .js file: a Go function is a directory with main.go and %s", p, gobuild.ManifestFile)
			}
		} else if err := walkGoDirs(p, &fns.goDirs); err != nil {
			return fns, err
		}
		sources, err := jscompile.Find(p)
		if err != nil && (!errors.Is(err, jscompile.ErrNoFunctions) || !info.IsDir()) {
			return fns, err
		}
		fns.jsSources = append(fns.jsSources, sources...)
	}
	if fns.count() == 0 {
		return fns, fmt.Errorf("no functions found in %v: a TypeScript function is a .ts file in <integration>/syncs, actions or on-events; a Go function is a directory with main.go and %s",
			paths, gobuild.ManifestFile)
	}
	sort.Strings(fns.goDirs)
	return fns, nil
}

// walkGoDirs appends the Go function directories under root to dirs.
func walkGoDirs(root string, dirs *[]string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() && gobuild.IsFunctionDir(path) {
			*dirs = append(*dirs, path)
			return filepath.SkipDir
		}
		return nil
	})
}

// builtFunction is one compiled function: where it came from and its
// bundle.
type builtFunction struct {
	source   string // the Go directory or the TypeScript file
	manifest bundle.Manifest
	wasm     []byte
}

// build compiles every function and hands each to emit as it compiles,
// printing compiler warnings to stderr. It returns how many emit accepted
// and every failure (compiling or emitting). ferry compile writes the
// bundles; ferry deploy uploads them.
func (f functions) build(ctx context.Context, stderr io.Writer, emit func(builtFunction) error) (int, []error) {
	var errs []error
	done := 0
	for _, dir := range f.goDirs {
		fn, err := buildGoDir(ctx, dir)
		if err == nil {
			err = emit(fn)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done++
	}
	if len(f.jsSources) > 0 {
		n, err := buildJS(ctx, f.jsSources, stderr, emit)
		done += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return done, errs
}

// compile compiles every function into out, printing one line per
// function to stdout and warnings to stderr. It returns an error listing
// every failure.
func (f functions) compile(ctx context.Context, stdout, stderr io.Writer, out string) error {
	bar := newProgress(stdout, f.count(), "compiling")
	compiled, errs := f.build(ctx, stderr, func(fn builtFunction) error {
		path, err := writeBundle(out, fn.manifest, fn.wasm)
		if err != nil {
			return err
		}
		bar.line(fmt.Sprintf("compiled %s -> %s", fn.source, path))
		return nil
	})
	bar.finish()
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s compiled\n", plural(compiled, "function"))
	if failed := f.count() - compiled; failed > 0 {
		return fmt.Errorf("%d of %s failed to compile:\n%w", failed, plural(f.count(), "function"), errors.Join(errs...))
	}
	return nil
}

func buildGoDir(ctx context.Context, dir string) (builtFunction, error) {
	wasm, err := gobuild.Build(ctx, dir)
	if err != nil {
		return builtFunction{}, err
	}
	b, err := bundle.Parse(wasm)
	if err != nil {
		return builtFunction{}, fmt.Errorf("compile %s: %w", dir, err)
	}
	return builtFunction{source: dir, manifest: b.Manifest, wasm: wasm}, nil
}

// buildJS compiles TypeScript and JavaScript functions, describing them
// in the host's JS engine, and hands each to emit. It returns how many
// emit accepted, and an error joining the failures. Messages name files
// relative to the working directory.
func buildJS(ctx context.Context, sources []jscompile.Source, stderr io.Writer, emit func(builtFunction) error) (int, error) {
	h, err := newCLIHost()
	if err != nil {
		return 0, err
	}
	defer h.Close(context.WithoutCancel(ctx))
	c, err := jscompile.NewCompiler(jscompile.Options{Describe: h.DescribeJS})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var errs []error
	done := 0
	for _, src := range sources {
		src.Root = "."
		fn, err := c.Compile(ctx, src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, w := range fn.Warnings {
			fmt.Fprintf(stderr, "warning: %s\n", w)
		}
		if err := emit(builtFunction{source: src.Path, manifest: fn.Manifest, wasm: fn.Wasm}); err != nil {
			errs = append(errs, err)
			continue
		}
		done++
	}
	return done, errors.Join(errs...)
}

// writeBundle writes a bundle to out/<integration>/<name>.wasm.
func writeBundle(out string, m bundle.Manifest, wasm []byte) (string, error) {
	path := filepath.Join(out, m.Integration, m.Name+".wasm")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, wasm, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// plural renders "1 function", "2 functions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
