package jscompile

import (
	"errors"
	"fmt"
)

// Sentinel errors of a compile. Every error a compile returns because of
// the user's code wraps one of them (an error joining several failures
// wraps theirs), so callers test with errors.Is and show the message,
// which names the file, line and column on its own.
var (
	// ErrNoFunctions means the path holds no function: no .ts or .js file
	// in an <integration>/{syncs,actions,on-events} folder.
	ErrNoFunctions = errors.New("no functions found")

	// ErrLayout means a function is not where Nango's layout wants it: a
	// file outside <integration>/{syncs,actions,on-events}, a definition
	// whose type disagrees with its folder, two functions that would write
	// the same bundle, or an index.ts importing a file that is not a
	// function.
	ErrLayout = errors.New("function does not follow the project layout")

	// ErrBuild means esbuild could not bundle the function: a syntax
	// error, an unresolved relative import, an unreadable file.
	ErrBuild = errors.New("build failed")

	// ErrUnknownImport means a function imports a package ferry does not
	// provide (anything but nango, zod, crypto, url, buffer and relative
	// files).
	ErrUnknownImport = errors.New("unknown import")

	// ErrMissingPackage means zod is imported but not installed in the
	// project's node_modules.
	ErrMissingPackage = errors.New("package not installed")

	// ErrNoDefaultExport means the file does not export its definition as
	// its default export.
	ErrNoDefaultExport = errors.New("no default export")

	// ErrDefinition means the definition is invalid: describing it threw
	// (not a createSync/createAction/createOnEvent result, bad options, a
	// model that is not a zod schema) or the manifest it gives breaks a
	// rule of bundle.Manifest.Validate (then the error also wraps
	// bundle.ErrInvalidManifest) or of a sync's models.
	ErrDefinition = errors.New("invalid function definition")
)

// compileError is an error with its own precise message that matches one
// of the sentinels above, and optionally a cause, with errors.Is.
type compileError struct {
	sentinel error
	cause    error
	msg      string
}

func (e *compileError) Error() string { return e.msg }

func (e *compileError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.sentinel}
	}
	return []error{e.sentinel, e.cause}
}

// errorf returns an error whose message is the formatted text alone and
// which wraps sentinel.
func errorf(sentinel error, format string, args ...any) error {
	return &compileError{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}
