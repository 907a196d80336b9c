package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress is how long CLI work (compiling a folder, deploying, testing
// many fixtures) reports itself: one line per item, always, and on a
// terminal a progress bar under them. Off a terminal (a pipe, a file, CI)
// it stays line-oriented: no bar, no escape codes.
type progress struct {
	out io.Writer
	bar *progressbar.ProgressBar // nil: not a terminal
}

// newProgress starts a progress of total items, described as what (e.g.
// "deploying"), on out.
func newProgress(out io.Writer, total int, what string) *progress {
	p := &progress{out: out}
	if f, ok := out.(*os.File); ok && isTerminal(f) && os.Getenv("CI") == "" && total > 1 {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// newCounter starts a count of items of unknown total (a dry run's
// records), shown on a terminal only; off one it prints nothing.
func newCounter(out io.Writer, what string) *progress {
	p := &progress{out: out}
	if f, ok := out.(*os.File); ok && isTerminal(f) && os.Getenv("CI") == "" {
		p.bar = progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// add counts n more items without a line.
func (p *progress) add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

// line prints an item's line ("" prints none) and counts the item done.
func (p *progress) line(s string) {
	if p.bar != nil {
		p.bar.Clear()
	}
	if s != "" {
		fmt.Fprintln(p.out, s)
	}
	if p.bar != nil {
		p.bar.Add(1)
	}
}

// finish removes the bar.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// isTerminal reports whether f is a terminal (not a pipe, a file or
// /dev/null).
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
