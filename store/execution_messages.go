package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Message kinds.
const (
	kindLog  = "log"
	kindHTTP = "http"
)

// Message is one entry of an execution's report: a log line of the
// function (Kind "log") or an upstream HTTP call (Kind "http"), with the
// fields of its kind.
type Message struct {
	Time time.Time
	Kind string // "log" or "http"

	// A log line's.
	Level   string
	Message string
	Meta    json.RawMessage

	// An HTTP call's; secrets in the URL and headers are already redacted.
	Method         string
	URL            string
	Status         int // 0 when no answer came
	Error          string
	Attempt        int // 0-based
	Duration       time.Duration
	RequestHeaders map[string]string
}

// MarshalJSON renders the fields of m's kind:
// {time, kind:"log", level, message, meta} or {time, kind:"http", method,
// url, status, error, attempt, duration_ms, request_headers}.
func (m Message) MarshalJSON() ([]byte, error) {
	if m.Kind == kindHTTP {
		return json.Marshal(struct {
			Time           time.Time         `json:"time"`
			Kind           string            `json:"kind"`
			Method         string            `json:"method"`
			URL            string            `json:"url"`
			Status         int               `json:"status"`
			Error          string            `json:"error,omitempty"`
			Attempt        int               `json:"attempt"`
			DurationMS     float64           `json:"duration_ms"`
			RequestHeaders map[string]string `json:"request_headers,omitempty"`
		}{m.Time, m.Kind, m.Method, m.URL, m.Status, m.Error, m.Attempt, float64(m.Duration) / float64(time.Millisecond), m.RequestHeaders})
	}
	return json.Marshal(struct {
		Time    time.Time       `json:"time"`
		Kind    string          `json:"kind"`
		Level   string          `json:"level"`
		Message string          `json:"message"`
		Meta    json.RawMessage `json:"meta,omitempty"`
	}{m.Time, m.Kind, m.Level, m.Message, m.Meta})
}

// entryRef points at a report entry in the merged order.
type entryRef struct {
	time  time.Time
	kind  string
	index int
}

// mergeEntries orders the log lines and calls by time (a call at its
// start); each list keeps its own order, and a log line comes before a call
// of the same time.
func mergeEntries(logs []reportLog, calls []reportCall) []entryRef {
	refs := make([]entryRef, 0, len(logs)+len(calls))
	for i, l := range logs {
		refs = append(refs, entryRef{l.Time, kindLog, i})
	}
	for i, c := range calls {
		refs = append(refs, entryRef{c.Start, kindHTTP, i})
	}
	slices.SortStableFunc(refs, func(a, b entryRef) int { return a.time.Compare(b.time) })
	return refs
}

// ExecutionMessages returns an execution's log lines and upstream calls
// merged in time order, limit of them (0 → 100; at most 1000) from cursor
// ("" for the first), and the cursor of the next page ("" after the last).
// Cursors are opaque; one the store did not hand out is ErrInvalidCursor.
// An execution without a report (still running) has no messages.
func (s *Store) ExecutionMessages(ctx context.Context, id uint64, cursor string, limit int) ([]Message, string, error) {
	switch {
	case limit == 0:
		limit = 100
	case limit < 0 || limit > 1000:
		return nil, "", fmt.Errorf("execution %d messages: limit %d is outside 1..1000: %w", id, limit, ErrInvalidQuery)
	}
	start := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n <= 0 {
			return nil, "", fmt.Errorf("execution %d messages: cursor %q: %w", id, cursor, ErrInvalidCursor)
		}
		start = n
	}
	var raw []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExecutions)
		key := executionKey(id)
		if b.Bucket(bucketSummary).Get(key) == nil {
			return fmt.Errorf("execution %d: %w", id, ErrNotFound)
		}
		raw = slices.Clone(b.Bucket(bucketReport).Get(key))
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("execution %d messages: %w", id, err)
	}
	var r struct {
		Logs  []reportLog  `json:"logs"`
		Calls []reportCall `json:"calls"`
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, "", fmt.Errorf("execution %d messages: decode report: %w", id, err)
		}
	}
	refs := mergeEntries(r.Logs, r.Calls)
	if start > len(refs) {
		return nil, "", fmt.Errorf("execution %d messages: cursor %q is past the end: %w", id, cursor, ErrInvalidCursor)
	}
	end := min(start+limit, len(refs))
	out := make([]Message, 0, end-start)
	for _, ref := range refs[start:end] {
		if ref.kind == kindLog {
			l := r.Logs[ref.index]
			out = append(out, Message{Time: l.Time, Kind: kindLog, Level: l.Level, Message: l.Message, Meta: l.Meta})
			continue
		}
		c := r.Calls[ref.index]
		out = append(out, Message{
			Time: c.Start, Kind: kindHTTP, Method: c.Method, URL: c.URL, Status: c.Status, Error: c.Error,
			Attempt: c.Attempt, Duration: c.Duration, RequestHeaders: c.RequestHeaders,
		})
	}
	next := ""
	if end < len(refs) {
		next = strconv.Itoa(end)
	}
	return out, next, nil
}
