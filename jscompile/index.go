package jscompile

import (
	"errors"
	"path/filepath"
	"slices"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// indexed returns the functions the index.ts at root imports, in path
// order. esbuild parses index.ts (so comments, re-exports and TypeScript
// are understood) and resolves its relative imports ("./github/syncs/x.js"
// finds x.ts); every other import is ignored.
func indexed(root string) ([]Source, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	index := filepath.Join(absRoot, IndexFile)
	var (
		mu    sync.Mutex
		files []string
	)
	record := func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			if _, ok := args.PluginData.(passThrough); ok || args.Kind == api.ResolveEntryPoint {
				return api.OnResolveResult{}, nil
			}
			if args.Importer != index || !isRelative(args.Path) {
				return api.OnResolveResult{Path: args.Path, External: true}, nil
			}
			res := b.Resolve(args.Path, api.ResolveOptions{
				Importer: args.Importer, ResolveDir: args.ResolveDir, Kind: args.Kind, PluginData: passThrough{},
			})
			if len(res.Errors) > 0 {
				return api.OnResolveResult{Errors: res.Errors}, nil
			}
			mu.Lock()
			files = append(files, res.Path)
			mu.Unlock()
			return api.OnResolveResult{Path: args.Path, External: true}, nil
		})
	}
	result := api.Build(api.BuildOptions{
		EntryPoints:   []string{index},
		AbsWorkingDir: absRoot,
		Bundle:        true,
		Format:        api.FormatESModule,
		Platform:      api.PlatformNeutral,
		LogLevel:      api.LogLevelSilent,
		Plugins:       []api.Plugin{{Name: "ferry-index", Setup: record}},
	})
	if len(result.Errors) > 0 {
		return nil, messagesError(result.Errors, Source{Root: root})
	}
	slices.Sort(files)
	var (
		sources []Source
		errs    []error
	)
	for _, file := range slices.Compact(files) {
		rel, err := filepath.Rel(absRoot, file)
		if err != nil {
			return nil, err
		}
		src, err := sourceOf(filepath.Join(root, rel), root)
		if err != nil {
			errs = append(errs, errorf(ErrLayout, "%s imports %s, which is not a function: functions are in <integration>/syncs, actions or on-events",
				IndexFile, filepath.ToSlash(rel)))
			continue
		}
		sources = append(sources, src)
	}
	return sources, errors.Join(errs...)
}
