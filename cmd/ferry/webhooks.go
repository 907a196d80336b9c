package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// remoteWebhook is a received webhook as GET /webhooks/inbox shows it.
type remoteWebhook struct {
	ID                uint64    `json:"id"`
	ProviderConfigKey string    `json:"provider_config_key"`
	DeliveryID        string    `json:"delivery_id"`
	EventType         string    `json:"event_type"`
	ReceivedAt        time.Time `json:"received_at"`
	Status            string    `json:"status"`
	Targets           []struct {
		ConnectionID string `json:"connection_id"`
		Status       string `json:"status"`
		Attempts     int    `json:"attempts"`
		LastError    string `json:"last_error"`
	} `json:"targets"`
	LastError string          `json:"last_error"`
	Payload   json.RawMessage `json:"payload"`
}

// webhooksOptions are the flags of ferry webhooks.
type webhooksOptions struct {
	serverOptions
	integration, connection, status string
	limit                           int
	json                            bool
}

func newWebhooksCommand() *cobra.Command {
	var o webhooksOptions
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "List the webhooks a ferry server received, show one, replay a parked one",
		Long: `List received webhooks, newest first: when, which integration and event,
their status (pending, processed, parked, unattributed) and how each
connection they went to stands. --status parked lists those whose handler
kept failing; ferry webhooks replay <id> tries one again.

The server and its secret key come from --host and --secret-key, else
FERRY_HOST and FERRY_SECRET_KEY, else a .env file in the current folder.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listWebhooks(cmd, o) },
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.integration, "integration", "", "only webhooks of this integration")
	f.StringVar(&o.connection, "connection", "", "only webhooks that went to this connection")
	f.StringVar(&o.status, "status", "", "only webhooks with this status: pending, processed, parked or unattributed")
	f.IntVar(&o.limit, "limit", 20, "how many to show (1-1000)")
	f.BoolVar(&o.json, "json", false, "one JSON object per webhook")
	cmd.AddCommand(&cobra.Command{
		Use:   "show <id>",
		Short: "Show one received webhook with its payload",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return webhookCall(cmd, o, http.MethodGet, args[0], "")
		},
	}, &cobra.Command{
		Use:   "replay <id>",
		Short: "Handle a parked (or unattributed) webhook again",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return webhookCall(cmd, o, http.MethodPost, args[0], "/replay")
		},
	})
	return cmd
}

func listWebhooks(cmd *cobra.Command, o webhooksOptions) error {
	if o.limit < 1 || o.limit > 1000 {
		return usageError(fmt.Errorf("--limit %d is not from 1 to 1000", o.limit))
	}
	if err := o.resolve("."); err != nil {
		return err
	}
	q := url.Values{"limit": {strconv.Itoa(o.limit)}}
	for k, v := range map[string]string{"integration": o.integration, "connection_id": o.connection, "status": o.status} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var answer struct {
		Webhooks []remoteWebhook `json:"webhooks"`
	}
	if err := o.call(cmd.Context(), http.MethodGet, "/webhooks/inbox?"+q.Encode(), nil, &answer); err != nil {
		return fmt.Errorf("list webhooks: %w", err)
	}
	out := cmd.OutOrStdout()
	if len(answer.Webhooks) == 0 && !o.json {
		fmt.Fprintln(out, "no webhooks received")
	}
	for _, w := range answer.Webhooks {
		if err := printWebhook(out, w, o.json); err != nil {
			return err
		}
	}
	return nil
}

// webhookCall shows (GET) or replays (POST …/replay) one webhook.
func webhookCall(cmd *cobra.Command, o webhooksOptions, method, id, suffix string) error {
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return usageError(fmt.Errorf("webhook id %q is not a number", id))
	}
	if err := o.resolve("."); err != nil {
		return err
	}
	var w remoteWebhook
	err := o.call(cmd.Context(), method, "/webhooks/inbox/"+id+suffix, nil, &w)
	var ae *apiAnswer
	if errors.As(err, &ae) && ae.status == http.StatusConflict {
		return fmt.Errorf("webhook %s cannot be replayed: %s", id, ae.message)
	}
	if err != nil {
		return fmt.Errorf("webhook %s: %w", id, err)
	}
	out := cmd.OutOrStdout()
	if err := printWebhook(out, w, o.json); err != nil {
		return err
	}
	if len(w.Payload) > 0 && !o.json {
		fmt.Fprintf(out, "  payload: %s\n", w.Payload)
	}
	return nil
}

// printWebhook prints one webhook on one line, then one line per
// connection that did not simply succeed.
func printWebhook(out io.Writer, w remoteWebhook, asJSON bool) error {
	if asJSON {
		return printJSONLine(out, w)
	}
	conns := make([]string, 0, len(w.Targets))
	for _, t := range w.Targets {
		conns = append(conns, t.ConnectionID+":"+t.Status)
	}
	event := w.EventType
	if event == "" {
		event = "-"
	}
	line := fmt.Sprintf("%s  #%d  %-12s  %s  %s  %s  [%s]", w.ReceivedAt.Local().Format("2006-01-02 15:04:05"), w.ID, w.Status,
		w.ProviderConfigKey, event, w.DeliveryID, strings.Join(conns, " "))
	if w.LastError != "" {
		line += "  error: " + w.LastError
	}
	_, err := fmt.Fprintln(out, line)
	return err
}
