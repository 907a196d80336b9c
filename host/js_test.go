package host_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host"
)

// loadJS loads a JS bundle holding testdata/js/<name>.js as an action that
// declares the model Item.
func (e *env) loadJS(name string) *host.Bundle {
	e.t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "js", name+".js"))
	if err != nil {
		e.t.Fatal(err)
	}
	wasm, err := bundle.NewJS(bundle.Manifest{
		Name: name, Type: bundle.TypeAction, Integration: "test",
		Models: map[string]json.RawMessage{"Item": json.RawMessage(`{"type":"object"}`)},
	}, script)
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := e.host.Load(context.Background(), wasm)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) runJS(b *host.Bundle, input string, timeout time.Duration) (host.Result, error) {
	return b.Run(context.Background(), host.Execution{
		Nango: e.nango(b, "conn-1", "http://127.0.0.1:1"), Input: []byte(input), Timeout: timeout,
	})
}

func TestJSBundleRuns(t *testing.T) {
	e := newEnv(t, host.Config{MemoryLimitPages: 1024})
	b := e.loadJS("contract")
	res, err := e.runJS(b, `{"mode":"echo","x":1}`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Output); got != `{"echo":{"mode":"echo","x":1}}` {
		t.Fatalf("output %s", got)
	}
	res, err = e.runJS(b, `{"mode":"save","n":100}`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.records("test", "conn-1", "Item")); n != 100 {
		t.Fatalf("store holds %d records, want 100", n)
	}
}

func TestJSFailuresAreTyped(t *testing.T) {
	e := newEnv(t, host.Config{MemoryLimitPages: 1024})
	b := e.loadJS("contract")
	for _, tc := range []struct {
		mode    string
		timeout time.Duration
		kind    host.Kind
		code    string
	}{
		{"fail", 0, host.KindFunction, "function_error"},
		{"actionError", 0, host.KindFunction, "action_error"},
		{"spin", 200 * time.Millisecond, host.KindTimeout, ""},
		{"sleep", 200 * time.Millisecond, host.KindTimeout, ""},
		{"hog", 0, host.KindMemoryLimit, ""},
		{"recurse", 0, host.KindTrap, ""},
		{"never", 0, host.KindFunction, "function_error"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			start := time.Now()
			_, err := e.runJS(b, fmt.Sprintf(`{"mode":%q}`, tc.mode), tc.timeout)
			var ee *host.ExecError
			if !errors.As(err, &ee) || ee.Kind != tc.kind {
				t.Fatalf("err = %v, want kind %s", err, tc.kind)
			}
			if tc.code != "" && (ee.Function == nil || ee.Function.Code != tc.code) {
				t.Fatalf("function error %+v, want code %s", ee.Function, tc.code)
			}
			if tc.timeout > 0 && time.Since(start) > tc.timeout+5*time.Second {
				t.Fatalf("took %s", time.Since(start))
			}
			t.Logf("%v", err)
		})
	}
	// The host keeps serving.
	if _, err := e.runJS(b, `{"mode":"echo"}`, 0); err != nil {
		t.Fatal(err)
	}
}

func TestJSEveryExecutionGetsAFreshInstance(t *testing.T) {
	e := newEnv(t, host.Config{})
	b := e.loadJS("contract")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.runJS(b, fmt.Sprintf(`{"mode":"global","who":"tenant-%d"}`, i), 0)
			if err == nil && string(res.Output) != `{"seen":null}` {
				err = fmt.Errorf("execution %d saw state of another: %s", i, res.Output)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestJSExecutionsDoNotAccumulate runs many executions and checks that the
// host's heap does not grow with them: every instance is closed whole.
func TestJSExecutionsDoNotAccumulate(t *testing.T) {
	e := newEnv(t, host.Config{})
	b := e.loadJS("contract")
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	run := func(n int) {
		for range n {
			if _, err := e.runJS(b, `{"mode":"echo"}`, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(50)
	before := heap()
	run(500)
	after := heap()
	if after > before+16<<20 {
		t.Fatalf("heap grew from %d to %d MiB over 500 executions", before>>20, after>>20)
	}
	t.Logf("heap %d → %d KiB", before>>10, after>>10)
}
