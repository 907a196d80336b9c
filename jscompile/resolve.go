package jscompile

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// esbuild namespaces of the modules the compiler provides.
const (
	nsEntry   = "ferry-entry"       // the virtual entries (docs/JS.md)
	nsSDK     = "ferry-sdk"         // sdk-js's embedded sources
	nsLocales = "ferry-zod-locales" // zod's locales, English only
	entryPath = "ferry:entry"       // the prefix of the entries' paths
)

// sdkModules maps the bare imports ferry provides to sdk-js's sources
// (docs/JS.md, "Resolution").
var sdkModules = map[string]string{
	"nango":         "src/index.ts",
	"ferry:globals": "src/globals/index.ts",
	"ferry:runtime": "src/runtime/index.ts",
	"crypto":        "src/node/crypto.ts",
	"node:crypto":   "src/node/crypto.ts",
	"url":           "src/node/url.ts",
	"node:url":      "src/node/url.ts",
	"buffer":        "src/node/buffer.ts",
	"node:buffer":   "src/node/buffer.ts",
}

// zodPackage is the one package resolved from the user's node_modules.
const zodPackage = "zod"

// passThrough marks a resolution the plugin asked esbuild for itself, so
// that the plugin lets esbuild's own resolver handle it.
type passThrough struct{}

// importProblem is the Detail of an error the resolver reports. esbuild
// adds the location of the import; text turns it into the message, so the
// message can name the location mid-sentence.
type importProblem struct {
	sentinel   error
	text       func(at string) string
	describing bool // the describe entry's own import of zod
}

// resolver resolves and loads the modules of one function's builds.
type resolver struct {
	sdk     fs.FS
	entries map[string]string // the virtual entries' sources, by path
	fileDir string            // the function's folder: zod imported by the entry or sdk-js resolves from here
	root    string            // the project root, absolute
}

func (r *resolver) plugin() api.Plugin {
	return api.Plugin{Name: "ferry", Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			return r.resolve(b, args), nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsEntry}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			contents, ok := r.entries[args.Path]
			if !ok {
				return api.OnLoadResult{}, fmt.Errorf("no entry %q", args.Path)
			}
			return api.OnLoadResult{Contents: &contents, Loader: api.LoaderJS, ResolveDir: r.fileDir}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsSDK}, r.loadSDK)
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: nsLocales}, loadZodLocales)
	}}
}

func (r *resolver) resolve(b api.PluginBuild, args api.OnResolveArgs) api.OnResolveResult {
	p := args.Path
	if _, ok := args.PluginData.(passThrough); ok {
		return api.OnResolveResult{}
	}
	switch {
	case args.Kind == api.ResolveEntryPoint:
		return api.OnResolveResult{Path: p, Namespace: nsEntry}
	case args.Namespace == nsSDK && isRelative(p):
		return r.resolveSDK(path.Dir(args.Importer), p)
	case sdkModules[p] != "":
		return api.OnResolveResult{Path: sdkModules[p], Namespace: nsSDK}
	case isZodLocales(args):
		return api.OnResolveResult{Path: filepath.Join(args.ResolveDir, p), Namespace: nsLocales}
	case isRelative(p) || filepath.IsAbs(p):
		return api.OnResolveResult{} // the user's files: esbuild's resolver
	case args.Namespace == "file" && inNodeModules(args.Importer):
		return api.OnResolveResult{} // a package's own imports, e.g. zod's
	case p == zodPackage || strings.HasPrefix(p, zodPackage+"/"):
		return r.resolveZod(b, args)
	}
	return problem(importProblem{sentinel: ErrUnknownImport, text: func(at string) string {
		return fmt.Sprintf("unknown import %q in %s: ferry functions may import nango, zod, crypto, url, buffer and relative files", p, at)
	}})
}

