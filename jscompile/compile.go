package jscompile

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ferryhq/ferry/bundle"
	sdkjs "github.com/ferryhq/ferry/sdk-js"
)

// Describer evaluates a describe script (docs/JS.md) and returns what its
// __ferry.describe() answers: the definition's manifest fields, as JSON.
// An Error thrown by describe comes back as an error whose first line is
// its message; the lines after it (a stack) are not shown to users.
// host.(*Host).DescribeJS is the one ferry uses.
type Describer func(ctx context.Context, script []byte) (json.RawMessage, error)

// Options configures a compile. Describe is required.
type Options struct {
	// Describe evaluates each function's describe script.
	Describe Describer

	// SDK holds sdk-js's sources, src/index.ts and the rest, at its
	// root. Default: sdkjs.FS, the sources embedded in ferry.
	SDK fs.FS
}

// withDefaults checks o and fills its defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Describe == nil {
		return o, errors.New("jscompile: Options.Describe is nil")
	}
	if o.SDK == nil {
		o.SDK = sdkjs.FS
	}
	return o, nil
}

// Function is one compiled function.
type Function struct {
	Name        string
	Integration string
	Type        bundle.FunctionType
	Source      string          // the source file, as Find gave it
	Manifest    bundle.Manifest // validated, kind js
	Wasm        []byte          // the bundle, written by bundle.NewJS
	ScriptSize  int             // bytes of the runtime script in Wasm
	Warnings    []string        // esbuild's warnings about the user's files, "file:line:col: text"
}

// Compile compiles the functions path holds (see [Find]): one .ts or .js
// file, or a folder of Nango's layout. It compiles every function even
// when some fail, and returns those that compiled, in path order, with an
// error joining every failure.
func Compile(ctx context.Context, path string, opts Options) ([]Function, error) {
	c, err := NewCompiler(opts)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	sources, err := Find(path)
	if err != nil {
		return nil, err
	}
	var (
		fns  []Function
		errs []error
	)
	for _, src := range sources {
		fn, err := c.Compile(ctx, src)
		if ctx.Err() != nil {
			return fns, ctx.Err()
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fns = append(fns, *fn)
	}
	return fns, errors.Join(errs...)
}

// Compiler compiles functions one at a time. Functions under one root
// share esbuild's work: the sources they have in common, sdk-js and zod
// above all, are parsed once. It is safe for concurrent use (compiles
// under one root take turns); Close it when done.
type Compiler struct {
	opts Options

	mu       sync.Mutex
	builders map[string]*builder // by absolute root
	closed   bool
}

// NewCompiler returns a Compiler configured by opts.
func NewCompiler(opts Options) (*Compiler, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Compiler{opts: opts, builders: make(map[string]*builder)}, nil
}

// Close frees the compiler's esbuild state. Compile fails after it.
func (c *Compiler) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.builders {
		b.close()
	}
	c.builders, c.closed = nil, true
}

// builder returns the builder of functions under absRoot.
func (c *Compiler) builder(absRoot string) (*builder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("jscompile: compiler is closed")
	}
	if b := c.builders[absRoot]; b != nil {
		return b, nil
	}
	b, err := newBuilder(absRoot, c.opts.SDK)
	if err != nil {
		return nil, err
	}
	c.builders[absRoot] = b
	return b, nil
}

// Compile compiles one function [Find] found: it builds the runtime and
// describe scripts (one esbuild build), describes the definition, and
// writes the bundle. Errors wrap the package's sentinels and, every one,
// name the file.
func (c *Compiler) Compile(ctx context.Context, src Source) (*Function, error) {
	absPath, err := filepath.Abs(src.Path)
	if err != nil {
		return nil, err
	}
	absRoot, err := filepath.Abs(src.Root)
	if err != nil {
		return nil, err
	}
	b, err := c.builder(absRoot)
	if err != nil {
		return nil, err
	}
	scripts, err := b.build(src, absPath)
	if err != nil {
		return nil, err
	}
	described, err := c.opts.Describe(ctx, scripts.describe)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &compileError{sentinel: ErrDefinition, cause: err, msg: src.rel(src.Path) + ": " + thrownMessage(err)}
	}
	m, err := manifestOf(src, described)
	if err != nil {
		return nil, err
	}
	wasm, err := bundle.NewJS(m, scripts.runtime)
	if err != nil {
		return nil, &compileError{sentinel: ErrDefinition, cause: err, msg: src.rel(src.Path) + ": " + err.Error()}
	}
	return &Function{
		Name:        src.Name,
		Integration: src.Integration,
		Type:        src.Type,
		Source:      src.Path,
		Manifest:    m,
		Wasm:        wasm,
		ScriptSize:  len(scripts.runtime),
		Warnings:    scripts.warnings,
	}, nil
}

// thrownMessage is the message of an Error describe threw: the first line
// of the describer's error, without the "describe: " the host puts before
// it or the "Error: " QuickJS does.
func thrownMessage(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	msg = strings.TrimPrefix(msg, "describe: ")
	return strings.TrimPrefix(msg, "Error: ")
}
