// Command longsync is a sync that pages through a large API and logs its
// own memory after every page, to show the guest's heap stays flat.
package main

import (
	"runtime"

	"github.com/ferryhq/ferry/plugins/nango"
)

type item struct {
	ID      string `json:"id"`
	Payload string `json:"payload"`
}

func run() error {
	limit := 100
	page := 0
	var ms runtime.MemStats
	return nango.Paginate(nango.ProxyConfig{
		Endpoint: "/items",
		Paginate: &nango.PaginateConfig{
			Type:                 "cursor",
			CursorPathInResponse: "next",
			CursorNameInRequest:  "cursor",
			ResponsePath:         "items",
			Limit:                &limit,
			LimitNameInRequest:   "limit",
		},
	}, func(items []item) error {
		if err := nango.BatchSave(items, "Item"); err != nil {
			return err
		}
		page++
		runtime.ReadMemStats(&ms)
		nango.Log("page", map[string]any{
			"page":      page,
			"sys":       ms.Sys,
			"heapInuse": ms.HeapInuse,
			"numGC":     ms.NumGC,
		})
		return nil
	})
}

//go:wasmexport sync
func sync() int32 { return nango.RunSync(run) }

func main() {}
