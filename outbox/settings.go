package outbox

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/store"
)

// maxURLLen bounds a webhook URL, in bytes.
const maxURLLen = 2048

// Settings are an environment's webhook settings as they may be shown:
// never the key itself.
type Settings struct {
	URLs          []string
	SigningKeySet bool // a key is stored, or a fallback is in use
}

// SettingsUpdate changes an environment's webhook settings.
type SettingsUpdate struct {
	// URLs, when not nil, replace the environment's URLs (an empty list
	// clears them): at most store.MaxWebhookURLs absolute http(s) URLs.
	URLs *[]string
	// SigningKey, when not "", replaces the signing key.
	SigningKey string
}

// Settings returns an environment's webhook settings.
func (o *Outbox) Settings(ctx context.Context, env string) (Settings, error) {
	ws, err := o.st.WebhookSettings(ctx, env)
	if err != nil {
		return Settings{}, fmt.Errorf("outbox: %w", err)
	}
	return o.view(ws), nil
}

// UpdateSettings validates u and applies it to an environment's webhook
// settings; the signing key is sealed before it reaches the store.
func (o *Outbox) UpdateSettings(ctx context.Context, env string, u SettingsUpdate) (Settings, error) {
	var sealed []byte
	if u.SigningKey != "" {
		if err := ValidateSigningKey(u.SigningKey); err != nil {
			return Settings{}, err
		}
		var err error
		if sealed, err = o.cfg.Sealer.Seal([]byte(u.SigningKey), keyAAD(env)); err != nil {
			return Settings{}, fmt.Errorf("outbox: seal the signing key: %w", err)
		}
	}
	if u.URLs != nil {
		if err := ValidateURLs(*u.URLs); err != nil {
			return Settings{}, err
		}
	}
	ws, err := o.st.UpdateWebhookSettings(ctx, env, func(ws *store.WebhookSettings) error {
		if u.URLs != nil {
			ws.URLs = slices.Clone(*u.URLs)
		}
		if sealed != nil {
			ws.SigningKey = sealed
		}
		return nil
	})
	if err != nil {
		return Settings{}, fmt.Errorf("outbox: %w", err)
	}
	return o.view(ws), nil
}

// ReplaceURLs replaces an environment's webhook URLs, as `ferry serve`
// does at start with --webhook-url / FERRY_WEBHOOK_URL.
func (o *Outbox) ReplaceURLs(ctx context.Context, env string, urls []string) error {
	_, err := o.UpdateSettings(ctx, env, SettingsUpdate{URLs: &urls})
	return err
}

// SetConnectionURL sets the URL a connection's webhooks go to instead of
// its environment's; "" clears it. An unknown connection is
// store.ErrNotFound.
func (o *Outbox) SetConnectionURL(ctx context.Context, conn store.Connection, u string) error {
	if u != "" {
		if err := ValidateURLs([]string{u}); err != nil {
			return err
		}
	}
	if err := o.st.SetConnectionWebhookURL(ctx, conn, u); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

func (o *Outbox) view(ws store.WebhookSettings) Settings {
	o.mu.Lock()
	_, fallback := o.fallbacks[ws.Environment]
	o.mu.Unlock()
	urls := ws.URLs
	if urls == nil {
		urls = []string{}
	}
	return Settings{URLs: urls, SigningKeySet: ws.SigningKey != nil || fallback}
}

// ValidateURLs checks an environment's webhook URLs: at most
// store.MaxWebhookURLs, distinct, each an absolute http or https URL with
// a host and no fragment.
func ValidateURLs(urls []string) error {
	if len(urls) > store.MaxWebhookURLs {
		return fmt.Errorf("%d webhook URLs: at most %d: %w", len(urls), store.MaxWebhookURLs, ErrInvalidURL)
	}
	for i, raw := range urls {
		if len(raw) > maxURLLen {
			return fmt.Errorf("webhook URL of %d bytes: at most %d: %w", len(raw), maxURLLen, ErrInvalidURL)
		}
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			return fmt.Errorf("webhook URL %q: %v: %w", raw, err, ErrInvalidURL)
		case u.Scheme != "http" && u.Scheme != "https":
			return fmt.Errorf("webhook URL %q: want an absolute http or https URL: %w", raw, ErrInvalidURL)
		case u.Host == "" || u.Hostname() == "":
			return fmt.Errorf("webhook URL %q has no host: %w", raw, ErrInvalidURL)
		case u.Fragment != "" || strings.HasSuffix(raw, "#"):
			return fmt.Errorf("webhook URL %q has a fragment: %w", raw, ErrInvalidURL)
		case slices.Contains(urls[:i], raw):
			return fmt.Errorf("webhook URL %q is listed twice: %w", raw, ErrInvalidURL)
		}
	}
	return nil
}

// ParseURLList splits a comma-separated list of URLs (the form of
// FERRY_WEBHOOK_URL), dropping spaces and empty items.
func ParseURLList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
