package main

import (
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "ferry",
		Short:         "ferry runs integration functions as WebAssembly",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newCompileCommand(), newDeployCommand(), newDryrunCommand(), newInitCommand(), newInspectCommand(), newLogsCommand(), newRunCommand(), newServeCommand(), newSyncsCommand(), newTestCommand(), newWebhooksCommand())
	return root
}
