package host_test

import (
	"os"
	"testing"
)

// sharedCache is one compilation cache directory for the whole test
// binary: each guest is compiled once, not once per test.
var sharedCache string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ferry-host-test-cache-")
	if err != nil {
		panic(err)
	}
	sharedCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
