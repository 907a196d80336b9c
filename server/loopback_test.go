package server_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ferryhq/ferry/server"
)

// serveOnLoopback builds a server from cfg, serves it on a loopback
// listener for the test, and returns its base URL. Cleanup shuts it down
// and closes cfg.Store.
func serveOnLoopback(t testing.TB, cfg server.Config) string {
	t.Helper()
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		cfg.Store.Close()
	})
	return "http://" + ln.Addr().String()
}
