package host

import "testing"

func TestLinearMemory(t *testing.T) {
	const page = 64 << 10
	var m memories
	kernel := m.Allocate(page, 4*page)
	if m.guest() != nil {
		t.Fatal("one memory (the kernel's) must not count as the guest's")
	}
	lm := m.Allocate(page, 4*page).(*linearMemory)
	if m.guest() != lm || kernel == nil {
		t.Fatal("the guest's memory is the last allocated")
	}

	buf := lm.Reallocate(page)
	buf[10] = 42
	tests := []struct {
		name    string
		size    uint64
		wantNil bool
	}{
		{"grow within capacity doubling", 2 * page, false},
		{"grow to the maximum", 4 * page, false},
		{"grow past the maximum", 5 * page, true},
		{"shrink the view", page, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := lm.Reallocate(tc.size)
			if tc.wantNil {
				if got != nil {
					t.Fatalf("Reallocate(%d) = %d bytes, want nil", tc.size, len(got))
				}
				return
			}
			if uint64(len(got)) != tc.size || got[10] != 42 {
				t.Fatalf("Reallocate(%d): len %d, byte 10 = %d; want the size and content kept", tc.size, len(got), got[10])
			}
			if &lm.bytes()[0] != &got[0] {
				t.Fatal("bytes() does not return the current buffer")
			}
		})
	}
	lm.Reallocate(3 * page)
	if !lm.nearCap(page) || lm.nearCap(page/2) {
		t.Errorf("nearCap at 3 of 4 pages: slack 1 page = %v, slack ½ page = %v", lm.nearCap(page), lm.nearCap(page/2))
	}
}

func TestOutputKeepsHeadAndTail(t *testing.T) {
	o := newOutput(8)
	o.Write([]byte("fatal error: out of memory\n"))
	o.Write([]byte("goroutine 1 [running]:\nlots of stack\nthe end"))
	if got := o.String(); got != "fatal er"+"\nthe end" {
		t.Errorf("String() = %q", got)
	}
	big := newOutput(1024)
	big.Write([]byte("panic: boom\n\ngoroutine 1 [running]:\nmain.main()"))
	if got := big.Summary(); got != "panic: boom" {
		t.Errorf("Summary() = %q, want the panic line", got)
	}
}
