package jscompile

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// messagesError turns esbuild's errors into one error joining them all,
// each naming its file:line:column, once: both scripts' entries import
// the user's file, so an error can come twice, and the describe entry's
// import of zod fails when the user's does.
func messagesError(msgs []api.Message, src Source) error {
	userMissing := slices.ContainsFunc(msgs, func(m api.Message) bool {
		p, ok := m.Detail.(importProblem)
		return ok && p.sentinel == ErrMissingPackage && !p.describing
	})
	seen := make(map[string]bool, len(msgs))
	errs := make([]error, 0, len(msgs))
	for _, m := range msgs {
		if p, ok := m.Detail.(importProblem); ok && p.describing && userMissing {
			continue
		}
		err := messageError(m, src)
		if !seen[err.Error()] {
			seen[err.Error()] = true
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// messageError turns one esbuild message into an error: "file:line:col:
// text", or the resolver's own wording for import problems.
func messageError(m api.Message, src Source) error {
	at := location(m.Location, src)
	if p, ok := m.Detail.(importProblem); ok {
		return errorf(p.sentinel, "%s", p.text(at))
	}
	if isEntry(m.Location) && strings.Contains(m.Text, `"default"`) {
		// The entry's only import that can fail is the user's default.
		return errorf(ErrNoDefaultExport, "%s: no default export: export default %s({...})", src.rel(src.Path), creators[src.Type])
	}
	if at == "" {
		return errorf(ErrBuild, "%s: %s", src.rel(src.Path), m.Text)
	}
	return errorf(ErrBuild, "%s: %s", at, m.Text)
}

// location formats where a message points: "file:line:column" with a
// 1-based column, the file relative to the root as esbuild prints it;
// the function's file for the virtual entry; "sdk-js/<file>" inside sdk-js.
func location(loc *api.Location, src Source) string {
	if loc == nil {
		return ""
	}
	if isEntry(loc) {
		return src.rel(src.Path)
	}
	file := loc.File
	if f, ok := strings.CutPrefix(file, nsSDK+":"); ok {
		file = "sdk-js/" + f
	} else if filepath.IsAbs(file) {
		file = src.rel(file)
	} else if !inPluginNamespace(file) {
		// esbuild names files relative to its working directory, the root.
		file = src.rel(filepath.Join(src.Root, filepath.FromSlash(file)))
	}
	return fmt.Sprintf("%s:%d:%d", file, loc.Line, loc.Column+1)
}

// isEntry reports whether loc is in the virtual entry. esbuild names
// files of plugin namespaces "namespace:path".
func isEntry(loc *api.Location) bool {
	return loc != nil && (loc.Namespace == nsEntry || strings.HasPrefix(loc.File, nsEntry+":"))
}

// inPluginNamespace reports whether esbuild's name for a file is
// "namespace:path", a module of one of the plugin's namespaces.
func inPluginNamespace(file string) bool {
	return !filepath.IsAbs(file) && strings.Contains(file, ":")
}

// isUserFile reports whether loc is in one of the user's own files: not
// a module the compiler provides, not an installed package.
func isUserFile(loc *api.Location) bool {
	return loc != nil && (loc.Namespace == "" || loc.Namespace == "file") &&
		!inPluginNamespace(loc.File) && !inNodeModules("/"+filepath.ToSlash(loc.File))
}
