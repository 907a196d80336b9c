package bundle

import (
	"errors"
	"fmt"
)

// Sentinel errors returned by this package. Every error caused by a bad
// module or manifest wraps exactly one of them, so callers (the server maps
// them to HTTP 400) test with errors.Is and show the message, which is
// precise on its own:
//
//	not a WebAssembly module: truncated section 3 at offset 120
//	manifest: frequency is required for a sync
//	action bundle does not export "action"
var (
	// ErrNotWasm means the input is not a well-formed WebAssembly binary
	// module: bad magic bytes, an unsupported version, or a malformed or
	// truncated section.
	ErrNotWasm = errors.New("not a WebAssembly module")

	// ErrNoManifest means the module has no "ferry.manifest" custom section.
	ErrNoManifest = errors.New(`bundle has no "ferry.manifest" custom section`)

	// ErrInvalidManifest means the manifest is not valid JSON, has an
	// unknown field, breaks a rule of [Manifest.Validate], or says kind
	// native for a bundle that carries a [ScriptSection].
	ErrInvalidManifest = errors.New("invalid manifest")

	// ErrNoEntryPoint means the module lacks the code its manifest
	// requires: a native bundle does not export, as a function, an entry
	// point (see [Manifest.EntryPoint]); a JS bundle has no script (or
	// an empty, repeated or non-UTF-8 [ScriptSection]) or does not import
	// the engine.
	ErrNoEntryPoint = errors.New("bundle does not export its entry point")

	// ErrUnknownImport means the module imports something the caller's
	// [ImportPolicy] does not allow, or a JS bundle imports anything but
	// the engine.
	ErrUnknownImport = errors.New("bundle imports an unknown host function")
)

// bundleError is an error with its own precise message that still matches
// one of the sentinels above with errors.Is.
type bundleError struct {
	sentinel error
	msg      string
}

func (e *bundleError) Error() string { return e.msg }
func (e *bundleError) Unwrap() error { return e.sentinel }

// errorf returns an error whose message is the formatted text alone and
// which wraps sentinel.
func errorf(sentinel error, format string, args ...any) error {
	return &bundleError{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

// notWasm returns an ErrNotWasm error: "not a WebAssembly module: <detail>".
func notWasm(format string, args ...any) error {
	return errorf(ErrNotWasm, "%s: %s", ErrNotWasm, fmt.Sprintf(format, args...))
}

// invalidManifest returns an ErrInvalidManifest error: "manifest: <detail>".
func invalidManifest(format string, args ...any) error {
	return errorf(ErrInvalidManifest, "manifest: %s", fmt.Sprintf(format, args...))
}
