package jscompile_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// update rewrites the golden manifests under testdata/golden.
var update = flag.Bool("update", false, "rewrite golden files")

// project is the test project. Its functions import zod from the
// repository's node_modules (package.json at the root; npm ci installs it).
const project = "testdata/project"

func TestMain(m *testing.M) {
	if _, err := os.Stat(filepath.Join("..", "node_modules", "zod", "package.json")); err != nil {
		fmt.Fprintf(os.Stderr, "jscompile's tests need zod: run npm ci at the repository's root (%v)\n", err)
		os.Exit(1)
	}
	code := m.Run()
	closeTestHost()
	os.Exit(code)
}
