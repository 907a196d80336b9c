// Package outbox delivers ferry's outgoing webhooks (sync results, auth
// events, forwarded webhooks) to the customer's backend from a durable
// queue in the store.
//
// Enqueue resolves each message's destinations (the connection's override
// URL, else the environment's URLs, at most two) and stores one delivery
// per URL in one committed transaction; Run delivers them with bounded
// concurrency. Every attempt is a POST of the message's exact bytes,
// signed three ways (see Sign): X-Nango-Hmac-Sha256, which @nangohq/node's
// verifyIncomingWebhookRequest checks, the legacy X-Nango-Signature, and
// Standard Webhooks' webhook-id, webhook-timestamp and webhook-signature.
//
// A 2xx answer delivers; anything else (a timeout, a refused connection, a
// redirect, a 4xx or 5xx) is retried with exponential backoff and jitter
// until MaxAge (25 h by default) has passed since the delivery was created
// or last replayed, then the delivery is failed: kept, listed and
// replayable (Retry). Delivery is at least once: an attempt is leased in
// the store before it starts, and one whose result could not be recorded
// (the process died) is attempted again when its lease ends, also by the
// next process to open the same store. No store write is held open during
// an HTTP call.
//
// The environment's signing key is a secret: it is stored sealed (Sealer)
// and never written to disk in plaintext.
package outbox
