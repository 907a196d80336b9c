package host_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/internal/gobuild"
	"github.com/ferryhq/ferry/store"
)

// Example loads a Go function and runs it once for one connection: build
// the bundle, load it into a Host, give the execution its nango object.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "ferry-example-")
	defer os.RemoveAll(dir)

	wasm, err := gobuild.Build(ctx, filepath.Join("testdata", "guests", "globals"))
	if err != nil {
		fmt.Println(err)
		return
	}
	h, _ := host.New(host.Config{CacheDir: filepath.Join(dir, "cache")})
	defer h.Close(ctx)
	fn, err := h.Load(ctx, wasm)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := store.Open(filepath.Join(dir, "ferry.db"), store.Options{})
	defer st.Close()

	nango := hostfns.New(hostfns.Scope{
		Connection: hostfns.Connection{ID: "acme", ProviderConfigKey: "test", Environment: "dev"},
		Function:   fn.Manifest().Name,
	}, hostfns.Options{HTTP: hostfns.NewHTTP(hostfns.HTTPOptions{}), Store: st})
	res, err := fn.Run(ctx, host.Execution{Nango: nango, Timeout: 10 * time.Second})
	fmt.Println(string(res.Output), err)
	// Output: {"calls":1,"previousConnectionId":""} <nil>
}
