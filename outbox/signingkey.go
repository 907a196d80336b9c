package outbox

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

// MinSigningKeyLen is the shortest signing key accepted, in bytes.
const MinSigningKeyLen = 16

// maxSigningKeyLen bounds a signing key, in bytes.
const maxSigningKeyLen = 1024

// KeySource says where ResolveSigningKey found the signing key.
type KeySource string

// Sources of the signing key, in the order ResolveSigningKey tries them.
const (
	KeyExplicit  KeySource = "explicit"  // given (--webhook-signing-key), now stored
	KeyStored    KeySource = "stored"    // set earlier, kept sealed in the store
	KeyFallback  KeySource = "fallback"  // the caller's fallback, kept in memory only
	KeyGenerated KeySource = "generated" // random, now stored
)

// ResolveSigningKey settles an environment's signing key at start and
// returns it with its source. An explicit key (--webhook-signing-key,
// FERRY_WEBHOOK_SIGNING_KEY) wins and is stored; else the stored key is
// kept; else fallback is used without being stored (the server's secret
// key, when known: @nangohq/node's verifier checks signatures with the
// client's secret key), so that a stored key set later wins over it; else
// a random "whsec_" key is generated and stored.
func (o *Outbox) ResolveSigningKey(ctx context.Context, env, explicit, fallback string) (string, KeySource, error) {
	if explicit != "" {
		if err := ValidateSigningKey(explicit); err != nil {
			return "", "", err
		}
		if _, err := o.UpdateSettings(ctx, env, SettingsUpdate{SigningKey: explicit}); err != nil {
			return "", "", err
		}
		return explicit, KeyExplicit, nil
	}
	if key, ok, err := o.storedKey(ctx, env); err != nil || ok {
		return key, KeyStored, err
	}
	if fallback != "" {
		if err := ValidateSigningKey(fallback); err != nil {
			return "", "", fmt.Errorf("fallback: %w", err)
		}
		o.mu.Lock()
		o.fallbacks[env] = fallback
		o.mu.Unlock()
		return fallback, KeyFallback, nil
	}
	key, err := o.generateKey(ctx, env)
	if err != nil {
		return "", "", err
	}
	return key, KeyGenerated, nil
}

// signingKey is the key an environment's webhooks are signed with: the
// stored one, else the fallback, else one generated and stored now.
func (o *Outbox) signingKey(ctx context.Context, env string) (string, error) {
	if key, ok, err := o.storedKey(ctx, env); err != nil || ok {
		return key, err
	}
	o.mu.Lock()
	key, ok := o.fallbacks[env]
	o.mu.Unlock()
	if ok {
		return key, nil
	}
	return o.generateKey(ctx, env)
}

// storedKey opens an environment's stored signing key; ok is false when
// there is none.
func (o *Outbox) storedKey(ctx context.Context, env string) (key string, ok bool, err error) {
	ws, err := o.st.WebhookSettings(ctx, env)
	if err != nil {
		return "", false, fmt.Errorf("outbox: %w", err)
	}
	if ws.SigningKey == nil {
		return "", false, nil
	}
	plain, err := o.cfg.Sealer.Open(ws.SigningKey, keyAAD(env))
	if err != nil {
		return "", false, fmt.Errorf("outbox: open the signing key of %q: %w", env, err)
	}
	return string(plain), true, nil
}

// generateKey stores a random key unless a key was stored meanwhile, and
// returns the stored key.
func (o *Outbox) generateKey(ctx context.Context, env string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("outbox: generate a signing key: %w", err)
	}
	key := standardKeyPrefix + base64.StdEncoding.EncodeToString(raw)
	sealed, err := o.cfg.Sealer.Seal([]byte(key), keyAAD(env))
	if err != nil {
		return "", fmt.Errorf("outbox: seal the signing key: %w", err)
	}
	_, err = o.st.UpdateWebhookSettings(ctx, env, func(ws *store.WebhookSettings) error {
		if ws.SigningKey == nil {
			ws.SigningKey = sealed
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	stored, _, err := o.storedKey(ctx, env)
	return stored, err
}

// keyAAD binds a sealed signing key to its environment.
func keyAAD(env string) []byte {
	return vault.AAD("webhook-signing-key", env)
}

// ValidateSigningKey checks a signing key: MinSigningKeyLen to 1024 bytes,
// and base64 after the prefix when it starts with "whsec_" (a Standard
// Webhooks secret), decoding to at least MinSigningKeyLen bytes.
func ValidateSigningKey(key string) error {
	if len(key) < MinSigningKeyLen || len(key) > maxSigningKeyLen {
		return fmt.Errorf("a signing key of %d bytes: want %d to %d: %w", len(key), MinSigningKeyLen, maxSigningKeyLen, ErrInvalidSigningKey)
	}
	b, err := standardKey(key)
	if err != nil {
		return err
	}
	if len(b) < MinSigningKeyLen {
		return fmt.Errorf("a %s key decoding to %d bytes: want at least %d: %w", standardKeyPrefix, len(b), MinSigningKeyLen, ErrInvalidSigningKey)
	}
	return nil
}
