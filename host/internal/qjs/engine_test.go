package qjs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
)

// testEngine is an engine as the host configures it: the deadline is the
// engine's own (Config.Deadline), not wazero's CloseOnContextDone.
func testEngine(t testing.TB, host HostFunc) *Engine {
	t.Helper()
	return testEngineWith(t, host, false)
}

// testEngineWith is testEngine, or with closeOnDone an engine whose
// deadline is wazero's CloseOnContextDone.
func testEngineWith(t testing.TB, host HostFunc, closeOnDone bool) *Engine {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCompilationCache(testCache).
		WithMemoryLimitPages(1024).
		WithCloseOnContextDone(closeOnDone))
	t.Cleanup(func() { rt.Close(ctx) })
	if host == nil {
		host = func(_ context.Context, name string, req []byte) []byte {
			return []byte(`{"echo":` + string(req) + `,"name":"` + name + `"}`)
		}
	}
	e, err := New(ctx, Config{Runtime: rt, Host: host, MemoryLimit: 32 << 20, Deadline: !closeOnDone})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// evalInstance is a new instance of e, closed when the test ends, that has
// evaluated src.
func evalInstance(t testing.TB, e *Engine, src string) *Instance {
	t.Helper()
	ctx := context.Background()
	inst, err := e.NewInstance(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close(ctx) })
	if err := inst.Eval(ctx, "t.js", []byte(src)); err != nil {
		t.Fatal(err)
	}
	return inst
}

var testCache = wazero.NewCompilationCache()

func TestEvalAndCall(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	var out bytes.Buffer
	inst, err := e.NewInstance(ctx, &out)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	src := `globalThis.f = async (a, b) => { const r = JSON.parse(__ferry_host("req", JSON.stringify({a}))); await null; return r.name + ":" + r.echo.a + ":" + b; };`
	if err := inst.Eval(ctx, "t.js", []byte(src)); err != nil {
		t.Fatal(err)
	}
	got, err := inst.Call(ctx, "f", "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if got != "req:x:y" {
		t.Fatalf("got %q", got)
	}
}

