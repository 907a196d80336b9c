package jscompile_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry/jscompile"
)

// BenchmarkCompile compiles one function that imports zod: both esbuild
// builds, describing it (here in Node, ~40 ms of process start), and
// writing the bundle. The target is at most 300 ms per function. "cold"
// is a compile of that function alone; "warm" one of many functions under
// one root with one Compiler, which parses sdk-js and zod once.
func BenchmarkCompile(b *testing.B) {
	for _, name := range []string{"syncs/fetch-issues.ts", "actions/create-issue.ts"} {
		path := filepath.Join(project, "nango", "github", name)
		b.Run("cold/"+filepath.Base(name), func(b *testing.B) {
			opts := jscompile.Options{Describe: hostDescriber(b)}
			for b.Loop() {
				if _, err := jscompile.Compile(context.Background(), path, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("warm/"+filepath.Base(name), func(b *testing.B) {
			c, err := jscompile.NewCompiler(jscompile.Options{Describe: hostDescriber(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			sources, err := jscompile.Find(path)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := c.Compile(context.Background(), sources[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
