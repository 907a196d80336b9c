package store

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// appendExecution appends e's stored summary to b: what json.Marshal(e)
// writes, byte for byte, so that every reader keeps decoding it with
// encoding/json, but without reflection and, for plain ASCII names,
// without an allocation beyond b's growth. The operations log encodes one
// per proxy call, action and auth event on its writer, which shares the
// CPU with the requests it records. A change to Execution's fields or
// tags must change this too; the tests compare the two encodings.
func appendExecution(b []byte, e *Execution) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, e.ID, 10)
	b = appendField(b, `,"type":`, e.Type)
	b = appendField(b, `,"environment":`, e.Environment)
	b = appendField(b, `,"provider_config_key":`, e.Integration)
	b = appendField(b, `,"connection_id":`, e.ConnectionID)
	b = appendField(b, `,"function":`, e.Function)
	b = appendField(b, `,"trigger":`, e.Trigger)
	b = appendField(b, `,"status":`, e.Status)
	b, err := appendJSONTime(append(b, `,"started_at":`...), e.StartedAt)
	if err != nil {
		return b, fmt.Errorf("started_at: %w", err)
	}
	if !e.EndedAt.IsZero() {
		if b, err = appendJSONTime(append(b, `,"ended_at":`...), e.EndedAt); err != nil {
			return b, fmt.Errorf("ended_at: %w", err)
		}
	}
	if len(e.Records) > 0 {
		b = append(b, `,"records":{`...)
		for i, model := range slices.Sorted(maps.Keys(e.Records)) {
			if i > 0 {
				b = append(b, ',')
			}
			c := e.Records[model]
			b = append(appendString(b, model), `:{"added":`...)
			b = strconv.AppendInt(b, int64(c.Added), 10)
			b = strconv.AppendInt(append(b, `,"updated":`...), int64(c.Updated), 10)
			b = strconv.AppendInt(append(b, `,"deleted":`...), int64(c.Deleted), 10)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if e.Error != nil {
		b = appendField(b, `,"error":{"type":`, e.Error.Type)
		b = appendField(b, `,"message":`, e.Error.Message)
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

func appendField(b []byte, name, v string) []byte {
	return appendString(append(b, name...), v)
}

// appendJSONTime appends t as encoding/json does — RFC 3339 with
// nanoseconds in t's own zone, quoted — and fails where it fails: a year
// outside 0..9999. (appendTime, for records, writes UTC or null.)
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	b, err := t.AppendText(append(b, '"'))
	return append(b, '"'), err
}
