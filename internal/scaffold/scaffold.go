// Package scaffold writes a new integrations folder: what `ferry init`
// creates. The folder follows Nango's layout and compiles and passes
// `ferry test` as soon as `npm install` has installed zod:
//
//	package.json       zod pinned, scripts compile and test calling ferry
//	tsconfig.json      strict; maps nango (and node:crypto, url, buffer) to .ferry/nango
//	.gitignore         node_modules/ and build/
//	README.md
//	.ferry/nango/      the nango package's TypeScript, from the ferry binary (sdk-js)
//	.ferry/globals.d.ts
//	<integration>/syncs/issues.ts, actions/create-issue.ts and their tests/
//
// The example functions call GitHub (the built-in provider catalog's
// github entry); their fixtures name that provider, so the integration
// folder may have any name. The templates are embedded: template/, where
// files ending in .tmpl are text/template sources and the folder
// "integration" stands for the integration's name.
package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// DefaultIntegration is the integration folder's name when Options gives
// none.
const DefaultIntegration = "github"

// ZodVersion is the zod package.json pins: the one ferry's own examples
// and tests use.
const ZodVersion = "4.6.7"

// SDKDir is where, inside the new folder, the nango package's TypeScript
// is written for editors and tsc (ferry compile uses its own copy).
const SDKDir = ".ferry/nango"

var (
	// ErrExists is wrapped by the error Write returns when files it would
	// write are there already and Options.Force is false.
	ErrExists = errors.New("already exists")
	// ErrIntegrationName is wrapped by the error for an integration name
	// that cannot be a folder of functions.
	ErrIntegrationName = errors.New("invalid integration name")
)

// Options configures Write and Files. The zero value is usable.
type Options struct {
	// Integration is the integration's folder and provider config key;
	// default DefaultIntegration.
	Integration string
	// Force overwrites files that already exist.
	Force bool
}

// ExistsError lists the files Write did not overwrite. Nothing was
// written.
type ExistsError struct {
	Dir   string
	Paths []string // slash-separated, relative to Dir, sorted
}

func (e *ExistsError) Error() string {
	const shown = 3
	var names []string
	for _, p := range e.Paths[:min(len(e.Paths), shown)] {
		names = append(names, filepath.Join(e.Dir, filepath.FromSlash(p)))
	}
	list := strings.Join(names, ", ")
	if more := len(e.Paths) - shown; more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	verb := "already exists"
	if len(e.Paths) > 1 {
		verb = "already exist"
	}
	return fmt.Sprintf("%s %s", list, verb)
}

// Is matches ErrExists.
func (e *ExistsError) Is(target error) bool { return target == ErrExists }

// Files returns the paths Write creates for opts, slash-separated,
// relative to the folder and sorted.
func Files(opts Options) ([]string, error) {
	files, err := render("", opts)
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.path
	}
	return paths, nil
}

// Write creates the integrations folder in dir, making dir if needed.
// Unless opts.Force is set, it writes nothing when any of its files
// exists already and returns an *ExistsError; other files in dir are
// left alone.
func Write(dir string, opts Options) error {
	files, err := render(dir, opts)
	if err != nil {
		return err
	}
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if !opts.Force {
		var existing []string
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f.path))); err == nil {
				existing = append(existing, f.path)
			}
		}
		if len(existing) > 0 {
			return &ExistsError{Dir: dir, Paths: existing}
		}
	}
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := writeFile(path, f.data, opts.Force); err != nil {
			return err
		}
	}
	return nil
}

// writeFile creates path; with force it replaces what is there.
func writeFile(path string, data []byte, force bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

var integrationName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// reservedNames are folders the compiler skips or that hold no functions.
var reservedNames = []string{"node_modules", "build", "dist", "tests", "syncs", "actions", "on-events"}

// checkIntegration validates an integration name: it becomes a folder
// and a provider config key.
func checkIntegration(name string) error {
	switch {
	case !integrationName.MatchString(name):
		return fmt.Errorf("%w %q: use lower-case letters, digits, '-' and '_', starting with a letter or digit", ErrIntegrationName, name)
	case len(name) > 100:
		return fmt.Errorf("%w %q: at most 100 characters", ErrIntegrationName, name)
	case slices.Contains(reservedNames, name):
		return fmt.Errorf("%w %q: the name is reserved for another folder", ErrIntegrationName, name)
	}
	return nil
}
