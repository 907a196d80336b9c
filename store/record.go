package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// Action is the last change made to a record.
type Action string

// The actions of Nango's change tracking.
const (
	ActionAdded   Action = "ADDED"
	ActionUpdated Action = "UPDATED"
	ActionDeleted Action = "DELETED"
)

func actionOf(code byte) Action {
	switch code {
	case codeAdded:
		return ActionAdded
	case codeUpdated:
		return ActionUpdated
	default:
		return ActionDeleted
	}
}

// RecordMeta is the change-tracking state of one record.
type RecordMeta struct {
	FirstSeenAt    time.Time
	LastModifiedAt time.Time
	LastAction     Action
	DeletedAt      *time.Time // set when LastAction is DELETED
	// PrunedAt is set when the record's data was pruned (PruneRecords):
	// its Data is then only its id.
	PrunedAt *time.Time
	Cursor   string // opaque; position of the record's last change
}

// Record is one stored record.
type Record struct {
	ID   string
	Data json.RawMessage // as saved: compact JSON object, "_nango_metadata" stripped
	Meta RecordMeta
}

// BatchResult counts what one batch changed.
type BatchResult struct {
	Added, Updated, Deleted, Unchanged int
	// DuplicateIDs lists, once each, ids that appeared more than once in the
	// batch; the last occurrence won.
	DuplicateIDs []string
}

// MetadataJSONSize bounds the bytes AppendJSON adds to a stored record's
// data (the "_nango_metadata" member), for sizing buffers.
const MetadataJSONSize = 272

// AppendJSON appends the record the way Nango's records API renders it to
// dst: the data's own members followed by "_nango_metadata" with
// first_seen_at, last_modified_at, last_action, deleted_at, pruned_at
// (null or RFC 3339 in UTC) and cursor. It fails, appending nothing, when
// Data is not a JSON object. Rendering a page of records into one buffer
// this way costs no allocation per record.
func (r Record) AppendJSON(dst []byte) ([]byte, error) {
	data := bytes.TrimSpace(r.Data)
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return dst, errors.New("record data is not a JSON object")
	}
	dst = append(dst, data[:len(data)-1]...) // without the closing brace
	if len(bytes.TrimSpace(data[1:len(data)-1])) > 0 {
		dst = append(dst, ',')
	}
	dst = append(dst, `"`+metadataKey+`":{"first_seen_at":`...)
	dst = appendTime(dst, &r.Meta.FirstSeenAt)
	dst = append(dst, `,"last_modified_at":`...)
	dst = appendTime(dst, &r.Meta.LastModifiedAt)
	dst = append(dst, `,"last_action":`...)
	dst = appendString(dst, string(r.Meta.LastAction))
	dst = append(dst, `,"deleted_at":`...)
	dst = appendTime(dst, r.Meta.DeletedAt)
	dst = append(dst, `,"pruned_at":`...)
	dst = appendTime(dst, r.Meta.PrunedAt)
	dst = append(dst, `,"cursor":`...)
	dst = appendString(dst, r.Meta.Cursor)
	return append(dst, "}}"...), nil
}

// MarshalJSON renders the record as AppendJSON does.
func (r Record) MarshalJSON() ([]byte, error) {
	return r.AppendJSON(make([]byte, 0, len(r.Data)+MetadataJSONSize))
}

// JSON returns the record as Nango's API and listRecords return it (see
// AppendJSON); data that is not a JSON object is returned as it is.
func (r Record) JSON() json.RawMessage {
	out, err := r.AppendJSON(make([]byte, 0, len(r.Data)+MetadataJSONSize))
	if err != nil {
		return r.Data // not a stored record: nothing to add to
	}
	return out
}

// appendTime appends t as a quoted RFC 3339 time in UTC, or null.
func appendTime(dst []byte, t *time.Time) []byte {
	if t == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// appendString appends s as a JSON string, escaped as encoding/json
// escapes it. Actions and the store's cursors need no escaping and take
// the short way.
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
