package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// remoteSync is one sync of one connection as GET /syncs shows it.
type remoteSync struct {
	ConnectionID        string                    `json:"connection_id"`
	ProviderConfigKey   string                    `json:"provider_config_key"`
	Name                string                    `json:"name"`
	Status              string                    `json:"status"`
	Frequency           string                    `json:"frequency"`
	FinishedAt          *time.Time                `json:"finishedAt"`
	NextScheduledSyncAt *time.Time                `json:"nextScheduledSyncAt"`
	RecordCount         map[string]int            `json:"recordCount"`
	LatestResult        map[string]map[string]int `json:"latestResult"`
	Error               *struct{ Type, Message string }
}

// syncsOptions are the flags of ferry syncs and its subcommands.
type syncsOptions struct {
	serverOptions
	integration string
	connection  string
	json        bool
	reset       bool
	emptyCache  bool
}

func newSyncsCommand() *cobra.Command {
	var o syncsOptions
	cmd := &cobra.Command{
		Use:   "syncs",
		Short: "List the syncs of a ferry server's connections, and trigger, pause or start them",
		Long: `List every sync of every connection on the server with its status,
its last and next run, its record counts and its last error; --integration
and --connection narrow the list.

The server and its secret key come from --host and --secret-key, else
FERRY_HOST and FERRY_SECRET_KEY, else a .env file in the current folder.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listSyncs(cmd, o) },
	}
	o.addFlags(cmd)
	f := cmd.PersistentFlags()
	f.StringVar(&o.integration, "integration", "", "the integration (provider config key)")
	f.StringVar(&o.connection, "connection", "", "one connection id (default: every connection)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the server's JSON")
	trigger := syncControl(&o, "trigger", "Run syncs now (a running sync runs once more after)", "/sync/trigger")
	trigger.Flags().BoolVar(&o.reset, "reset", false, "clear the checkpoint first: the run starts over")
	trigger.Flags().BoolVar(&o.emptyCache, "empty-cache", false, "delete the sync's records first (no deletions are reported)")
	cmd.AddCommand(trigger,
		syncControl(&o, "pause", "Pause syncs' schedules", "/sync/pause"),
		syncControl(&o, "start", "Start (unpause) syncs; one that never ran runs now", "/sync/start"))
	return cmd
}

// syncControl is a subcommand that posts a sync selection to path.
func syncControl(o *syncsOptions, name, short, path string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   name + " <sync>... --integration KEY [--connection ID]",
		Short: short,
		Long:  short + `. Name the syncs, or "*" for every sync of the integration.`,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.integration == "" {
				return usageError(errors.New("--integration is required"))
			}
			if err := o.resolve("."); err != nil {
				return err
			}
			body := map[string]any{"syncs": args, "provider_config_key": o.integration}
			if o.connection != "" {
				body["connection_id"] = o.connection
			}
			if name == "trigger" {
				body["opts"] = map[string]bool{"reset": o.reset, "emptyCache": o.emptyCache}
			}
			if err := o.call(cmd.Context(), http.MethodPost, path, body, nil); err != nil {
				return fmt.Errorf("%s syncs: %w", name, err)
			}
			scope := "every connection of " + o.integration
			if o.connection != "" {
				scope = "connection " + o.connection + " of " + o.integration
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s on %s\n", name, strings.Join(args, ", "), scope)
			return nil
		},
	}
	return cmd
}

func listSyncs(cmd *cobra.Command, o syncsOptions) error {
	if err := o.resolve("."); err != nil {
		return err
	}
	q := url.Values{}
	if o.integration != "" {
		q.Set("provider_config_key", o.integration)
	}
	if o.connection != "" {
		q.Set("connection_id", o.connection)
	}
	var answer struct {
		Syncs []remoteSync `json:"syncs"`
	}
	var raw json.RawMessage
	if err := o.call(cmd.Context(), http.MethodGet, "/syncs?"+q.Encode(), nil, &raw); err != nil {
		return fmt.Errorf("list syncs: %w", err)
	}
	if o.json {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), string(raw))
		return err
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("list syncs: the server's answer: %w", err)
	}
	return printSyncs(cmd.OutOrStdout(), answer.Syncs, time.Now())
}

// printSyncs renders syncs as a table.
func printSyncs(out io.Writer, list []remoteSync, now time.Time) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(out, "no syncs: deploy a sync and create a connection of its integration")
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "INTEGRATION\tCONNECTION\tSYNC\tSTATUS\tLAST RUN\tNEXT RUN\tRECORDS\tFREQUENCY")
	for _, s := range list {
		records := make([]string, 0, len(s.RecordCount))
		for model, n := range s.RecordCount {
			records = append(records, fmt.Sprintf("%s=%d", model, n))
		}
		sort.Strings(records)
		status := s.Status
		if s.Error != nil && s.Status == "ERROR" {
			status += " (" + s.Error.Type + ")"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ProviderConfigKey, s.ConnectionID, s.Name, status,
			relative(s.FinishedAt, now), relative(s.NextScheduledSyncAt, now), strings.Join(records, " "), s.Frequency)
	}
	return w.Flush()
}

// relative renders a time as a distance from now ("-" when unset).
func relative(t *time.Time, now time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	d := t.Sub(now).Round(time.Second)
	if d < 0 {
		return (-d).String() + " ago"
	}
	return "in " + d.String()
}
