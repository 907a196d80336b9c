package store

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// maxIDLength is Nango's limit on record ids, in characters.
const maxIDLength = 255

// RecordID returns the id of a record as the store keys it: the "id" string
// itself, or the decimal text of an integer id (42 → "42"). It applies the
// same rules as SaveRecords, so callers that receive records by id (batch
// deletes, for example) normalise them the same way.
func RecordID(record json.RawMessage) (string, error) {
	_, id, err := appendRecord(nil, record)
	return id, err
}

// appendRecord validates raw as a record and appends its stored form —
// compact JSON without "_nango_metadata" — to out. It returns the grown out
// and the record's id. Errors wrap ErrInvalidRecord.
func appendRecord(out, raw []byte) ([]byte, string, error) {
	c := compactor{in: raw, out: out, record: true}
	c.skipSpace()
	isObject := c.pos < len(raw) && raw[c.pos] == '{'
	if err := c.compact(); err != nil {
		return out, "", fmt.Errorf("%w: %w", err, ErrInvalidRecord)
	}
	if !isObject {
		return out, "", invalidRecord("not a JSON object")
	}
	if c.idEnd == 0 {
		return out, "", invalidRecord("id is missing")
	}
	id, err := idFromJSON(c.out[c.idStart:c.idEnd], c.idEscaped)
	if err != nil {
		return out, "", err
	}
	return c.out, id, nil
}

// idFromJSON turns the compact JSON value of an "id" member into the key the
// record is stored under.
func idFromJSON(v []byte, escaped bool) (string, error) {
	switch v[0] {
	case '"':
		id := keyName(v, escaped)
		return id, checkID(id)
	case 't', 'f', 'n', '{', '[':
		return "", invalidRecord(fmt.Sprintf("id must be a string or an integer, got %s", jsonKind(v[0])))
	}
	digits := v
	if digits[0] == '-' {
		digits = digits[1:]
	}
	for _, d := range digits {
		if d < '0' || d > '9' {
			return "", invalidRecord(fmt.Sprintf("id %s is not an integer", truncate(string(v), 32)))
		}
	}
	if string(v) == "-0" {
		return "0", nil
	}
	return string(v), nil
}

// checkID applies Nango's id rule: 1 to 255 characters.
func checkID(id string) error {
	if id == "" {
		return invalidRecord("id is empty")
	}
	if len(id) > maxIDLength && utf8.RuneCountInString(id) > maxIDLength {
		return invalidRecord(fmt.Sprintf("id %q is longer than %d characters", truncate(id, 16), maxIDLength))
	}
	return nil
}

func invalidRecord(msg string) error { return fmt.Errorf("%s: %w", msg, ErrInvalidRecord) }

// truncate shortens s to n characters plus an ellipsis, for messages.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

func jsonKind(first byte) string {
	switch first {
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	}
	return "a number"
}
