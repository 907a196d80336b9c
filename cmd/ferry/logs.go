package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// remoteExecution is one run as GET /executions shows it.
type remoteExecution struct {
	ID                uint64                    `json:"id"`
	Type              string                    `json:"type"`
	ProviderConfigKey string                    `json:"provider_config_key"`
	ConnectionID      string                    `json:"connection_id"`
	Function          string                    `json:"function"`
	Trigger           string                    `json:"trigger"`
	Status            string                    `json:"status"`
	StartedAt         time.Time                 `json:"started_at"`
	EndedAt           time.Time                 `json:"ended_at"`
	Records           map[string]map[string]int `json:"records"`
	Error             *struct{ Type, Message string }
	Report            *executionReport `json:"report"`
}

type executionReport struct {
	Logs []struct {
		Time    time.Time      `json:"time"`
		Level   string         `json:"level"`
		Message string         `json:"message"`
		Meta    map[string]any `json:"meta"`
	} `json:"logs"`
	Calls []struct {
		Method   string        `json:"method"`
		URL      string        `json:"url"`
		Status   int           `json:"status"`
		Err      string        `json:"error"`
		Attempt  int           `json:"attempt"`
		Duration time.Duration `json:"duration"`
		// RequestHeaders come with secret values redacted by the server.
		RequestHeaders map[string]string `json:"requestHeaders"`
	} `json:"calls"`
}

// logsOptions are the flags of ferry logs.
type logsOptions struct {
	serverOptions
	integration, connection, function, status, kind string
	since                                           time.Duration
	limit                                           int
	follow, json                                    bool
	interval                                        time.Duration
}

