// Package webhooks reads inbound webhooks: it verifies a provider's
// signature (Verify), names the event for deduplication (DeliveryID),
// decodes its payload to JSON (Payload) and finds values in it (EventType,
// Lookup), all from a Request: the parts of an HTTP request the receiver
// read, with no HTTP server in this package.
//
// The receiver (server/webhooksin.go) runs Verify, Payload and DeliveryID
// before it stores a webhook in the durable inbox (store.AppendInbox) and
// answers; the dispatcher reads entries back from the inbox and uses the
// same functions to find the event's type and its connections.
//
// Every function here is pure and safe for concurrent use.
package webhooks
