package scaffold

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	sdkjs "github.com/ferryhq/ferry/sdk-js"
)

// templates is the folder Write creates, before rendering.
//
//go:embed all:template
var templates embed.FS

const (
	templateRoot        = "template"
	templateSuffix      = ".tmpl"
	integrationTemplate = "integration" // the template folder standing for the integration
)

// file is one file Write creates.
type file struct {
	path string // slash-separated, relative to the new folder
	data []byte
}

// data is what the .tmpl files see.
type data struct {
	PackageName string
	Integration string
	ZodVersion  string
	SDKDir      string
	EntryNango  string
	EntryCrypto string
	EntryURL    string
	EntryBuffer string
}

// render returns the files of the folder dir, sorted by path.
func render(dir string, opts Options) ([]file, error) {
	integration := cmp.Or(opts.Integration, DefaultIntegration)
	if err := checkIntegration(integration); err != nil {
		return nil, err
	}
	d := data{
		PackageName: packageName(dir),
		Integration: integration,
		ZodVersion:  ZodVersion,
		SDKDir:      SDKDir,
		EntryNango:  sdkjs.EntryNango,
		EntryCrypto: sdkjs.EntryCrypto,
		EntryURL:    sdkjs.EntryURL,
		EntryBuffer: sdkjs.EntryBuffer,
	}
	var files []file
	err := fs.WalkDir(templates, templateRoot, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(templates, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, templateRoot+"/")
		if first, rest, ok := strings.Cut(rel, "/"); ok && first == integrationTemplate {
			rel = integration + "/" + rest
		}
		if name, ok := strings.CutSuffix(rel, templateSuffix); ok {
			if raw, err = execute(p, raw, d); err != nil {
				return err
			}
			rel = name
		}
		files = append(files, file{path: rel, data: raw})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("render templates: %w", err)
	}
	sdk, err := sdkFiles()
	if err != nil {
		return nil, err
	}
	files = append(files, sdk...)
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.path, b.path) })
	return files, nil
}

func execute(name string, src []byte, d data) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sdkFiles are the nango package's sources, under SDKDir.
func sdkFiles() ([]file, error) {
	var files []file
	err := fs.WalkDir(sdkjs.FS, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(sdkjs.FS, p)
		if err != nil {
			return err
		}
		files = append(files, file{path: path.Join(SDKDir, p), data: raw})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copy the nango package: %w", err)
	}
	return files, nil
}

// packageName derives package.json's name from the folder's: npm wants
// lower case, no spaces, and no leading dot or underscore.
func packageName(dir string) string {
	const fallback = "integrations"
	if dir == "" {
		return fallback
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fallback
	}
	var b strings.Builder
	for _, r := range strings.ToLower(filepath.Base(abs)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(strings.TrimLeft(b.String(), "._"), "-")
	if name == "" || len(name) > 214 || name == "node_modules" {
		return fallback
	}
	return name
}
