package hostfns

import (
	"context"
	"strings"
	"testing"
)

// guest is a fake linear memory for the direct binding: the host functions
// only need its bytes.
type guest struct{ mem []byte }

// put writes b at off and returns (off, len) as the stack encodes them.
func (g *guest) put(off int, b string) (uint64, uint64) {
	copy(g.mem[off:], b)
	return uint64(off), uint64(len(b))
}

// call runs ferry_call then ferry_answer and returns the answer.
func (g *guest) call(ctx context.Context, name, req string) string {
	np, nl := g.put(0, name)
	rp, rl := g.put(100, req)
	stack := []uint64{np, nl, rp, rl}
	callDirect(ctx, nil, stack)
	n := int(stack[0])
	answerDirect(ctx, nil, []uint64{1000})
	return string(g.mem[1000 : 1000+n])
}

func TestDirectBinding(t *testing.T) {
	g := &guest{mem: make([]byte, 4096)}
	d := &Direct{Memory: func() []byte { return g.mem }, Input: []byte(`{"title":"x"}`)}
	ctx := WithDirect(context.Background(), d)

	if got := g.call(ctx, "input", "{}"); got != `{"title":"x"}` {
		t.Errorf("input = %s", got)
	}
	if got := g.call(ctx, "output", `{"ok":true}`); got != "{}" {
		t.Errorf("output answer = %s", got)
	}
	if out, ok := d.Output(); !ok || string(out) != `{"ok":true}` {
		t.Errorf("Output() = %s, %v", out, ok)
	}
	if got := g.call(ctx, "steal", "{}"); !strings.Contains(got, `no host function \"steal\"`) {
		t.Errorf("unknown name answer = %s", got)
	}
	if got := g.call(ctx, "get_checkpoint", "{}"); !strings.Contains(got, CodeNoExecution) {
		t.Errorf("capability without an execution = %s", got)
	}

	// A request that runs past the end of memory is refused, not read.
	stack := []uint64{0, 5, 4000, 200}
	callDirect(ctx, nil, stack)
	answerDirect(ctx, nil, []uint64{1000})
	if got := string(g.mem[1000 : 1000+stack[0]]); !strings.Contains(got, "outside guest memory") {
		t.Errorf("out-of-bounds request answer = %s", got)
	}

	warm := &Direct{Memory: func() []byte { return g.mem }, Warm: true}
	wctx := WithDirect(context.Background(), warm)
	if got := g.call(wctx, "input", "{}"); got != WarmInput {
		t.Errorf("warm input = %q", got)
	}
	g.call(wctx, "output", `{"leak":1}`)
	if _, ok := warm.Output(); ok {
		t.Error("warm mode kept an output")
	}
}

func TestAnswerThatDoesNotFitTraps(t *testing.T) {
	g := &guest{mem: make([]byte, 1100)}
	d := &Direct{Memory: func() []byte { return g.mem }, Input: []byte(strings.Repeat("x", 200))}
	ctx := WithDirect(context.Background(), d)
	np, nl := g.put(0, "input")
	callDirect(ctx, nil, []uint64{np, nl, 100, 2})
	defer func() {
		if recover() == nil {
			t.Error("an answer written past the end of memory did not trap")
		}
	}()
	answerDirect(ctx, nil, []uint64{1000})
}
