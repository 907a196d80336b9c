package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ferryhq/ferry/outbox"
	"github.com/ferryhq/ferry/store"
)

// runningOutbox is the outbox of ferry serve, delivering in the background.
type runningOutbox struct {
	*outbox.Outbox
	stop func()
}

// startOutbox opens the webhook outbox, settles its signing key and URLs
// from the flags, and starts delivering (what a previous process left
// queued included). generatedSecret is the secret key generated at this
// start, if any.
func startOutbox(cmd *cobra.Command, o serveOptions, st *store.Store, sealer outbox.Sealer, generatedSecret string) (*runningOutbox, error) {
	ctx := cmd.Context()
	ob, err := outbox.New(outbox.Config{Store: st, Sealer: sealer})
	if err != nil {
		return nil, err
	}
	const env = "dev"
	if o.webhookURL != "" {
		if err := ob.ReplaceURLs(ctx, env, outbox.ParseURLList(o.webhookURL)); err != nil {
			return nil, fmt.Errorf("--webhook-url: %w", err)
		}
	}
	explicit, fallback := o.webhookSigningKey, os.Getenv("FERRY_SECRET_KEY")
	if explicit == "" && generatedSecret != "" {
		// The secret key shown once now is what @nangohq/node verifies
		// with: keep it as the signing key for the next starts too.
		explicit = generatedSecret
	}
	key, source, err := ob.ResolveSigningKey(ctx, env, explicit, fallback)
	if err != nil {
		return nil, fmt.Errorf("webhook signing key: %w", err)
	}
	out := cmd.OutOrStdout()
	if source == outbox.KeyGenerated {
		fmt.Fprintf(out, "webhook signing key (generated, shown once, stored sealed): %s\n", key)
	}
	if settings, err := ob.Settings(ctx, env); err == nil && len(settings.URLs) > 0 {
		fmt.Fprintf(out, "webhooks go to %v, signed with the %s key\n", settings.URLs, source)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := ob.Run(runCtx); err != nil && runCtx.Err() == nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "webhook outbox stopped: %v\n", err)
		}
	}()
	return &runningOutbox{Outbox: ob, stop: func() { cancel(); <-done }}, nil
}
