package webhooks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry/providers"
)

// maxDeliveryIDLen bounds a delivery id taken from a header; a longer
// value is hashed, so that ids stay small keys.
const maxDeliveryIDLen = 256

// DeliveryID identifies r's event for deduplication: the value of
// cfg.DeliveryIDHeader (e.g. X-GitHub-Delivery) when the config names one
// and the request has it, else "sha256:" + the hex SHA-256 of the body. A
// header value longer than 256 bytes is replaced by "sha256:" + the hex
// SHA-256 of that value.
func DeliveryID(cfg *providers.Webhook, r Request) string {
	if cfg != nil && cfg.DeliveryIDHeader != "" {
		if v := strings.TrimSpace(r.Header.Get(cfg.DeliveryIDHeader)); v != "" {
			if len(v) > maxDeliveryIDLen {
				return hashID([]byte(v))
			}
			return v
		}
	}
	return hashID(r.Body)
}

func hashID(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// EventType is the type of r's event, where cfg.EventType says to find
// it (see Lookup), or "" when the config says nothing or the request
// lacks it. payload is Payload(r).
func EventType(cfg *providers.Webhook, r Request, payload json.RawMessage) string {
	if cfg == nil {
		return ""
	}
	v, _ := Lookup(cfg.EventType, r, payload)
	return v
}

// Lookup finds the value at v in a webhook: the request header v.Header
// when it is set and present, else the dotted path v.Path in payload
// (Payload(r)). A path's segments name object members, or index arrays
// when they are decimal ("items.0.id"). A string is its text, a number
// its JSON literal as written (ids keep every digit), a boolean "true" or
// "false"; null, objects and arrays are not values. ok is false when
// nothing is found.
func Lookup(v providers.WebhookValue, r Request, payload json.RawMessage) (value string, ok bool) {
	if v.Header != "" {
		if h := r.Header.Get(v.Header); h != "" {
			return h, true
		}
	}
	if v.Path == "" {
		return "", false
	}
	cur := payload
	for seg := range strings.SplitSeq(v.Path, ".") {
		if cur = member(cur, seg); cur == nil {
			return "", false
		}
	}
	return scalar(cur)
}

// member is the value under seg in the object or array raw, or nil.
func member(raw json.RawMessage, seg string) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil
		}
		return obj[seg]
	case '[':
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 {
			return nil
		}
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil || i >= len(arr) {
			return nil
		}
		return arr[i]
	}
	return nil
}

// scalar is the text of a JSON string, number or boolean.
func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9'):
		if !json.Valid(raw) {
			return "", false
		}
		return string(raw), true
	}
	return "", false
}
