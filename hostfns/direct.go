package hostfns

import (
	"context"
	"fmt"

	extism "github.com/extism/go-sdk"
)

// The direct binding: two host functions that move JSON through the guest's
// own linear memory in one copy each way, instead of through Extism memory
// blocks (which PDKs fill eight bytes per host call). The Go guest package
// uses it; any guest may.
//
//	ferry_call(name_ptr, name_len, req_ptr, req_len i32) -> i32
//	    runs the host function name with the request at req_ptr and returns
//	    the byte length of its answer, held for ferry_answer
//	ferry_answer(ptr i32)
//	    copies the held answer into guest memory at ptr
const (
	directCall   = "ferry_call"
	directAnswer = "ferry_answer"
)

// GuestMemory returns the guest's linear memory as it is now. It is called
// from host functions only, on the goroutine running the guest.
type GuestMemory func() []byte

// directState is the direct binding's per-execution state.
type directState struct {
	memory  GuestMemory
	pending []byte
}

type directKey struct{}

// WithGuestMemory returns a context under which the direct binding reads
// and writes the guest's memory through mem.
func WithGuestMemory(ctx context.Context, mem GuestMemory) context.Context {
	return context.WithValue(ctx, directKey{}, &directState{memory: mem})
}

func directFunctions() []extism.HostFunction {
	i32 := extism.ValueTypeI32
	call := extism.NewHostFunctionWithStack(directCall, callDirect, []extism.ValueType{i32, i32, i32, i32}, []extism.ValueType{i32})
	answer := extism.NewHostFunctionWithStack(directAnswer, answerDirect, []extism.ValueType{i32}, nil)
	call.SetNamespace(Namespace)
	answer.SetNamespace(Namespace)
	return []extism.HostFunction{call, answer}
}

func callDirect(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	st, ok := ctx.Value(directKey{}).(*directState)
	if !ok {
		panic(fmt.Errorf("%s: no guest memory bound to this execution", directCall))
	}
	mem := st.memory()
	name, okName := guestSlice(mem, stack[0], stack[1])
	req, okReq := guestSlice(mem, stack[2], stack[3])
	switch h := handlers[string(name)]; {
	case !okName || !okReq:
		st.pending = encodeError(errorf(CodeInvalidRequest, "%s: name or request outside guest memory", directCall))
	case h == nil:
		st.pending = encodeError(errorf(CodeInvalidRequest, "%s: no host function %q", directCall, name))
	default:
		// Handlers may keep slices of the request past the call (records
		// go to the store): give them a copy, not guest memory.
		st.pending = answer(ctx, string(name), h, append([]byte(nil), req...))
	}
	stack[0] = uint64(len(st.pending))
}

func answerDirect(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	st, ok := ctx.Value(directKey{}).(*directState)
	if !ok {
		panic(fmt.Errorf("%s: no guest memory bound to this execution", directAnswer))
	}
	dst, ok := guestSlice(st.memory(), stack[0], uint64(len(st.pending)))
	if !ok {
		panic(fmt.Errorf("%s: answer of %d bytes does not fit at %d", directAnswer, len(st.pending), uint32(stack[0])))
	}
	copy(dst, st.pending)
	st.pending = nil
}

// guestSlice returns mem[ptr:ptr+n] when it lies within mem.
func guestSlice(mem []byte, ptr, n uint64) ([]byte, bool) {
	p, l := uint64(uint32(ptr)), uint64(uint32(n))
	if p+l > uint64(len(mem)) {
		return nil, false
	}
	return mem[p : p+l], true
}
