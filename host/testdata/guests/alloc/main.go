// Command alloc is an action that allocates memory without bound.
package main

import "github.com/ferryhq/ferry/plugins/nango"

var hoard [][]byte

type empty struct{}

//go:wasmexport action
func action() int32 {
	return nango.RunAction(func(empty) (empty, error) {
		for {
			b := make([]byte, 1<<20)
			b[0] = 1
			hoard = append(hoard, b)
		}
	})
}

func main() {}
