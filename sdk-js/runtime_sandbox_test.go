package sdkjs_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/jscompile"
)

// TestIsolationBetweenExecutions: globals and module state set by one
// execution are not seen by the next.
func TestIsolationBetweenExecutions(t *testing.T) {
	b := function(t, "sandbox/actions/remember-caller")
	e := newEnv(t, nil)
	for _, caller := range []string{"tenant-a", "tenant-b", "tenant-c"} {
		res, _ := e.mustRun(b, `{"caller":"`+caller+`"}`)
		if got := string(res.Output); got != `{"previousCaller":null,"invocations":1}` {
			t.Fatalf("%s saw another execution's state: %s", caller, got)
		}
	}
}

// TestTimeoutKeepsTheHostServing: a function stuck in a loop ends with
// KindTimeout at its deadline, and the host runs the next execution.
func TestTimeoutKeepsTheHostServing(t *testing.T) {
	b := function(t, "sandbox/actions/busy-loop")
	e := newEnv(t, nil)
	start := time.Now()
	_, _, err := e.run(b, host.Execution{Input: []byte(`{}`), Timeout: 200 * time.Millisecond})
	execError(t, err, host.KindTimeout)
	if !errors.Is(err, host.ErrTimeout) {
		t.Errorf("%v does not match host.ErrTimeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the timeout took %s", d)
	}

	// The same bundle and another one still run.
	_, _, err = e.run(b, host.Execution{Input: []byte(`{}`), Timeout: 100 * time.Millisecond})
	execError(t, err, host.KindTimeout)
	res, _ := e.mustRun(function(t, "sandbox/actions/remember-caller"), `{"caller":"after-timeout"}`)
	if got := string(res.Output); got != `{"previousCaller":null,"invocations":1}` {
		t.Fatalf("output after a timeout: %s", got)
	}
}

// TestMemoryLimit: a function that keeps allocating ends with
// KindMemoryLimit under the host's cap, and the host keeps serving.
func TestMemoryLimit(t *testing.T) {
	b := function(t, "sandbox/actions/memory-hog")
	e := newEnv(t, nil)
	_, _, err := e.run(b, hostExec(`{}`))

	res, _ := e.mustRun(function(t, "sandbox/actions/remember-caller"), `{"caller":"after-oom"}`)
	if got := string(res.Output); got != `{"previousCaller":null,"invocations":1}` {
		t.Fatalf("output after the memory limit: %s", got)
	}

	execError(t, err, host.KindMemoryLimit)
	if !errors.Is(err, host.ErrMemoryLimit) {
		t.Errorf("%v does not match host.ErrMemoryLimit", err)
	}
}

// TestNoDynamicCode: eval and the function constructors throw inside a
// function; it catches the errors and carries on.
func TestNoDynamicCode(t *testing.T) {
	b := function(t, "sandbox/actions/dynamic-code")
	e := newEnv(t, nil)
	res, _ := e.mustRun(b, `{}`)
	type attempt struct {
		OK    bool    `json:"ok"`
		Value any     `json:"value"`
		Error *string `json:"error"`
	}
	out := decode[map[string]attempt](t, res.Output)
	for _, what := range []string{"eval", "functionConstructor", "asyncFunctionConstructor"} {
		a, ok := out[what]
		if !ok {
			t.Errorf("%s: not tried", what)
			continue
		}
		if a.OK || a.Value != nil || a.Error == nil || *a.Error == "" {
			t.Errorf("%s ran: %+v", what, a)
		}
	}
}

// TestForbiddenImportsDoNotCompile: a function importing QuickJS's os
// module or Node's fs is refused at compile time.
func TestForbiddenImportsDoNotCompile(t *testing.T) {
	h := testHost(t)
	for _, tc := range []struct{ file, module string }{
		{"forbidden/actions/run-command.ts", "qjs:os"},
		{"forbidden/actions/read-config.ts", "fs"},
	} {
		t.Run(tc.module, func(t *testing.T) {
			fns, err := jscompile.Compile(context.Background(), filepath.Join(functionsDir, tc.file), jscompile.Options{Describe: h.DescribeJS})
			if !errors.Is(err, jscompile.ErrUnknownImport) {
				t.Fatalf("err = %v, want jscompile.ErrUnknownImport", err)
			}
			if len(fns) != 0 {
				t.Errorf("%d functions compiled", len(fns))
			}
			if msg := err.Error(); !strings.Contains(msg, `"`+tc.module+`"`) || !strings.Contains(msg, filepath.Base(tc.file)) {
				t.Errorf("message %q does not name the import and the file", msg)
			}
		})
	}
}

// TestTimersEndWithTheExecution: timers a function leaves pending are
// cleared when it returns (as Nango discards the function's context), an
// exception thrown in a timer fails the run, and a promise nothing
// settles ends the run instead of hanging it.
func TestTimersEndWithTheExecution(t *testing.T) {
	b := function(t, "sandbox/actions/timers")
	e := newEnv(t, nil)
	for _, tc := range []struct {
		mode, want, wantErr string
	}{
		{"dangling", `{"ticks":1}`, ""},
		{"cleared", `{"ticks":3}`, ""},
		{"throwing", "", "uncaught exception in a timer callback: late failure"},
		{"never", "", "the function never finished"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			start := time.Now()
			res, _, err := e.run(b, host.Execution{Input: []byte(`{"mode":"` + tc.mode + `"}`), Timeout: 10 * time.Second})
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("took %s: the execution waited for its timers", d)
			}
			if tc.wantErr != "" {
				var ee *host.ExecError
				if !errors.As(err, &ee) || ee.Kind != host.KindFunction || !strings.Contains(ee.Message, tc.wantErr) {
					t.Fatalf("err = %v, want a function error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(res.Output) != tc.want {
				t.Fatalf("output %s, err %v; want %s", res.Output, err, tc.want)
			}
		})
	}
}
