package host_test

import (
	"context"
	"testing"
	"time"

	"github.com/ferryhq/ferry/host"
)

func TestStats(t *testing.T) {
	e := newEnv(t, host.Config{Prewarm: 2})
	if got := e.host.Stats(); got != (host.Stats{}) {
		t.Fatalf("stats of an empty host = %+v", got)
	}
	b := e.guest("globals")
	for deadline := time.Now().Add(30 * time.Second); e.host.Stats().Prewarmed < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("stats = %+v, want 2 pre-warmed", e.host.Stats())
		}
	}
	if _, err := b.Run(context.Background(), host.Execution{Nango: e.nango(b, "conn-a", "")}); err != nil {
		t.Fatal(err)
	}
	if got := e.host.Stats(); got.Bundles != 1 || got.Running != 0 {
		t.Fatalf("stats after a run = %+v, want 1 bundle, none running", got)
	}
}
