package qjs

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/tetratelabs/wazero/api"
)

// exports are the engine's functions this package calls.
type exports struct {
	malloc, free                   api.Function
	newQJS, getContext             api.Function
	createFunctionProxy            api.Function
	getGlobalObject                api.Function
	getPropertyStr, setPropertyStr api.Function
	freeValue, newString           api.Function
	toCString, freeCString         api.Function
	eval, compile, call, await     api.Function
	isException, getException      api.Function
}

func (x *exports) bind(mod api.Module) error {
	for name, dst := range map[string]*api.Function{
		"malloc": &x.malloc, "free": &x.free,
		"New_QJS": &x.newQJS, "QJS_GetContext": &x.getContext,
		"QJS_CreateFunctionProxy": &x.createFunctionProxy,
		"JS_GetGlobalObject":      &x.getGlobalObject,
		"JS_GetPropertyStr":       &x.getPropertyStr, "JS_SetPropertyStr": &x.setPropertyStr,
		"JS_FreeValue": &x.freeValue, "QJS_NewString": &x.newString,
		"QJS_ToCString": &x.toCString, "JS_FreeCString": &x.freeCString,
		"QJS_Eval": &x.eval, "QJS_Compile2": &x.compile, "QJS_Call": &x.call, "js_std_await": &x.await,
		"QJS_IsException": &x.isException, "JS_GetException": &x.getException,
	} {
		*dst = mod.ExportedFunction(name)
		if *dst == nil {
			return fmt.Errorf("qjs: engine does not export %s", name)
		}
	}
	return nil
}

// JSError is an exception JS threw (or a promise it rejected) that reached
// the host.
type JSError struct {
	Message string // String(exception): "TypeError: x is not a function"
	Stack   string // exception.stack, when it has one
}

func (e *JSError) Error() string { return e.Message }

// ErrBroken is wrapped by every error of an instance whose Wasm call
// failed (a trap, the deadline, the memory cap): the instance is unusable.
var ErrBroken = errors.New("qjs: instance is broken")

// call1 calls f and returns its only result (0 when it has none). A Wasm
// failure marks the instance broken: its state is no longer consistent.
// With Config.Deadline, the end of ctx stops the call (interrupt.go).
func (i *Instance) call1(ctx context.Context, f api.Function, args ...uint64) (uint64, error) {
	if i.broken != nil {
		return 0, i.broken
	}
	if err := i.checkDone(ctx); err != nil {
		return 0, err
	}
	res, err := f.Call(ctx, args...)
	if f == i.fn.eval || f == i.fn.call || f == i.fn.await {
		// These run JS, which may have overflowed its stack (stack.go).
		if err := i.checkStack(); err != nil {
			return 0, err
		}
	}
	if err != nil {
		i.broken = fmt.Errorf("%w: %w", ErrBroken, err)
		return 0, i.broken
	}
	if len(res) == 0 {
		return 0, nil
	}
	if f.Definition().ResultTypes()[0] == api.ValueTypeI32 {
		// wazero leaves the upper half of an i32 result undefined.
		return uint64(uint32(res[0])), nil
	}
	return res[0], nil
}

func (i *Instance) malloc(ctx context.Context, n uint32) (uint32, error) {
	p, err := i.call1(ctx, i.fn.malloc, uint64(n))
	if err != nil {
		return 0, err
	}
	if p == 0 {
		return 0, fmt.Errorf("qjs: out of memory: malloc(%d) failed", n)
	}
	return uint32(p), nil
}

func (i *Instance) free(ctx context.Context, p uint32) {
	if p != 0 {
		i.call1(ctx, i.fn.free, uint64(p))
	}
}

func (i *Instance) freeValue(ctx context.Context, v uint64) error {
	_, err := i.call1(ctx, i.fn.freeValue, uint64(i.ctx), v)
	return err
}

// cString copies b into guest memory, NUL-terminated.
func (i *Instance) cString(ctx context.Context, b []byte) (uint32, error) {
	p, err := i.malloc(ctx, uint32(len(b))+1)
	if err != nil {
		return 0, err
	}
	mem := i.mod.Memory()
	if !mem.Write(p, b) || !mem.WriteByte(p+uint32(len(b)), 0) {
		return 0, fmt.Errorf("qjs: write %d bytes at %#x: out of range", len(b), p)
	}
	return p, nil
}

// newString makes a JS string of b (which must hold no NUL: callers pass
// JSON text, which escapes it).
func (i *Instance) newString(ctx context.Context, b []byte) (uint64, error) {
	p, err := i.cString(ctx, b)
	if err != nil {
		return 0, err
	}
	defer i.free(ctx, p)
	return i.call1(ctx, i.fn.newString, uint64(i.ctx), uint64(p))
}

