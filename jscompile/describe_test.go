package jscompile_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/jscompile"
)

// The tests describe functions in the host's QuickJS engine, as ferry
// compile does: one host for the test binary, its compiled engine cached
// on disk for the run.
var (
	testHostOnce sync.Once
	testHost     *host.Host
	testHostErr  error
	testCacheDir string
)

// hostDescriber returns the real describer: host.DescribeJS.
func hostDescriber(t testing.TB) jscompile.Describer {
	t.Helper()
	testHostOnce.Do(func() {
		testCacheDir, testHostErr = os.MkdirTemp("", "ferry-jscompile-test-")
		if testHostErr == nil {
			testHost, testHostErr = host.New(host.Config{CacheDir: testCacheDir, Prewarm: -1})
		}
	})
	if testHostErr != nil {
		t.Fatal(testHostErr)
	}
	return testHost.DescribeJS
}

func closeTestHost() {
	if testHost != nil {
		testHost.Close(context.Background())
	}
	if testCacheDir != "" {
		os.RemoveAll(testCacheDir)
	}
}
