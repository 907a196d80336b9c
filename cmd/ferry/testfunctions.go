package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/fixtures"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/internal/gobuild"
	"github.com/ferryhq/ferry/jscompile"
)

// functionKey names a function: its integration and name.
type functionKey struct{ integration, name string }

func (k functionKey) String() string { return k.integration + "/" + k.name }

// fixtureCompiler turns the functions under an integrations folder into bundles.
// want holds the functions the fixtures need; a compiler may skip others.
type fixtureCompiler func(ctx context.Context, dir string, want map[functionKey]bool) (map[functionKey][]byte, error)

// testCompilers are the compilers ferry test tries, in order; a function
// the first one produced is not taken from the next.
func testCompilers(h *host.Host) []fixtureCompiler {
	return []fixtureCompiler{compileGoFunctions, compileJSFunctions(h)}
}

// compileFor compiles the functions the fixtures test. Fixtures are
// grouped by the folder holding their integration folder.
func compileFor(ctx context.Context, compilers []fixtureCompiler, fxs []*fixtures.Fixture) (map[functionKey][]byte, error) {
	wants := map[string]map[functionKey]bool{} // integrations folder → functions
	for _, fx := range fxs {
		dir := filepath.Dir(fx.Path) // a fixture outside <integration>/tests/
		if filepath.Base(dir) == "tests" {
			dir = filepath.Dir(filepath.Dir(dir))
		}
		if wants[dir] == nil {
			wants[dir] = map[functionKey]bool{}
		}
		wants[dir][functionKey{fx.Integration, fx.Name}] = true
	}
	out := map[functionKey][]byte{}
	for dir, want := range wants {
		for _, c := range compilers {
			got, err := c(ctx, dir, want)
			if err != nil {
				return nil, err
			}
			for k, wasm := range got {
				if _, dup := out[k]; !dup {
					out[k] = wasm
				}
			}
		}
	}
	return out, nil
}

// lookupFunction finds the bundle a fixture tests: by integration and
// name, else by name alone when only one function has it.
func lookupFunction(bundles map[functionKey][]byte, fx *fixtures.Fixture) (functionKey, []byte, bool) {
	key := functionKey{fx.Integration, fx.Name}
	if wasm, ok := bundles[key]; ok {
		return key, wasm, true
	}
	var found []functionKey
	for k := range bundles {
		if k.name == fx.Name {
			found = append(found, k)
		}
	}
	if len(found) == 1 {
		return found[0], bundles[found[0]], true
	}
	return key, nil, false
}

// compileGoFunctions builds the Go function directories under dir (a
// main.go beside a manifest.json) that want names.
func compileGoFunctions(ctx context.Context, dir string, want map[functionKey]bool) (map[functionKey][]byte, error) {
	out := map[functionKey][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if name := d.Name(); p != dir && (name == "node_modules" || name == "tests" || strings.HasPrefix(name, ".")) {
			return filepath.SkipDir
		}
		if !gobuild.IsFunctionDir(p) {
			return nil
		}
		raw, err := os.ReadFile(filepath.Join(p, gobuild.ManifestFile))
		if err != nil {
			return err
		}
		m, err := bundle.ParseManifest(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(p, gobuild.ManifestFile), err)
		}
		key := functionKey{m.Integration, m.Name}
		if !want[key] && !wantsName(want, m.Name) {
			return filepath.SkipDir
		}
		wasm, err := gobuild.Build(ctx, p)
		if err != nil {
			return err
		}
		out[key] = wasm
		return filepath.SkipDir
	})
	return out, err
}

func wantsName(want map[functionKey]bool, name string) bool {
	for k := range want {
		if k.name == name {
			return true
		}
	}
	return false
}

// compileJSFunctions returns the compiler of the TypeScript and JavaScript
// functions under dir (Nango's layout) that want names, describing them
// in h's JS engine.
func compileJSFunctions(h *host.Host) fixtureCompiler {
	return func(ctx context.Context, dir string, want map[functionKey]bool) (map[functionKey][]byte, error) {
		out := map[functionKey][]byte{}
		sources, err := jscompile.Find(dir)
		if errors.Is(err, jscompile.ErrNoFunctions) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		c, err := jscompile.NewCompiler(jscompile.Options{Describe: h.DescribeJS})
		if err != nil {
			return nil, err
		}
		defer c.Close()
		var errs []error
		for _, src := range sources {
			key := functionKey{src.Integration, src.Name}
			if !want[key] && !wantsName(want, src.Name) {
				continue
			}
			fn, err := c.Compile(ctx, src)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out[functionKey{fn.Integration, fn.Name}] = fn.Wasm
		}
		return out, errors.Join(errs...)
	}
}
