// Command ferry is the one binary of ferry: it compiles, inspects and runs
// integration functions (and, as later commands land, serves them).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCommand().ExecuteContext(ctx); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "ferry:", msg)
		}
		os.Exit(exitCode(err))
	}
}
