// Command bare is an action whose export returns at once, touching neither
// input nor output: the floor of an execution through the host.
package main

import _ "github.com/ferryhq/ferry/plugins/nango" // for ferry_prewarm

//go:wasmexport action
func action() int32 { return 0 }

func main() {}
