// Command loop is an action that never returns.
package main

import "github.com/ferryhq/ferry/plugins/nango"

var sink int

type empty struct{}

//go:wasmexport action
func action() int32 {
	return nango.RunAction(func(empty) (empty, error) {
		for i := 0; ; i++ {
			sink = i
		}
	})
}

func main() {}