// toString converts v to a string (String(v)) and copies it out, freeing
// everything the conversion allocated.
func (i *Instance) toString(ctx context.Context, v uint64) ([]byte, error) {
	box, err := i.call1(ctx, i.fn.toCString, uint64(i.ctx), v)
	if err != nil {
		return nil, err
	}
	if box == 0 {
		// The conversion threw (a Symbol, a throwing toString); clear it.
		if exc, err := i.call1(ctx, i.fn.getException, uint64(i.ctx)); err == nil {
			i.freeValue(ctx, exc)
		}
		return nil, errors.New("qjs: value cannot be converted to a string")
	}
	ptr, out, err := i.unbox(ctx, box)
	if err != nil {
		return nil, err
	}
	_, err = i.call1(ctx, i.fn.freeCString, uint64(i.ctx), uint64(ptr))
	return out, err
}

// unbox reads what the C layer's "boxes" point to: a malloc'd uint64
// holding a pointer (high half) and a length (low half). It frees the box
// and returns the pointer, for the caller to free its way, and a copy of
// the bytes.
func (i *Instance) unbox(ctx context.Context, box uint64) (uint32, []byte, error) {
	mem := i.mod.Memory()
	packed, ok := mem.ReadUint64Le(uint32(box))
	i.free(ctx, uint32(box))
	if !ok {
		return 0, nil, errors.New("qjs: box out of range")
	}
	ptr, n := uint32(packed>>32), uint32(packed)
	b, ok := mem.Read(ptr, n)
	if !ok {
		return ptr, nil, errors.New("qjs: boxed bytes out of range")
	}
	return ptr, append([]byte(nil), b...), nil
}

// exception reports whether v is JS_EXCEPTION; if so it takes the pending
// exception and returns it as a *JSError.
func (i *Instance) exception(ctx context.Context, v uint64) (*JSError, error) {
	is, err := i.call1(ctx, i.fn.isException, v)
	if err != nil || is == 0 {
		return nil, err
	}
	exc, err := i.call1(ctx, i.fn.getException, uint64(i.ctx))
	if err != nil {
		return nil, err
	}
	defer i.freeValue(ctx, exc)
	return i.jsError(ctx, exc), nil
}

// jsError describes the exception value exc.
func (i *Instance) jsError(ctx context.Context, exc uint64) *JSError {
	msg, err := i.toString(ctx, exc)
	if err != nil {
		return &JSError{Message: "exception (not convertible to a string)"}
	}
	je := &JSError{Message: string(msg)}
	if stack, err := i.property(ctx, exc, "stack"); err == nil {
		je.Stack = strings.TrimSpace(stack)
	}
	return je
}

// property returns String(obj[name]), or an error when it is undefined.
func (i *Instance) property(ctx context.Context, obj uint64, name string) (string, error) {
	p, err := i.cString(ctx, []byte(name))
	if err != nil {
		return "", err
	}
	defer i.free(ctx, p)
	v, err := i.call1(ctx, i.fn.getPropertyStr, uint64(i.ctx), obj, uint64(p))
	if err != nil {
		return "", err
	}
	defer i.freeValue(ctx, v)
	if v == jsUndefined {
		return "", errors.New("undefined")
	}
	s, err := i.toString(ctx, v)
	return string(s), err
}

// jsUndefined is JS_UNDEFINED in the engine's NaN-boxed JSValue encoding:
// tag JS_TAG_UNDEFINED (3) in the high word.
const jsUndefined = uint64(3) << 32

// serveHost answers a call of __ferry_host(name, request) made by JS:
// argv holds [func id, context id, is async, promise, name, request].
// The answer is always a JS string; a malformed call gets an error answer.
func (i *Instance) serveHost(ctx context.Context, argc, argv uint32) uint64 {
	if i.checkStack() != nil {
		// The stack overflowed into the heap: serve nothing more. The
		// instance is broken; its call fails when it returns.
		return jsUndefined
	}
	answer := func() []byte {
		if argc < 6 {
			return []byte(`{"error":{"code":"invalid_request","message":"__ferry_host(name, request) takes two strings"}}`)
		}
		mem := i.mod.Memory()
		raw, ok := mem.Read(argv+4*8, 16)
		if !ok {
			return []byte(`{"error":{"code":"invalid_request","message":"__ferry_host: arguments out of range"}}`)
		}
		name, err := i.toString(ctx, binary.LittleEndian.Uint64(raw))
		if err != nil {
			return []byte(`{"error":{"code":"invalid_request","message":"__ferry_host: name is not a string"}}`)
		}
		req, err := i.toString(ctx, binary.LittleEndian.Uint64(raw[8:]))
		if err != nil {
			return []byte(`{"error":{"code":"invalid_request","message":"__ferry_host: request is not a string"}}`)
		}
		return i.engine.cfg.Host(ctx, string(name), req)
	}()
	v, err := i.newString(ctx, answer)
	if err != nil {
		// The guest is out of memory or broken; its next Wasm step fails.
		return jsUndefined
	}
	return v
}
