package providers

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Webhook is how ferry takes webhooks from a provider (ferry's `webhook:`
// block of a catalog entry; Nango's catalog names only a routing script,
// `webhook_routing_script`, whose rules ferry knows for the providers it
// ships): how a request is verified, which event it carries, how a
// redelivery is recognised and which connection(s) it belongs to.
type Webhook struct {
	// Signature is the verification scheme: "github" (X-Hub-Signature-256),
	// "slack" (X-Slack-Signature with X-Slack-Request-Timestamp), "stripe"
	// (Stripe-Signature), "hubspot-v3" (X-HubSpot-Signature-v3 with
	// X-HubSpot-Request-Timestamp), "hmac-sha256" (generic: the fields
	// below) or "none". Empty: "hmac-sha256" when the integration has a
	// webhook secret, else "none".
	Signature string `yaml:"signature"`
	// SignatureHeader, SignatureEncoding ("hex" or "base64") and
	// SignaturePrefix (e.g. "sha256=") configure "hmac-sha256": the header
	// carries prefix + encode(HMAC-SHA256(secret, body)).
	SignatureHeader   string `yaml:"signature_header"`
	SignatureEncoding string `yaml:"signature_encoding"`
	SignaturePrefix   string `yaml:"signature_prefix"`
	// DeliveryIDHeader names the header with the provider's delivery id
	// (e.g. X-GitHub-Delivery); without one, a hash of the body identifies
	// the event for deduplication.
	DeliveryIDHeader string `yaml:"delivery_id_header"`
	// Events names the array of events in a body that carries several
	// (HubSpot posts an array, Xero {"events": [...]}): a dotted path, or
	// "." for the body itself. Each event is then attributed, typed and
	// handled on its own, as Nango's routing scripts do, and the paths of
	// EventType and Routing are read in each event. Empty: the body is one
	// event.
	Events string `yaml:"events"`
	// EventType says where the event's type is: a header or a path in the
	// payload (dotted, e.g. "event.type"); matched against each sync's
	// webhookSubscriptions.
	EventType WebhookValue `yaml:"event_type"`
	// Routing attributes an event to connections: the first rule whose
	// value is present in the request picks the connections whose
	// connection_config (or metadata) field equals it. When no rule finds
	// a value, the event goes to every connection of the integration.
	Routing []WebhookRoute `yaml:"routing"`
}

// WebhookValue locates a value in a webhook: a request header, or a dotted
// path in the (JSON or form-decoded) payload.
type WebhookValue struct {
	Header string `yaml:"header"`
	Path   string `yaml:"path"`
}

// WebhookRoute is one attribution rule: the value found at Header/Path is
// compared (as text) with each connection's ConnectionConfig field, or
// Metadata field, named by a dotted path, or with the connection's id
// (ConnectionID, Nango's `propName: 'connectionId'`: the sender names the
// connection itself).
type WebhookRoute struct {
	WebhookValue     `yaml:",inline"`
	ConnectionConfig string `yaml:"connection_config"`
	Metadata         string `yaml:"metadata"`
	ConnectionID     bool   `yaml:"connection_id"`
}

// signatureSchemes are the values Webhook.Signature may take (package
// webhooks implements them).
var signatureSchemes = []string{"github", "slack", "stripe", "hubspot-v3", "hmac-sha256", "none"}

// Validate reports the first thing in w that ferry could only fail on
// later: an unknown signature scheme or encoding, an event type or a
// routing rule that names both a header and a path (or neither), a rule
// that names no connection field or more than one, or a path with an
// empty part ("a..b"). The zero Webhook is valid.
func (w Webhook) Validate() error {
	if w.Signature != "" && !slices.Contains(signatureSchemes, w.Signature) {
		return fmt.Errorf("signature: unknown scheme %q (want one of %s)", w.Signature, strings.Join(signatureSchemes, ", "))
	}
	switch w.SignatureEncoding {
	case "", "hex", "base64":
	default:
		return fmt.Errorf("signature_encoding: %q, want hex or base64", w.SignatureEncoding)
	}
	if w.Events != "." {
		if err := validPath("events", w.Events); err != nil {
			return err
		}
	}
	if w.EventType != (WebhookValue{}) {
		if err := w.EventType.validate(); err != nil {
			return fmt.Errorf("event_type: %w", err)
		}
	}
	for i, r := range w.Routing {
		if err := r.validate(); err != nil {
			return fmt.Errorf("routing[%d]: %w", i, err)
		}
	}
	return nil
}

// validate checks that v names exactly one place, and a well-formed one.
func (v WebhookValue) validate() error {
	switch {
	case v.Header != "" && v.Path != "":
		return errors.New("set header or path, not both")
	case v.Header == "" && v.Path == "":
		return errors.New("set header or path")
	case v.Header != "" && strings.ContainsAny(v.Header, " \t\r\n:"):
		return fmt.Errorf("header %q is not a header name", v.Header)
	}
	return validPath("path", v.Path)
}

// validate checks where the rule's value comes from and the one
// connection field it is compared with.
func (r WebhookRoute) validate() error {
	if err := r.WebhookValue.validate(); err != nil {
		return err
	}
	targets := 0
	for _, set := range []bool{r.ConnectionConfig != "", r.Metadata != "", r.ConnectionID} {
		if set {
			targets++
		}
	}
	if targets != 1 {
		return errors.New("set exactly one of connection_config, metadata and connection_id")
	}
	if err := validPath("connection_config", r.ConnectionConfig); err != nil {
		return err
	}
	return validPath("metadata", r.Metadata)
}

// validPath rejects a dotted path with an empty part; "" is no path.
func validPath(field, path string) error {
	if path == "" {
		return nil
	}
	if slices.Contains(strings.Split(path, "."), "") {
		return fmt.Errorf("%s %q has an empty part", field, path)
	}
	return nil
}
