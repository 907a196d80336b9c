package qjs

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// countdownModule is, hand-assembled,
//
//	(module
//	  (import "env" "tick" (func (param i32 i64 i32 i32) (result i64)))
//	  (global i32 (i32.const 0))
//	  (func (export "count") (param i32) (result i32)
//	    (loop $l
//	      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
//	    (local.get 0)))
var countdownModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
	0x01, 0x0e, 0x02, // types:
	0x60, 0x01, 0x7f, 0x01, 0x7f, // (i32) -> i32
	0x60, 0x04, 0x7f, 0x7e, 0x7f, 0x7f, 0x01, 0x7e, // (i32, i64, i32, i32) -> i64
	0x02, 0x0c, 0x01, 0x03, 'e', 'n', 'v', 0x04, 't', 'i', 'c', 'k', 0x00, 0x01, // import env.tick
	0x03, 0x02, 0x01, 0x00, // function 1 has type 0
	0x06, 0x06, 0x01, 0x7f, 0x00, 0x41, 0x00, 0x0b, // global 0: i32 const 0
	0x07, 0x09, 0x01, 0x05, 'c', 'o', 'u', 'n', 't', 0x00, 0x01, // export "count"
	0x0a, 0x12, 0x01, 0x10, // code: one body of 16 bytes
	0x00,       // no locals
	0x03, 0x40, // loop
	0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, // local.get 0, i32.const 1, i32.sub, local.tee 0
	0x0d, 0x00, // br_if 0
	0x0b,       // end (loop)
	0x20, 0x00, // local.get 0
	0x0b, // end (function)
}

func TestInstrumentLoops(t *testing.T) {
	wasm, err := instrumentLoops(countdownModule, "env", "tick")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	var ticks int
	var stop error
	_, err = rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
			if uint32(stack[2]) != tickArgc {
				t.Errorf("tick with argc %d, want %d", uint32(stack[2]), uint32(tickArgc))
			}
			ticks++
			if stop != nil {
				panic(stop)
			}
			stack[0] = 0
		}), []api.ValueType{api.ValueTypeI32, api.ValueTypeI64, api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}).
		Export("tick").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := rt.Instantiate(ctx, wasm)
	if err != nil {
		t.Fatalf("the instrumented module does not validate: %v", err)
	}
	count := mod.ExportedFunction("count")
	if res, err := count.Call(ctx, 2*tickEvery+tickEvery/2); err != nil || res[0] != 0 {
		t.Fatalf("count = %v, %v; want 0", res, err)
	}
	if ticks != 2 {
		t.Fatalf("%d ticks in 2.5 budgets of iterations, want 2", ticks)
	}
	stop = context.DeadlineExceeded
	if _, err := count.Call(ctx, tickEvery); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("count with a failing tick: %v, want its error", err)
	}
}

func TestInstrumentLoopsDropsDWARF(t *testing.T) {
	custom := func(name string) []byte {
		body := append([]byte{byte(len(name))}, name...)
		return append([]byte{0x00, byte(len(body))}, body...)
	}
	in := append(append(append([]byte(nil), countdownModule...), custom(".debug_line")...), custom("producers")...)
	out, err := instrumentLoops(in, "env", "tick")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(".debug_line")) || !bytes.Contains(out, []byte("producers")) {
		t.Fatal("want the DWARF section dropped and the other custom section kept")
	}
}

func TestInstrumentLoopsRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		tick string
		want string
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-3] }, "tick", "malformed size"},
		{"SIMD", func(b []byte) []byte {
			// local.get 0 becomes a SIMD opcode.
			b = append([]byte(nil), b...)
			b[len(b)-3] = 0xfd
			return b
		}, "tick", "unsupported instruction 0xfd"},
		{"no globals", func(b []byte) []byte {
			i := bytes.Index(b, []byte{0x06, 0x06, 0x01})
			return append(append([]byte(nil), b[:i]...), b[i+8:]...)
		}, "tick", "no global section"},
		{"no tick import", func(b []byte) []byte { return b }, "tock", "no function imported as env.tock"},
		{"tick of another type", func(b []byte) []byte {
			b = append([]byte(nil), b...)
			b[bytes.Index(b, []byte("tick"))+5] = 0x00 // the import's type index: (i32) -> i32
			return b
		}, "tick", "env.tick is not of type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := instrumentLoops(tc.edit(countdownModule), "env", tc.tick); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestAppendSigned(t *testing.T) {
	for _, tc := range []struct {
		v    int32
		want []byte
	}{
		{0, []byte{0x00}}, {1, []byte{0x01}}, {-1, []byte{0x7f}}, {63, []byte{0x3f}}, {64, []byte{0xc0, 0x00}},
		{-64, []byte{0x40}}, {-65, []byte{0xbf, 0x7f}}, {tickEvery, []byte{0x90, 0xce, 0x00}},
	} {
		if got := appendSigned(nil, tc.v); !bytes.Equal(got, tc.want) {
			t.Errorf("appendSigned(%d) = % x, want % x", tc.v, got, tc.want)
		}
	}
}

func TestDeadlineErrors(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	inst := evalInstance(t, e, `globalThis.f = () => { for (;;) {} }; globalThis.g = () => "g"`)

	done, cancel := context.WithCancel(ctx)
	cancel()
	fresh, err := e.NewInstance(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close(ctx)
	if _, err := fresh.Call(done, "g"); !errors.Is(err, ErrBroken) || !errors.Is(err, context.Canceled) {
		t.Fatalf("call under a canceled context: %v, want ErrBroken and context.Canceled", err)
	}

	cctx, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	defer stop()
	_, err = inst.Call(cctx, "f")
	if !errors.Is(err, ErrBroken) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("spinning call: %v, want ErrBroken and context.DeadlineExceeded", err)
	}
	if _, err := inst.Call(ctx, "g"); !errors.Is(err, ErrBroken) {
		t.Fatalf("call after the deadline: %v, want ErrBroken", err)
	}
}

func TestDeadlineLeavesLiveCallsAlone(t *testing.T) {
	e := testEngine(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inst := evalInstance(t, e, `globalThis.f = () => { let n = 0; for (let i = 0; i < 1e6; i++) n += i % 7; return String(n); }`)
	for range 3 {
		if got, err := inst.Call(ctx, "f"); err != nil || got != "2999997" {
			t.Fatalf("got %q, %v", got, err)
		}
	}
}

// TestSpinningGuestLetsGCRun: native code cannot be preempted, so a guest
// that never left it would keep the Go runtime from stopping the world;
// ticks let garbage collection run while a guest spins, and its deadline
// still stops it.
func TestSpinningGuestLetsGCRun(t *testing.T) {
	e := testEngine(t, nil)
	ctx := context.Background()
	inst := evalInstance(t, e, `globalThis.f = () => { for (;;) {} }`)
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := inst.Call(cctx, "f")
		done <- err
	}()
	for range 20 {
		runtime.GC() // would never return if the spinning guest held its P
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("spinning call: %v, want context.DeadlineExceeded", err)
	}
}

// FuzzInstrumentLoops: any input is refused or instrumented, never a
// panic; a valid module stays valid.
func FuzzInstrumentLoops(f *testing.F) {
	f.Add(countdownModule)
	f.Add(countdownModule[:40])
	f.Fuzz(func(t *testing.T, wasm []byte) {
		out, err := instrumentLoops(wasm, "env", "tick")
		if err != nil {
			return
		}
		ctx := context.Background()
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithDebugInfoEnabled(false))
		defer rt.Close(ctx)
		if _, err := rt.CompileModule(ctx, wasm); err != nil {
			return // not a valid module to begin with
		}
		if _, err := rt.CompileModule(ctx, out); err != nil {
			t.Fatalf("a valid module no longer validates once instrumented: %v", err)
		}
	})
}
