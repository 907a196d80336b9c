// Command noop is an action that does nothing: the floor of an execution.
package main

import "github.com/ferryhq/ferry/plugins/nango"

type empty struct{}

//go:wasmexport action
func action() int32 {
	return nango.RunAction(func(empty) (empty, error) { return empty{}, nil })
}

func main() {}
