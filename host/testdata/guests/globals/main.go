// Command globals is an action that leaves state in its globals and
// reports what an earlier execution left there.
package main

import "github.com/ferryhq/ferry/plugins/nango"

var (
	calls    int
	lastConn string
)

type seen struct {
	Calls          int    `json:"calls"`
	PreviousConnID string `json:"previousConnectionId"`
}

type empty struct{}

//go:wasmexport action
func action() int32 {
	return nango.RunAction(func(empty) (seen, error) {
		conn, err := nango.GetConnection()
		if err != nil {
			return seen{}, err
		}
		calls++
		out := seen{Calls: calls, PreviousConnID: lastConn}
		lastConn = conn.ConnectionID
		return out, nil
	})
}

func main() {}
