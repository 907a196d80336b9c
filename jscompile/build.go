package jscompile

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// The virtual entries of a function's two scripts, in the entry
// namespace: the runtime script goes into the bundle; the describe script
// also links zod, to describe the definition.
const (
	runtimeEntry  = entryPath + "/runtime"
	describeEntry = entryPath + "/describe"
)

// entrySource is a virtual entry (docs/JS.md): sdk-js's globals before
// the user's code, then the definition registered with the runtime; the
// describe script also hands it zod for toJSONSchema.
func entrySource(file string, describe bool) string {
	quoted, _ := json.Marshal(file) // a string always marshals
	var b strings.Builder
	b.WriteString("import \"ferry:globals\";\n")
	fmt.Fprintf(&b, "import def from %s;\n", quoted)
	b.WriteString("import { register } from \"ferry:runtime\";\n")
	if describe {
		fmt.Fprintf(&b, "import * as zod from %q;\nregister(def, zod);\n", zodPackage)
	} else {
		b.WriteString("register(def);\n")
	}
	return b.String()
}

// scripts are a function's two built scripts, and esbuild's warnings
// about the user's files.
type scripts struct {
	runtime  []byte
	describe []byte
	warnings []string
}

// builder builds functions' scripts under one root. It keeps one esbuild
// context, so that the files every function shares (sdk-js and zod above
// all) are parsed once for all of them: a rebuild parses only what
// changed. It builds one function at a time.
type builder struct {
	mu      sync.Mutex
	root    string // absolute
	r       *resolver
	context api.BuildContext
}

// newBuilder starts a builder for functions under absRoot.
func newBuilder(absRoot string, sdk fs.FS) (*builder, error) {
	r := &resolver{sdk: sdk, root: absRoot}
	ctx, cerr := api.Context(api.BuildOptions{
		EntryPointsAdvanced: []api.EntryPoint{
			{InputPath: runtimeEntry, OutputPath: "runtime"},
			{InputPath: describeEntry, OutputPath: "describe"},
		},
		Outdir:        "ferry-out", // never written
		AbsWorkingDir: absRoot,
		Bundle:        true,
		Write:         false,
		Format:        api.FormatIIFE,
		Platform:      api.PlatformNeutral,
		Target:        api.ES2023,
		// Neutral has no main fields; packages without "exports" need them.
		MainFields: []string{"module", "main"},
		// import() would reach the engine's module loader: esbuild turns
		// every import() of a bundled module into a plain call.
		Supported: map[string]bool{"dynamic-import": false},
		// Smaller scripts evaluate faster; identifiers keep their names
		// so stack traces stay readable.
		MinifyWhitespace: true,
		MinifySyntax:     true,
		Charset:          api.CharsetUTF8,
		LogLevel:         api.LogLevelSilent,
		Plugins:          []api.Plugin{r.plugin()},
	})
	if cerr != nil {
		return nil, fmt.Errorf("jscompile: start esbuild: %w", cerr)
	}
	return &builder{root: absRoot, r: r, context: ctx}, nil
}

// close frees the esbuild context.
func (b *builder) close() { b.context.Dispose() }

// build bundles src's two scripts. absPath is src.Path made absolute.
func (b *builder) build(src Source, absPath string) (scripts, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.r.fileDir = filepath.Dir(absPath)
	b.r.entries = map[string]string{
		runtimeEntry:  entrySource(absPath, false),
		describeEntry: entrySource(absPath, true),
	}
	result := b.context.Rebuild()
	if len(result.Errors) > 0 {
		return scripts{}, messagesError(result.Errors, src)
	}
	var out scripts
	for _, f := range result.OutputFiles {
		switch path.Base(filepath.ToSlash(f.Path)) {
		case "runtime.js":
			out.runtime = f.Contents
		case "describe.js":
			out.describe = f.Contents
		}
	}
	if out.runtime == nil || out.describe == nil {
		return scripts{}, errorf(ErrBuild, "%s: esbuild wrote %d files, not the runtime and describe scripts", src.rel(src.Path), len(result.OutputFiles))
	}
	for _, w := range result.Warnings {
		if isUserFile(w.Location) {
			out.warnings = append(out.warnings, messageError(w, src).Error())
		}
	}
	return out, nil
}
