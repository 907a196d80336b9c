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
	Cursor         string     // opaque; position of the record's last change
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

// nangoMetadata is the "_nango_metadata" member of a record in Nango's API.
type nangoMetadata struct {
	FirstSeenAt    string  `json:"first_seen_at"`
	LastModifiedAt string  `json:"last_modified_at"`
	LastAction     Action  `json:"last_action"`
	DeletedAt      *string `json:"deleted_at"`
	Cursor         string  `json:"cursor"`
}

// MarshalJSON renders the record the way Nango's records API does: the
// data's own members followed by "_nango_metadata" with first_seen_at,
// last_modified_at, last_action, deleted_at (null or RFC 3339) and cursor.
func (r Record) MarshalJSON() ([]byte, error) {
	data := bytes.TrimSpace(r.Data)
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return nil, errors.New("record data is not a JSON object")
	}
	md := nangoMetadata{
		FirstSeenAt:    r.Meta.FirstSeenAt.UTC().Format(time.RFC3339Nano),
		LastModifiedAt: r.Meta.LastModifiedAt.UTC().Format(time.RFC3339Nano),
		LastAction:     r.Meta.LastAction,
		Cursor:         r.Meta.Cursor,
	}
	if r.Meta.DeletedAt != nil {
		s := r.Meta.DeletedAt.UTC().Format(time.RFC3339Nano)
		md.DeletedAt = &s
	}
	mdJSON, err := json.Marshal(md)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(data)+len(mdJSON)+len(metadataKey)+4)
	out = append(out, data[:len(data)-1]...)
	if len(bytes.TrimSpace(data[1:len(data)-1])) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"`+metadataKey+`":`...)
	out = append(out, mdJSON...)
	return append(out, '}'), nil
}

// JSON returns the record as Nango's API and listRecords return it: its
// data with "_nango_metadata" (first_seen_at, last_modified_at,
// last_action, deleted_at, cursor) added.
func (r Record) JSON() json.RawMessage {
	meta, _ := json.Marshal(struct {
		FirstSeenAt    time.Time  `json:"first_seen_at"`
		LastModifiedAt time.Time  `json:"last_modified_at"`
		LastAction     Action     `json:"last_action"`
		DeletedAt      *time.Time `json:"deleted_at"`
		Cursor         string     `json:"cursor"`
	}{r.Meta.FirstSeenAt.UTC(), r.Meta.LastModifiedAt.UTC(), r.Meta.LastAction, r.Meta.DeletedAt, r.Meta.Cursor})
	data := bytes.TrimSpace(r.Data)
	if len(data) < 2 || data[0] != '{' {
		return r.Data // not a stored record: nothing to add to
	}
	out := make([]byte, 0, len(data)+len(meta)+20)
	out = append(out, data[:len(data)-1]...) // without the closing brace
	if len(bytes.TrimSpace(data[1:len(data)-1])) > 0 {
		out = append(out, ',')
	}
	out = append(out, `"_nango_metadata":`...)
	out = append(out, meta...)
	return append(out, '}')
}
