package providers

import "slices"

// WebhookConfig returns how ferry takes p's webhooks: the entry's own
// `webhook:` block; else the rules ferry knows for the Nango routing
// script the entry names (webhook_routing_script), so that an entry of
// Nango's own providers.yaml routes its events as Nango does; else the
// zero Webhook (the integration's secret decides the signature, no event
// type, every event fanned out to all connections). The result shares no
// memory with p.
func (p Provider) WebhookConfig() Webhook {
	if p.Webhook != nil {
		return p.Webhook.clone()
	}
	if w, ok := scriptWebhook(p.WebhookRoutingScript); ok {
		return w
	}
	return Webhook{}
}

// clone is w sharing no memory with it.
func (w Webhook) clone() Webhook {
	w.Routing = slices.Clone(w.Routing)
	return w
}

// scriptWebhook returns the rules of one of Nango's webhook routing
// scripts (packages/server/lib/webhook/*-webhook-routing.ts), keyed by the
// name providers.yaml gives it. Each case restates what the script does:
// where it reads the event type, which payload field it matches against
// which connection_config field (Nango's `propName`; "metadata.x" is a
// metadata field, "connectionId" the connection's id). Where Nango loops
// over an array of events, the rules read the first event. Scripts whose
// routing is not a field comparison (Shopify's shop domain, Airtable's
// webhook ids, Google's channel tokens, GitLab's query parameter) are not
// here. The signature is left empty where Nango's check is not one of
// ferry's schemes.
//
// It is a function, not a map, so that no caller can change the table.
func scriptWebhook(script string) (Webhook, bool) {
	switch script {
	case "githubAppWebhookRouting", "githubAppOauthWebhookRouting":
		return Webhook{
			Signature:        "github",
			DeliveryIDHeader: "X-GitHub-Delivery",
			EventType:        WebhookValue{Header: "X-GitHub-Event"},
			Routing:          []WebhookRoute{{WebhookValue: WebhookValue{Path: "installation.id"}, ConnectionConfig: "installation_id"}},
		}, true
	case "slackWebhookRouting":
		// Nango matches team_id, else team.id, with the connection_config
		// key "team.id" that Slack's token response fills; the event type
		// is the outer `type` (event_callback, block_actions…). Nango reads
		// a form-encoded interactivity body's `payload` field as the body;
		// ferry's payload keeps it under "payload".
		return Webhook{
			Signature: "slack",
			EventType: WebhookValue{Path: "type"},
			Routing: []WebhookRoute{
				{WebhookValue: WebhookValue{Path: "team_id"}, ConnectionConfig: "team.id"},
				{WebhookValue: WebhookValue{Path: "team.id"}, ConnectionConfig: "team.id"},
				{WebhookValue: WebhookValue{Path: "payload.team.id"}, ConnectionConfig: "team.id"},
			},
		}, true
	case "hubspotWebhookRouting":
		// HubSpot posts an array of events, each with its portalId; Nango
		// routes each on its own.
		return Webhook{
			Signature: "hubspot-v3",
			Events:    ".",
			EventType: WebhookValue{Path: "subscriptionType"},
			Routing:   []WebhookRoute{{WebhookValue: WebhookValue{Path: "portalId"}, ConnectionConfig: "portalId"}},
		}, true
	case "linearWebhookRouting":
		return Webhook{
			Signature:         "hmac-sha256",
			SignatureHeader:   "Linear-Signature",
			SignatureEncoding: "hex",
			DeliveryIDHeader:  "Linear-Delivery",
			EventType:         WebhookValue{Path: "type"},
			Routing:           []WebhookRoute{{WebhookValue: WebhookValue{Path: "organizationId"}, ConnectionConfig: "organizationId"}},
		}, true
	case "jiraWebhookRouting":
		return Webhook{
			EventType: WebhookValue{Path: "payload.webhookEvent"},
			Routing: []WebhookRoute{
				{WebhookValue: WebhookValue{Path: "payload.user.accountId"}, ConnectionConfig: "accountId"},
				{WebhookValue: WebhookValue{Path: "0.payload.user.accountId"}, ConnectionConfig: "accountId"},
			},
		}, true
	case "xeroWebhookRouting":
		return Webhook{
			Signature:         "hmac-sha256",
			SignatureHeader:   "X-Xero-Signature",
			SignatureEncoding: "base64",
			Events:            "events",
			EventType:         WebhookValue{Path: "eventType"},
			Routing:           []WebhookRoute{{WebhookValue: WebhookValue{Path: "tenantId"}, ConnectionConfig: "tenant_id"}},
		}, true
	case "attioWebhookRouting":
		return Webhook{
			Signature:         "hmac-sha256",
			SignatureHeader:   "X-Attio-Signature",
			SignatureEncoding: "hex",
			Events:            "events",
			EventType:         WebhookValue{Path: "event_type"},
			Routing:           []WebhookRoute{{WebhookValue: WebhookValue{Path: "id.workspace_id"}, ConnectionConfig: "workspace_id"}},
		}, true
	case "notionWebhookRouting":
		return Webhook{
			Signature:         "hmac-sha256",
			SignatureHeader:   "X-Notion-Signature",
			SignatureEncoding: "hex",
			SignaturePrefix:   "sha256=",
			EventType:         WebhookValue{Path: "type"},
			Routing:           []WebhookRoute{{WebhookValue: WebhookValue{Path: "workspace_id"}, ConnectionConfig: "workspace_id"}},
		}, true
	case "calendlyWebhookRouting":
		// Calendly signs "t=…,v1=…" in Calendly-Webhook-Signature, which is
		// not one of ferry's schemes: the signature is left to the
		// integration.
		return Webhook{
			EventType: WebhookValue{Path: "event"},
			Routing:   []WebhookRoute{{WebhookValue: WebhookValue{Path: "created_by"}, ConnectionConfig: "owner"}},
		}, true
	case "salesforceWebhookRouting":
		// Events come from an Apex trigger the customer installs; it names
		// the connection and the event type under `nango`.
		return Webhook{
			EventType: WebhookValue{Path: "nango.eventType"},
			Routing:   []WebhookRoute{{WebhookValue: WebhookValue{Path: "nango.connectionId"}, ConnectionID: true}},
		}, true
	case "unauthenticatedWebhookRouting":
		// The sender writes {type, connectionId, …} itself.
		return Webhook{
			EventType: WebhookValue{Path: "type"},
			Routing:   []WebhookRoute{{WebhookValue: WebhookValue{Path: "connectionId"}, ConnectionID: true}},
		}, true
	}
	return Webhook{}, false
}
