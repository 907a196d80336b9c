package outbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ferryhq/ferry/store"
)

// Bounds of what an attempt reads of an answer.
const (
	maxResponseKept    = 512      // bytes of a failed answer's body kept with the attempt
	maxResponseDrained = 64 << 10 // bytes read before closing, so the connection can be reused
)

// recordTimeout bounds writing an attempt's result, which happens even
// when Run is stopping.
const recordTimeout = 10 * time.Second

// userAgent is sent with every webhook.
const userAgent = "ferry-webhooks/1"

// deliver makes one attempt of a claimed delivery and records its result.
// When ctx ends during the attempt, no attempt is recorded: the delivery is
// released for the next Run.
func (o *Outbox) deliver(ctx context.Context, e store.OutboxEntry) {
	a := o.attempt(ctx, e)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if ctx.Err() != nil && !succeeded(a) {
		if err := o.st.ReleaseOutbox(rctx, e.ID, o.cfg.Now()); err != nil {
			o.log.Warn("webhook delivery not released; it is retried when its lease ends", "id", e.ID, "err", err)
		}
		return
	}
	status, next := o.schedule(e, a, a.At.Add(a.Duration))
	if _, err := o.st.RecordOutboxAttempt(rctx, e.ID, a, status, next); err != nil {
		o.log.Error("webhook attempt not recorded; it is retried when its lease ends", "id", e.ID, "err", err)
		return
	}
	attrs := []any{"id", e.ID, "type", e.Type, "url", e.URL, "status", a.StatusCode, "attempt", len(e.Attempts) + 1}
	switch status {
	case store.OutboxDelivered:
		o.log.Debug("webhook delivered", attrs...)
	case store.OutboxFailed:
		o.log.Warn("webhook failed: giving up", append(attrs, "err", a.Error)...)
	default:
		o.log.Info("webhook attempt failed", append(attrs, "err", a.Error, "next_attempt_at", next)...)
	}
}

// attempt POSTs a delivery's body to its URL, signed, and says how it went.
func (o *Outbox) attempt(ctx context.Context, e store.OutboxEntry) (a store.OutboxAttempt) {
	a.At = o.cfg.Now().UTC()
	start := time.Now()
	defer func() { a.Duration = time.Since(start) }()
	key, err := o.signingKey(ctx, e.Environment)
	if err != nil {
		a.Error = fmt.Sprintf("signing key: %v", err)
		return a
	}
	ctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(e.Body))
	if err != nil {
		a.Error = fmt.Sprintf("request: %v", err)
		return a
	}
	if err := Sign(req.Header, key, e.ID, a.At, e.Body); err != nil {
		a.Error = fmt.Sprintf("sign: %v", err)
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := o.cfg.Client.Do(req)
	if err != nil {
		a.Error = err.Error()
		return a
	}
	defer resp.Body.Close()
	a.StatusCode = resp.StatusCode
	if succeeded(a) {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseDrained))
		return a
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseKept))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseDrained))
	a.Response = strings.ToValidUTF8(string(head), string(utf8.RuneError))
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		a.Error = fmt.Sprintf("redirected to %q: redirects are not followed", resp.Header.Get("Location"))
	}
	return a
}
