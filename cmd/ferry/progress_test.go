package main

import (
	"bytes"
	"os"
	"testing"
)

// TestProgressOffATerminal checks that off a terminal (a buffer, a pipe,
// /dev/null) progress stays line-oriented: the lines and nothing else.
func TestProgressOffATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for _, f := range []*os.File{w, null} {
		if p := newProgress(f, 10, "testing"); p.bar != nil {
			t.Errorf("%s: a progress bar off a terminal", f.Name())
		}
		if p := newCounter(f, "running"); p.bar != nil {
			t.Errorf("%s: a counter off a terminal", f.Name())
		}
	}
	var buf bytes.Buffer
	p := newProgress(&buf, 3, "compiling")
	p.line("compiled a")
	p.line("")
	p.line("compiled c")
	p.finish()
	if got := buf.String(); got != "compiled a\ncompiled c\n" {
		t.Fatalf("output %q", got)
	}
}
