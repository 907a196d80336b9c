package host_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/ferryhq/ferry/host"
)

func TestRunawayGuestsEndTypedAndHostKeepsServing(t *testing.T) {
	e := newEnv(t, host.Config{MemoryLimitPages: 1024}) // 64 MiB
	noop := e.guest("noop")
	tests := []struct {
		guest   string
		timeout time.Duration
		want    error
		kind    host.Kind
	}{
		{guest: "loop", timeout: 300 * time.Millisecond, want: host.ErrTimeout, kind: host.KindTimeout},
		{guest: "alloc", timeout: 30 * time.Second, want: host.ErrMemoryLimit, kind: host.KindMemoryLimit},
	}
	for _, tc := range tests {
		t.Run(tc.guest, func(t *testing.T) {
			b := e.guest(tc.guest)
			start := time.Now()
			_, err := b.Run(context.Background(), host.Execution{Nango: e.nango(b, "c1", ""), Timeout: tc.timeout})
			elapsed := time.Since(start)
			var xe *host.ExecError
			if !errors.Is(err, tc.want) || !errors.As(err, &xe) || xe.Kind != tc.kind {
				t.Fatalf("err = %v, want %s", err, tc.kind)
			}
			if tc.kind == host.KindTimeout && elapsed > tc.timeout+100*time.Millisecond {
				t.Errorf("timeout took %s, want within %s", elapsed, tc.timeout+100*time.Millisecond)
			}
			// The host keeps serving: the same bundle and another one run.
			if _, err := b.Run(context.Background(), host.Execution{Nango: e.nango(b, "c1", ""), Timeout: tc.timeout}); !errors.Is(err, tc.want) {
				t.Errorf("second run of %s: %v, want %s again", tc.guest, err, tc.kind)
			}
			if _, err := noop.Run(context.Background(), host.Execution{Nango: e.nango(noop, "c1", "")}); err != nil {
				t.Errorf("noop after %s: %v", tc.guest, err)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	e := newEnv(t, host.Config{})
	b := e.guest("loop")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := b.Run(ctx, host.Execution{Nango: e.nango(b, "c1", "")})
	if !errors.Is(err, host.ErrCanceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
}

func TestSandboxGivesNothing(t *testing.T) {
	t.Setenv("FERRY_SANDBOX_SECRET", "must-not-leak")
	e := newEnv(t, host.Config{})
	b := e.guest("sandbox")
	res, err := b.Run(context.Background(), host.Execution{Nango: e.nango(b, "c1", "")})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ReadFileErr, ReadDirErr, CreateErr, DialErr string
		Environ, Args                               []string
		Home                                        string
	}
	if err := json.Unmarshal(res.Output, &got); err != nil {
		t.Fatalf("output %s: %v", res.Output, err)
	}
	for what, msg := range map[string]string{"read a file": got.ReadFileErr, "list /": got.ReadDirErr, "create a file": got.CreateErr, "dial": got.DialErr} {
		if msg == "" {
			t.Errorf("guest could %s", what)
		}
	}
	if len(got.Environ) != 0 || got.Home != "" {
		t.Errorf("guest sees environment %v (HOME=%q)", got.Environ, got.Home)
	}
	if len(got.Args) > 1 {
		t.Errorf("guest sees arguments %v", got.Args)
	}
}

func TestEveryExecutionGetsAFreshInstance(t *testing.T) {
	e := newEnv(t, host.Config{Prewarm: 2})
	b := e.guest("globals")
	// The pool fills: warming (ferry_prewarm, then the entry point in warm
	// mode) must not run the function body, which needs an execution.
	for deadline := time.Now().Add(30 * time.Second); b.Prewarmed() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("pool holds %d warm instances, want 2: warming fails", b.Prewarmed())
		}
	}
	for i, conn := range []string{"conn-a", "conn-b", "conn-a", "conn-c"} {
		res, err := b.Run(context.Background(), host.Execution{Nango: e.nango(b, conn, "")})
		if err != nil {
			t.Fatal(err)
		}
		var seen struct {
			Calls          int    `json:"calls"`
			PreviousConnID string `json:"previousConnectionId"`
		}
		if err := json.Unmarshal(res.Output, &seen); err != nil {
			t.Fatal(err)
		}
		if seen.Calls != 1 || seen.PreviousConnID != "" {
			t.Errorf("execution %d (%s) saw state of an earlier one: %+v", i, conn, seen)
		}
	}
}

func TestConcurrentExecutions(t *testing.T) {
	e := newEnv(t, host.Config{Prewarm: 2})
	b := e.guest("globals")
	errs := make(chan error, 16)
	for i := 0; i < cap(errs); i++ {
		go func() {
			_, err := b.Run(context.Background(), host.Execution{Nango: e.nango(b, "conn", "")})
			errs <- err
		}()
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
