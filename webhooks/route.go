package webhooks

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode"

	"github.com/ferryhq/ferry/providers"
)

// Candidate is a connection an event may belong to: one connection of the
// integration the webhook came to, with what routing rules compare.
type Candidate struct {
	ConnectionID     string
	ConnectionConfig map[string]any
	Metadata         map[string]any
}

// Attribute returns the connections a webhook belongs to, in the order of
// candidates (each once), and how it decided:
//
//   - "rule:installation.id=123" (or "rule:header:X-Team=T1"): a routing
//     rule found a value, and these connections hold it;
//   - "no match: rule:installation.id=123": the value is no connection's;
//     the event belongs to none (it is recorded as unattributed, not
//     fanned out);
//   - "fan-out": no rule found a value, so every candidate ("fan-out: no
//     candidates" when there are none).
//
// The rules of cfg are tried in order; the first whose header, or whose
// dotted path in the payload (see Lookup: "a.b.0.c", numeric parts index
// arrays), holds a non-empty string, number or boolean decides. A
// candidate matches when the field the rule names equals that value as
// text: its connection_config or metadata field (a dotted path; a key that
// itself holds dots, such as Slack's "team.id", is found too), or its id.
// A field that is a number compares as one, so the value "123" (from 123
// or "123" in the payload) matches 123, and 1.0 matches 1. A rule that
// names no connection field is skipped.
//
// payload is the event as JSON (Payload decodes form-encoded bodies); one
// that is not JSON holds no values, so only header rules can route it.
func Attribute(cfg providers.Webhook, header http.Header, payload json.RawMessage, candidates []Candidate) ([]string, string) {
	for _, rule := range cfg.Routing {
		if rule.ConnectionConfig == "" && rule.Metadata == "" && !rule.ConnectionID {
			continue
		}
		value, ok := ruleValue(rule.WebhookValue, header, payload)
		if !ok {
			continue
		}
		ids := connectionIDs(candidates, func(c Candidate) bool { return ruleMatches(rule, c, value) })
		reason := "rule:" + ruleSource(rule.WebhookValue, header) + "=" + printable(value)
		if len(ids) == 0 {
			return nil, "no match: " + reason
		}
		return ids, reason
	}
	if len(candidates) == 0 {
		return nil, "fan-out: no candidates"
	}
	return connectionIDs(candidates, func(Candidate) bool { return true }), "fan-out"
}

// connectionIDs returns the ids of the candidates keep accepts, in order,
// each once.
func connectionIDs(candidates []Candidate, keep func(Candidate) bool) []string {
	var ids []string
	seen := make(map[string]bool)
	for _, c := range candidates {
		if !seen[c.ConnectionID] && keep(c) {
			seen[c.ConnectionID] = true
			ids = append(ids, c.ConnectionID)
		}
	}
	return ids
}

// ruleValue finds the value a rule routes on (see Lookup); an empty one
// counts as absent, as in Nango, whose scripts skip a falsy identifier.
func ruleValue(v providers.WebhookValue, header http.Header, payload json.RawMessage) (string, bool) {
	s, ok := Lookup(v, Request{Header: header}, payload)
	return s, ok && s != ""
}

// ruleSource names where a rule's value came from, for the reason: the
// header when the request has it (Lookup prefers it), else the path.
func ruleSource(v providers.WebhookValue, header http.Header) string {
	if v.Header != "" && (v.Path == "" || header.Get(v.Header) != "") {
		return "header:" + v.Header
	}
	return v.Path
}

// ruleMatches reports whether candidate c holds value in the field rule
// names.
func ruleMatches(rule providers.WebhookRoute, c Candidate, value string) bool {
	switch {
	case rule.ConnectionID:
		return c.ConnectionID != "" && value == c.ConnectionID
	case rule.ConnectionConfig != "":
		f, ok := fieldText(c.ConnectionConfig, rule.ConnectionConfig)
		return ok && sameText(value, f)
	default:
		f, ok := fieldText(c.Metadata, rule.Metadata)
		return ok && sameText(value, f)
	}
}

// maxReasonValue bounds how much of a routed value a reason quotes: the
// value comes from the sender.
const maxReasonValue = 64

// printable is s for a reason: control characters replaced, cut to
// maxReasonValue bytes on a rune boundary.
func printable(s string) string {
	if len(s) > maxReasonValue {
		cut := maxReasonValue
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

// isRuneStart reports whether b begins a UTF-8 encoded rune.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
