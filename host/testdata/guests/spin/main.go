// Command spin is an action that computes for a while (input {"n": N}):
// the load for measuring what the deadline mechanism costs.
package main

import "github.com/ferryhq/ferry/plugins/nango"

type input struct {
	N int `json:"n"`
}

type output struct {
	Sum uint64 `json:"sum"`
}

//go:wasmexport action
func action() int32 {
	return nango.RunAction(func(in input) (output, error) {
		var x uint64 = 1
		for i := 0; i < in.N; i++ {
			x = x*6364136223846793005 + 1442695040888963407
			x ^= x >> 17
		}
		return output{Sum: x}, nil
	})
}

func main() {}
