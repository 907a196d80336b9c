package main

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/internal/scaffold"
)

// initOptions are the flags of ferry init.
type initOptions struct {
	force       bool
	integration string
	install     bool
}

func newInitCommand() *cobra.Command {
	var o initOptions
	cmd := &cobra.Command{
		Use:   "init [dir]",
		Short: "Create an integrations folder with an example sync and action",
		Long: `Create an integrations folder in dir (default: the current directory), laid
out as Nango's: package.json (zod, and npm scripts calling ferry), a strict
tsconfig.json with the nango package's types in .ferry/, and one integration
with an example sync, an example action and their test fixtures. After npm
install, ferry test passes and ferry compile builds the functions.

The examples call GitHub, through the provider catalog's github entry;
--integration names their folder (the provider config key).

init writes nothing if one of its files exists already, unless --force.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError(fmt.Errorf("init takes at most one directory, got %d", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return initProject(cmd, dir, o)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	f := cmd.Flags()
	f.BoolVar(&o.force, "force", false, "overwrite files that already exist")
	f.StringVar(&o.integration, "integration", scaffold.DefaultIntegration, "name of the integration folder (its provider config key)")
	f.BoolVar(&o.install, "install", false, "run npm install in the new folder (needs npm on the PATH)")
	return cmd
}

func initProject(cmd *cobra.Command, dir string, o initOptions) error {
	npm, npmErr := exec.LookPath("npm")
	if o.install && npmErr != nil {
		return usageError(errors.New("--install needs npm on the PATH: install Node.js, or leave out --install and run npm install yourself"))
	}
	opts := scaffold.Options{Integration: o.integration, Force: o.force}
	if err := scaffold.Write(dir, opts); err != nil {
		switch {
		case errors.Is(err, scaffold.ErrExists):
			return usageError(fmt.Errorf("%w: use --force to overwrite, or choose another directory", err))
		case errors.Is(err, scaffold.ErrIntegrationName):
			return usageError(fmt.Errorf("--integration: %w", err))
		}
		return err
	}
	files, err := scaffold.Files(opts)
	if err != nil {
		return err
	}

	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "Created an integrations folder in %s:\n", dir)
	printCreated(out, files)
	if o.install {
		fmt.Fprintf(out, "\nRunning npm install in %s\n", dir)
		install := exec.CommandContext(cmd.Context(), npm, "install")
		install.Dir = dir
		install.Stdout, install.Stderr = out, cmd.ErrOrStderr()
		if err := install.Run(); err != nil {
			return fmt.Errorf("npm install in %s: %w (the files are written: run npm install again there)", dir, err)
		}
	}

	fmt.Fprintln(out, "\nNext steps:")
	if dir != "." {
		fmt.Fprintf(out, "  cd %s\n", shellQuote(dir))
	}
	switch {
	case npmErr != nil:
		fmt.Fprintln(out, "  npm install                  # installs zod (npm is not on the PATH: install Node.js first)")
	case !o.install:
		fmt.Fprintln(out, "  npm install                  # installs zod")
	}
	fmt.Fprintln(out, "  ferry test                   # runs the examples against their fixtures")
	fmt.Fprintln(out, "  ferry compile --out build .  # one .wasm bundle per function")
	return nil
}

// printCreated lists the files written, .ferry/nango's as one line.
func printCreated(w io.Writer, files []string) {
	sdk := 0
	for _, f := range files {
		if strings.HasPrefix(f, scaffold.SDKDir+"/") {
			sdk++
			continue
		}
		fmt.Fprintf(w, "  %s\n", f)
	}
	if sdk > 0 {
		fmt.Fprintf(w, "  %s/ (%d files: the nango package's types)\n", scaffold.SDKDir, sdk)
	}
}

// shellQuote quotes a path for the cd line when it needs it.
func shellQuote(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '.' || r == '-' || r == '_') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
