// Command sandbox is an action that reports what it can reach of the host:
// files, directories, environment variables and arguments.
package main

import (
	"net"
	"os"

	"github.com/ferryhq/ferry/plugins/nango"
)

type report struct {
	ReadFileErr string   `json:"readFileErr"`
	ReadDirErr  string   `json:"readDirErr"`
	CreateErr   string   `json:"createErr"`
	DialErr     string   `json:"dialErr"`
	Environ     []string `json:"environ"`
	Home        string   `json:"home"`
	Args        []string `json:"args"`
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

type empty struct{}

//go:wasmexport action
func action() int32 {
	return nango.RunAction(func(empty) (report, error) {
		var r report
		_, err := os.ReadFile("/etc/hostname")
		r.ReadFileErr = errString(err)
		_, err = os.ReadDir("/")
		r.ReadDirErr = errString(err)
		_, err = os.Create("/tmp/ferry-escape")
		r.CreateErr = errString(err)
		_, err = net.Dial("tcp", "127.0.0.1:22")
		r.DialErr = errString(err)
		r.Environ = os.Environ()
		r.Home = os.Getenv("HOME")
		r.Args = os.Args
		return r, nil
	})
}

func main() {}