func newLogsCommand() *cobra.Command {
	var o logsOptions
	cmd := &cobra.Command{
		Use:   "logs [execution-id]",
		Short: "Show the operations log of a ferry server, or one run's log lines and upstream calls",
		Long: `Without an argument, list recorded operations (newest last): sync runs,
webhook handlers, actions, proxy calls and auth events — when, status,
which function on which connection, what it changed and why it failed.
--integration, --connection, --function, --type, --status (running,
success, failed) and --since filter them; --follow keeps printing them as
they finish.

With an execution id, print that run with its log lines and its upstream
HTTP calls.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolve("."); err != nil {
				return err
			}
			if len(args) == 1 {
				return showExecution(cmd, o, args[0])
			}
			return listLogs(cmd, o)
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.integration, "integration", "", "only runs of this integration")
	f.StringVar(&o.connection, "connection", "", "only runs of this connection id")
	f.StringVar(&o.function, "function", "", "only runs of this function")
	f.StringVar(&o.status, "status", "", "only runs with this status: running, success or failed")
	f.StringVar(&o.kind, "type", "", "only operations of this type: sync, webhook, action, proxy or auth")
	f.DurationVar(&o.since, "since", 0, "only operations that started within this long (e.g. 1h)")
	f.IntVar(&o.limit, "limit", 20, "how many runs to show (1-1000)")
	f.BoolVarP(&o.follow, "follow", "f", false, "keep printing runs as they finish (Ctrl-C stops)")
	f.BoolVar(&o.json, "json", false, "one JSON object per run")
	f.DurationVar(&o.interval, "interval", time.Second, "how often --follow asks the server")
	return cmd
}

func (o logsOptions) query(limit int) string {
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	for k, v := range map[string]string{"provider_config_key": o.integration, "connection_id": o.connection, "function": o.function, "status": o.status, "type": o.kind} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if o.since > 0 {
		q.Set("from", time.Now().Add(-o.since).UTC().Format(time.RFC3339Nano))
	}
	return "/logs/operations?" + q.Encode()
}

func (o logsOptions) fetch(ctx context.Context, limit int) ([]remoteExecution, error) {
	var answer struct {
		Operations []remoteExecution `json:"operations"`
	}
	if err := o.call(ctx, http.MethodGet, o.query(limit), nil, &answer); err != nil {
		return nil, fmt.Errorf("list operations: %w", err)
	}
	slices.Reverse(answer.Operations) // oldest first, as a log reads
	return answer.Operations, nil
}

func listLogs(cmd *cobra.Command, o logsOptions) error {
	if o.limit < 1 || o.limit > 1000 {
		return usageError(fmt.Errorf("--limit %d is not from 1 to 1000", o.limit))
	}
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	list, err := o.fetch(ctx, o.limit)
	if err != nil {
		return err
	}
	seen := map[uint64]bool{}
	for _, e := range list {
		if e.Status == "running" && o.follow {
			continue // printed when it ends
		}
		seen[e.ID] = true
		if err := printExecution(out, e, o.json); err != nil {
			return err
		}
	}
	if !o.follow {
		if len(list) == 0 && !o.json {
			fmt.Fprintln(out, "no runs recorded")
		}
		return nil
	}
	tick := time.NewTicker(o.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		list, err := o.fetch(ctx, 100)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, e := range list {
			if seen[e.ID] || e.Status == "running" {
				continue
			}
			seen[e.ID] = true
			if err := printExecution(out, e, o.json); err != nil {
				return err
			}
		}
	}
}

// printExecution prints one run on one line.
func printExecution(out io.Writer, e remoteExecution, asJSON bool) error {
	if asJSON {
		return printJSONLine(out, e)
	}
	line := fmt.Sprintf("%s  #%d  %-7s  %s/%s  %s %s (%s)", e.StartedAt.Local().Format("2006-01-02 15:04:05"), e.ID,
		e.Status, e.ProviderConfigKey, e.ConnectionID, e.Type, e.Function, e.Trigger)
	if !e.EndedAt.IsZero() {
		line += "  " + e.EndedAt.Sub(e.StartedAt).Round(time.Millisecond).String()
	}
	if changes := changeSummary(e.Records); changes != "" {
		line += "  " + changes
	}
	if e.Error != nil {
		line += "  error " + e.Error.Type + ": " + e.Error.Message
	}
	_, err := fmt.Fprintln(out, line)
	return err
}

// changeSummary renders per-model counts: "Issue +3 ~1 -2".
func changeSummary(records map[string]map[string]int) string {
	models := make([]string, 0, len(records))
	for m := range records {
		models = append(models, m)
	}
	sort.Strings(models)
	parts := make([]string, 0, len(models))
	for _, m := range models {
		c := records[m]
		parts = append(parts, fmt.Sprintf("%s +%d ~%d -%d", m, c["added"], c["updated"], c["deleted"]))
	}
	return strings.Join(parts, ", ")
}

// showExecution prints one run with its log lines and upstream calls.
func showExecution(cmd *cobra.Command, o logsOptions, id string) error {
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return usageError(fmt.Errorf("execution id %q is not a number", id))
	}
	var e remoteExecution
	if err := o.call(cmd.Context(), http.MethodGet, "/executions/"+id, nil, &e); err != nil {
		return fmt.Errorf("get run %s: %w", id, err)
	}
	out := cmd.OutOrStdout()
	if err := printExecution(out, e, o.json); err != nil || o.json || e.Report == nil {
		return err
	}
	for _, l := range e.Report.Logs {
		meta := ""
		if len(l.Meta) > 0 {
			raw, _ := json.Marshal(l.Meta)
			meta = " " + string(raw)
		}
		fmt.Fprintf(out, "  %s %-5s %s%s\n", l.Time.Local().Format("15:04:05.000"), l.Level, l.Message, meta)
	}
	for _, c := range e.Report.Calls {
		result := strconv.Itoa(c.Status)
		if c.Err != "" {
			result = c.Err
		}
		fmt.Fprintf(out, "  %s %s → %s (%s, attempt %d)\n", c.Method, c.URL, result, c.Duration.Round(time.Microsecond), c.Attempt+1)
		if c.Status == 0 || c.Status >= 400 {
			// A failed call's request, to debug it (secrets are redacted).
			for _, name := range slices.Sorted(maps.Keys(c.RequestHeaders)) {
				fmt.Fprintf(out, "      %s: %s\n", name, c.RequestHeaders[name])
			}
		}
	}
	return nil
}
