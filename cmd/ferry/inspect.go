package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func newInspectCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "inspect BUNDLE.wasm",
		Short: "Validate a bundle and print its manifest",
		Long: `Validate a bundle the way the host does on load (Wasm structure, manifest,
entry points, imports, compilation) and print its manifest as JSON.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wasm, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			h, err := newCLIHost()
			if err != nil {
				return err
			}
			defer h.Close(cmd.Context())
			b, err := h.Load(cmd.Context(), wasm)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(struct {
				Hash     string `json:"hash"`
				Manifest any    `json:"manifest"`
			}{b.Hash(), b.Manifest()})
		},
	}
}