// resolveZod finds zod in the user's node_modules with esbuild's
// resolver, walking up from the importing file's folder.
func (r *resolver) resolveZod(b api.PluginBuild, args api.OnResolveArgs) api.OnResolveResult {
	opts := api.ResolveOptions{ResolveDir: args.ResolveDir, Kind: args.Kind, PluginData: passThrough{}}
	if args.Namespace == "file" {
		opts.Importer = args.Importer
	} else {
		opts.ResolveDir = r.fileDir
	}
	res := b.Resolve(args.Path, opts)
	if len(res.Errors) == 0 {
		out := api.OnResolveResult{Path: res.Path, Namespace: res.Namespace, Suffix: res.Suffix}
		if !res.SideEffects {
			out.SideEffects = api.SideEffectsFalse
		}
		return out
	}
	if installed(opts.ResolveDir, zodPackage) {
		return api.OnResolveResult{Errors: res.Errors} // a subpath zod does not have
	}
	install := r.npmInstall(opts.ResolveDir)
	if args.Namespace != "file" {
		// The describe script's entry imports zod even when the user's
		// code does not; at is then the user's file.
		return problem(importProblem{sentinel: ErrMissingPackage, describing: true, text: func(at string) string {
			return fmt.Sprintf("cannot find package %q, which describing %s needs: %s", zodPackage, at, install)
		}})
	}
	return problem(importProblem{sentinel: ErrMissingPackage, text: func(at string) string {
		return fmt.Sprintf("cannot find package %q imported by %s: %s", zodPackage, at, install)
	}})
}

// resolveSDK resolves a relative import between sdk-js's sources, as
// TypeScript does: "./x.js" may name x.ts, and a folder its index.
func (r *resolver) resolveSDK(dir, p string) api.OnResolveResult {
	base := path.Join(dir, p)
	candidates := []string{base}
	if stem, ok := strings.CutSuffix(base, ".js"); ok {
		candidates = append(candidates, stem+".ts")
	}
	candidates = append(candidates, base+".ts", base+".js", base+"/index.ts", base+"/index.js")
	for _, c := range candidates {
		if info, err := fs.Stat(r.sdk, c); err == nil && !info.IsDir() {
			return api.OnResolveResult{Path: c, Namespace: nsSDK}
		}
	}
	return api.OnResolveResult{Errors: []api.Message{{Text: fmt.Sprintf("cannot resolve %q in sdk-js", p)}}}
}

func (r *resolver) loadSDK(args api.OnLoadArgs) (api.OnLoadResult, error) {
	data, err := fs.ReadFile(r.sdk, args.Path)
	if err != nil {
		return api.OnLoadResult{}, fmt.Errorf("sdk-js: %w", err)
	}
	loader := api.LoaderTS
	switch path.Ext(args.Path) {
	case ".js":
		loader = api.LoaderJS
	case ".json":
		loader = api.LoaderJSON
	}
	contents := string(data)
	return api.OnLoadResult{Contents: &contents, Loader: loader}, nil
}

// zodLocales is the file of zod 4 that gathers its ~40 locales.
const zodLocales = "/node_modules/zod/v4/locales/index.js"

// isZodLocales reports whether args is zod importing its locales. They
// are half of zod's code (~220 KB minified), which every function that
// imports z would carry and QuickJS would evaluate (~100 ms), for the
// z.locales.<language>() that functions do not use: the compiler links
// English alone.
func isZodLocales(args api.OnResolveArgs) bool {
	return args.Namespace == "file" && inNodeModules(args.Importer) && isRelative(args.Path) &&
		strings.HasSuffix(filepath.ToSlash(filepath.Join(args.ResolveDir, args.Path)), zodLocales)
}

// loadZodLocales loads zod's locales index with English alone.
func loadZodLocales(args api.OnLoadArgs) (api.OnLoadResult, error) {
	contents := `export { default as en } from "./en.js";` + "\n"
	return api.OnLoadResult{Contents: &contents, Loader: api.LoaderJS, ResolveDir: filepath.Dir(args.Path)}, nil
}

// problem reports an import error whose message names the import's
// location mid-sentence.
func problem(p importProblem) api.OnResolveResult {
	return api.OnResolveResult{Errors: []api.Message{{Text: p.text("the import"), Detail: p}}}
}

func isRelative(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../")
}

func inNodeModules(file string) bool {
	return strings.Contains(filepath.ToSlash(file), "/node_modules/")
}

// installed reports whether node_modules/pkg exists in dir or a folder
// above it, as Node's resolution looks for it.
func installed(dir, pkg string) bool {
	for {
		if info, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err == nil && info.IsDir() {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// npmInstall says how to install zod for a file in dir: "run npm install
// in" the nearest folder with a package.json at or above dir, or, without
// one, "run npm install zod in" the project root.
func (r *resolver) npmInstall(dir string) string {
	for d := dir; ; {
		if exists(filepath.Join(d, "package.json")) {
			return "run npm install in " + d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "run npm install " + zodPackage + " in " + r.root
		}
		d = parent
	}
}
