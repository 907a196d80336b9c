// Package gobuild builds a function written in Go into a ferry bundle: the
// standard Go toolchain compiles the directory's main package for wasip1 as
// a reactor (-buildmode=c-shared), and the manifest.json beside it is
// validated and embedded as the bundle's manifest section.
package gobuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/ferryhq/ferry/bundle"
)

// ManifestFile is the name of a Go function's manifest, beside its main.go.
const ManifestFile = "manifest.json"

// mergeGap is the widest run of zeros merged into a data segment: 64 bytes
// turns Go's ~40,000 segments into about a dozen for ~10% more file.
const mergeGap = 64

// ErrNotGoFunction is returned for a directory without main.go and
// manifest.json.
var ErrNotGoFunction = errors.New("not a Go function directory")

// IsFunctionDir reports whether dir holds a Go function: a manifest.json
// and at least one .go file.
func IsFunctionDir(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
		return false
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(matches) > 0
}

// Build compiles the Go function in dir and returns the bundle's bytes.
func Build(ctx context.Context, dir string) ([]byte, error) {
	if !IsFunctionDir(dir) {
		return nil, fmt.Errorf("build %s: %w: it needs %s and a main package", dir, ErrNotGoFunction, ManifestFile)
	}
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", dir, err)
	}
	m, err := bundle.ParseManifest(raw)
	if err != nil {
		return nil, fmt.Errorf("build %s: %s: %w", dir, ManifestFile, err)
	}
	wasm, err := compile(ctx, dir)
	if err != nil {
		return nil, err
	}
	// Go's linker splits data into tens of thousands of tiny segments;
	// merged, every instance of the bundle starts ~1 ms sooner.
	wasm, err = bundle.MergeDataSegments(wasm, mergeGap)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", dir, err)
	}
	out, err := bundle.Encode(wasm, *m)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", dir, err)
	}
	return out, nil
}

// compile runs go build for wasip1 and returns the module.
func compile(ctx context.Context, dir string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "ferry-gobuild-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "function.wasm")
	cmd := exec.CommandContext(ctx, "go", "build", "-buildmode=c-shared", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("build %s: go build: %w\n%s", dir, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return os.ReadFile(out)
}
