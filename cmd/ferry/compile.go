package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/internal/gobuild"
)

func newCompileCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "compile [path...]",
		Short: "Compile functions into bundles (.wasm)",
		Long: `Compile functions into bundles, one .wasm per function, written to
<out>/<integration>/<name>.wasm.

A path is a Go function directory (main.go and manifest.json), or a folder
searched for such directories. Without a path, the current directory.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			dirs, err := functionDirs(args)
			if err != nil {
				return err
			}
			for _, dir := range dirs {
				path, err := compileDir(cmd, dir, out)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "compiled %s -> %s\n", dir, path)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d functions compiled\n", len(dirs))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "build", "directory to write bundles to")
	return cmd
}

// functionDirs expands paths into the function directories they hold.
func functionDirs(paths []string) ([]string, error) {
	var dirs []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("%s: not a directory: a Go function is a directory with main.go and %s", p, gobuild.ManifestFile)
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && gobuild.IsFunctionDir(path) {
				dirs = append(dirs, path)
				return filepath.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no functions found in %v: a Go function is a directory with main.go and %s", paths, gobuild.ManifestFile)
	}
	sort.Strings(dirs)
	return dirs, nil
}

func compileDir(cmd *cobra.Command, dir, out string) (string, error) {
	wasm, err := gobuild.Build(cmd.Context(), dir)
	if err != nil {
		return "", err
	}
	b, err := bundle.Parse(wasm)
	if err != nil {
		return "", fmt.Errorf("compile %s: %w", dir, err)
	}
	m := b.Manifest
	path := filepath.Join(out, m.Integration, m.Name+".wasm")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, wasm, 0o644); err != nil {
		return "", err
	}
	return path, nil
}
