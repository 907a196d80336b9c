package jscompile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/bundle"
)

// IndexFile is the optional file at a project's root that selects the
// functions to compile by importing them, as in Nango.
const IndexFile = "index.ts"

// folderTypes maps the folders of Nango's layout to the type of the
// functions they hold.
var folderTypes = map[string]bundle.FunctionType{
	"syncs":     bundle.TypeSync,
	"actions":   bundle.TypeAction,
	"on-events": bundle.TypeOnEvent,
}

// skippedDirs are never searched for functions: installed packages and
// build output (Nango compiles into dist/ and build/).
var skippedDirs = []string{"node_modules", "dist", "build"}

// Source is one function's source file, where Nango's layout puts it.
type Source struct {
	Path        string              // the .ts or .js file
	Root        string              // the project root; messages name files relative to it (a driver may change it)
	Integration string              // the folder above the syncs, actions or on-events folder
	Name        string              // the file name without its extension
	Type        bundle.FunctionType // the type its folder (syncs, actions, on-events) implies
}

// rel names path in messages: relative to s.Root when it is inside it,
// else absolute.
func (s Source) rel(path string) string {
	root, err1 := filepath.Abs(s.Root)
	abs, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return path
	}
	if r, err := filepath.Rel(root, abs); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return abs
}

// Find returns the functions path holds, in path order. path is one .ts or
// .js file in an <integration>/{syncs,actions,on-events} folder, or a folder
// searched for such files (a project root or one integration's folder;
// node_modules, dist, build and hidden folders are skipped, and so is a
// .js file beside the .ts of the same name). When the folder has an
// index.ts, only the functions it imports are returned.
//
// Errors wrap [ErrNoFunctions] when there are none, [ErrLayout] for a file
// outside the layout or two functions that would write the same bundle.
func Find(path string) ([]Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var sources []Source
	switch {
	case !info.IsDir():
		src, err := sourceOf(path, "")
		if err != nil {
			return nil, err
		}
		sources = []Source{src}
	case exists(filepath.Join(path, IndexFile)):
		if sources, err = indexed(path); err != nil {
			return nil, err
		}
	default:
		if sources, err = walk(path); err != nil {
			return nil, err
		}
	}
	if len(sources) == 0 {
		return nil, errorf(ErrNoFunctions, "%s: %s: functions are .ts files in <integration>/syncs, actions or on-events", path, ErrNoFunctions)
	}
	if err := checkUnique(sources); err != nil {
		return nil, err
	}
	return sources, nil
}

// sourceOf places file in the layout. root is the project root, or ""
// for the folder above the integration's.
func sourceOf(file, root string) (Source, error) {
	ext := filepath.Ext(file)
	if !isFunctionFile(filepath.Base(file)) {
		return Source{}, errorf(ErrLayout, "%s: not a function: a function is a .ts or .js file", file)
	}
	dir := filepath.Dir(file)
	typ, ok := folderTypes[filepath.Base(dir)]
	integrationDir := filepath.Dir(dir)
	abs, err := filepath.Abs(integrationDir)
	if err != nil {
		return Source{}, err
	}
	integration := filepath.Base(abs)
	if !ok || integration == string(filepath.Separator) {
		return Source{}, errorf(ErrLayout, "%s: a function must be in <integration>/syncs, <integration>/actions or <integration>/on-events", file)
	}
	if root == "" {
		root = filepath.Dir(integrationDir)
	}
	return Source{
		Path:        file,
		Root:        root,
		Integration: integration,
		Name:        strings.TrimSuffix(filepath.Base(file), ext),
		Type:        typ,
	}, nil
}

// isFunctionFile reports whether a file name in a syncs, actions or
// on-events folder is a function: .ts or .js, not a declaration or a test.
func isFunctionFile(name string) bool {
	ext := filepath.Ext(name)
	if ext != ".ts" && ext != ".js" {
		return false
	}
	for _, suffix := range []string{".d.ts", ".test.ts", ".spec.ts", ".test.js", ".spec.js"} {
		if strings.HasSuffix(name, suffix) {
			return false
		}
	}
	return true
}

// walk finds every function under root.
func walk(root string) ([]Source, error) {
	var sources []Source
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || slices.Contains(skippedDirs, name)) {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := folderTypes[filepath.Base(filepath.Dir(path))]; !ok || !isFunctionFile(name) {
			return nil
		}
		if stem, ok := strings.CutSuffix(path, ".js"); ok && exists(stem+".ts") {
			return nil // compiled beside its source
		}
		src, err := sourceOf(path, root)
		if err != nil {
			// A syncs folder at the root itself has no integration.
			return err
		}
		sources = append(sources, src)
		return nil
	})
	return sources, err
}

// checkUnique rejects two functions of one integration with one name:
// they would write the same <integration>/<name>.wasm.
func checkUnique(sources []Source) error {
	seen := make(map[[2]string]Source, len(sources))
	var errs []error
	for _, s := range sources {
		key := [2]string{s.Integration, s.Name}
		if first, dup := seen[key]; dup {
			errs = append(errs, errorf(ErrLayout, "%s and %s are both function %s/%s: rename one",
				s.rel(first.Path), s.rel(s.Path), s.Integration, s.Name))
			continue
		}
		seen[key] = s
	}
	return errors.Join(errs...)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// String returns the function as integration/name, for messages.
func (s Source) String() string { return fmt.Sprintf("%s/%s", s.Integration, s.Name) }
