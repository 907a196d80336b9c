// Package ui holds ferry's dashboard: static pages, a script and a style
// sheet, embedded in the binary. The server (server/ui.go) serves them at
// /ui/ behind a session; the script reads everything it shows from the
// API, so this package has no Go logic beyond handing out its files.
package ui

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed static
var static embed.FS

// Assets is the dashboard's files: the pages at the root, the script and
// style sheet under assets/.
func Assets() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // "static" is embedded above: this cannot fail
	}
	return sub
}

// Page returns one of the dashboard's pages (index.html, login.html); the
// caller may change the copy.
func Page(name string) ([]byte, error) {
	b, err := fs.ReadFile(Assets(), name)
	if err != nil {
		return nil, fmt.Errorf("dashboard page %s: %w", name, err)
	}
	return b, nil
}