func TestExceptions(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	inst, err := e.NewInstance(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	err = inst.Eval(ctx, "bad.js", []byte("let x = ;"))
	var je *JSError
	if !errors.As(err, &je) || !strings.Contains(je.Message, "SyntaxError") {
		t.Fatalf("syntax error: %v", err)
	}
	if err := inst.Eval(ctx, "t.js", []byte(`globalThis.f = async () => { throw new TypeError("boom") }`)); err != nil {
		t.Fatal(err)
	}
	_, err = inst.Call(ctx, "f")
	if !errors.As(err, &je) || je.Message != "TypeError: boom" || !strings.Contains(je.Stack, "t.js") {
		t.Fatalf("rejection: %#v", err)
	}
	// The instance keeps working after a JS exception.
	if err := inst.Eval(ctx, "ok.js", []byte("1")); err != nil {
		t.Fatal(err)
	}
}

func TestSandbox(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	inst, err := e.NewInstance(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	src := `globalThis.probe = async () => {
	  const r = {};
	  r.globals = ["std","os","bjson","print","scriptArgs"].filter(n => n in globalThis);
	  for (const [k, f] of Object.entries({
	    eval: () => eval("1"),
	    Function: () => Function("return 1")(),
	    ctor: () => (function(){}).constructor("return 1")(),
	    asyncCtor: () => (async function(){}).constructor("return 1"),
	  })) { try { f(); r[k] = "allowed"; } catch (e) { r[k] = e.name; } }
	  // import() is refused at compile time; were it reached, the modules
	  // still find no filesystem.
	  try {
	    const std = await import("qjs:std"), os = await import("qjs:os");
	    r.files = [std.loadFile("/etc/hostname"), std.open("/tmp/ferry-qjs-probe", "w"), os.readdir("/")[1] === 0 ? "listed" : null];
	  } catch (e) { r.files = e.name; }
	  return JSON.stringify(r);
	};`
	if err := inst.Eval(ctx, "probe.js", []byte(src)); err != nil {
		t.Fatal(err)
	}
	got, err := inst.Call(ctx, "probe")
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	json.Unmarshal([]byte(got), &r)
	t.Logf("%s", got)
	if len(r["globals"].([]any)) != 0 {
		t.Errorf("globals left: %v", r["globals"])
	}
	if files, ok := r["files"].([]any); ok && (files[0] != nil || files[1] != nil || files[2] != nil) {
		t.Errorf("file access: %v", files)
	}
	for _, k := range []string{"eval", "Function", "ctor", "asyncCtor"} {
		if r[k] != "EvalError" {
			t.Errorf("%s: %v", k, r[k])
		}
	}
}

func TestTimeout(t *testing.T) {
	for _, closeOnDone := range []bool{false, true} {
		t.Run(fmt.Sprintf("closeOnDone=%v", closeOnDone), func(t *testing.T) {
			testTimeout(t, testEngineWith(t, nil, closeOnDone))
		})
	}
}

func testTimeout(t *testing.T, e *Engine) {
	for _, src := range []string{
		`globalThis.f = () => { while (true) {} }`,
		`globalThis.f = () => new Promise(r => setTimeout(r, 60000))`,
		// A loop in C, with no JS in it.
		`globalThis.f = () => Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1)`,
	} {
		ctx := context.Background()
		inst, err := e.NewInstance(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := inst.Eval(ctx, "t.js", []byte(src)); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		start := time.Now()
		_, err = inst.Call(cctx, "f")
		cancel()
		if !errors.Is(err, ErrBroken) || time.Since(start) > 5*time.Second {
			t.Fatalf("%s: err %v after %s", src, err, time.Since(start))
		}
		inst.Close(ctx)
	}
}

func TestTimers(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	inst := evalInstance(t, e, `globalThis.f = async () => { const t0 = Date.now(); await new Promise(r => setTimeout(r, 30)); const out = []; await Promise.all([1,2,3].map(async i => { await new Promise(r => setTimeout(r, 10 * (4 - i))); out.push(i); })); return JSON.stringify({waited: Date.now() - t0 >= 30, out}); };`)
	got, err := inst.Call(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	if got != `{"waited":true,"out":[3,2,1]}` {
		t.Fatalf("got %s", got)
	}
}

func TestSnapshotRestore(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	inst, err := e.NewInstance(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := `globalThis.counter = 0; globalThis.big = Array.from({length: 10000}, (_, i) => ({i})); globalThis.f = async (who) => { counter++; globalThis.who = who; return counter + ":" + big.length + ":" + JSON.parse(__ferry_host("n", "{}")).name; };`
	if err := inst.Eval(ctx, "t.js", []byte(src)); err != nil {
		t.Fatal(err)
	}
	snap, err := inst.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	inst.Close(ctx)
	for _, who := range []string{"a", "b"} {
		r, err := e.Restore(ctx, snap, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Call(ctx, "f", who)
		if err != nil {
			t.Fatal(err)
		}
		// Each restored instance starts from the snapshot: the counter
		// the other one incremented is not seen.
		if got != "1:10000:n" {
			t.Fatalf("%s: got %q", who, got)
		}
		r.Close(ctx)
	}
	t.Logf("snapshot %d KiB", snap.Size()>>10)
}

func TestLimits(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	for _, tc := range []struct{ name, src, want string }{
		{"js memory limit", `globalThis.f = () => { const a = []; for (;;) a.push(new Array(1e5).fill(1.5)); }`, "out of memory"},
		{"strings", `globalThis.f = () => { let s = "x"; for (;;) s = s + s; }`, "out of memory"},
		{"recursion", `function r(n) { return n ? 1 + r(n - 1) : 0 } globalThis.f = () => r(1e7)`, "stack overflow: recursion too deep"},
		{"deep but within the stack", `function r(n) { return n ? 1 + r(n - 1) : 0 } globalThis.f = () => { r(2500); throw new Error("fine") }`, "Error: fine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst := evalInstance(t, e, tc.src)
			_, err := inst.Call(ctx, "f")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			t.Logf("%v (memory %d MiB)", err, inst.MemorySize()>>20)
		})
	}
}

// TestStackOverflowServesNothing: once the stack ran into its guard, the
// function's host calls go unanswered and the call fails.
func TestStackOverflowServesNothing(t *testing.T) {
	ctx := context.Background()
	served := 0
	e := testEngine(t, func(context.Context, string, []byte) []byte { served++; return []byte(`{}`) })
	overflowed := false
	for d := 3000; d <= 6000; d += 250 {
		inst, err := e.NewInstance(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		src := fmt.Sprintf(`function r(n) { if (n === 0) { __ferry_host("log", "{}"); return 0 } return 1 + r(n - 1) } globalThis.f = async () => String(r(%d))`, d)
		if err := inst.Eval(ctx, "t.js", []byte(src)); err != nil {
			t.Fatal(err)
		}
		served = 0
		_, err = inst.Call(ctx, "f")
		inst.Close(ctx)
		switch {
		case err == nil && served != 1:
			t.Fatalf("depth %d: succeeded with %d host calls", d, served)
		case err != nil && !errors.Is(err, ErrStackOverflow):
			t.Fatalf("depth %d: %v", d, err)
		case err != nil && served != 0:
			t.Fatalf("depth %d: overflowed, yet %d host calls were served", d, served)
		case err != nil:
			overflowed = true
		}
	}
	if !overflowed {
		t.Fatal("no depth overflowed the stack")
	}
}
