package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// Size caps on what an execution's report keeps.
const (
	// MaxReportSize bounds a stored report. A larger one keeps its log
	// lines and upstream calls in time order up to the cap and drops the
	// rest, adding their numbers to droppedLogs and droppedCalls.
	MaxReportSize = 1 << 20
	// MaxLogMessage bounds one log line's message: a longer one is cut to
	// it (on a UTF-8 boundary) and the line marked "truncated"; so is a
	// line whose meta is longer, which loses its meta.
	MaxLogMessage = 32 << 10
)

// report is a report with its log lines and calls left encoded, and every
// other field kept as it came.
type report struct {
	fields map[string]json.RawMessage
	logs   []json.RawMessage
	calls  []json.RawMessage
}

// reportLog and reportCall are the parts of a report's entries the store
// reads.
type reportLog struct {
	Time    time.Time       `json:"time"`
	Level   string          `json:"level"`
	Message string          `json:"message"`
	Meta    json.RawMessage `json:"meta,omitempty"`
}

type reportCall struct {
	Method         string            `json:"method"`
	URL            string            `json:"url"`
	RequestHeaders map[string]string `json:"requestHeaders,omitempty"`
	Status         int               `json:"status"`
	Error          string            `json:"error,omitempty"`
	Attempt        int               `json:"attempt"`
	Duration       time.Duration     `json:"duration"`
	Start          time.Time         `json:"start"`
}

// capReport applies MaxLogMessage and MaxReportSize to raw, a report
// ({logs, droppedLogs, calls, droppedCalls, records…}). A report too
// small to break a cap is returned as it is; a larger one must be a JSON
// object.
func capReport(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) <= MaxLogMessage {
		return raw, nil
	}
	var r report
	if err := json.Unmarshal(raw, &r.fields); err != nil {
		return nil, fmt.Errorf("report: %w: %w", err, ErrInvalidExecution)
	}
	for name, dst := range map[string]*[]json.RawMessage{"logs": &r.logs, "calls": &r.calls} {
		if v, ok := r.fields[name]; ok && !bytes.Equal(v, []byte("null")) {
			if err := json.Unmarshal(v, dst); err != nil {
				return nil, fmt.Errorf("report %s: %w: %w", name, err, ErrInvalidExecution)
			}
		}
	}
	changed := false
	for i, line := range r.logs {
		if len(line) <= MaxLogMessage {
			continue
		}
		cut, err := capLogLine(line)
		if err != nil {
			return nil, fmt.Errorf("report log line %d: %w: %w", i, err, ErrInvalidExecution)
		}
		r.logs[i], changed = cut, true
	}
	if r.size() > MaxReportSize {
		if err := r.trim(); err != nil {
			return nil, err
		}
		changed = true
	}
	if !changed {
		return raw, nil
	}
	return r.encode()
}

// capLogLine cuts one encoded log line's message and drops a long meta.
func capLogLine(line json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(line, &fields); err != nil {
		return nil, err
	}
	var msg string
	if v, ok := fields["message"]; ok {
		if err := json.Unmarshal(v, &msg); err != nil {
			return nil, err
		}
	}
	if len(msg) > MaxLogMessage {
		msg = msg[:MaxLogMessage]
		for !utf8.ValidString(msg) {
			msg = msg[:len(msg)-1]
		}
	}
	enc, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	fields["message"] = enc
	if len(fields["meta"]) > MaxLogMessage {
		delete(fields, "meta")
	}
	fields["truncated"] = json.RawMessage("true")
	return json.Marshal(fields)
}

// size estimates the encoded size: every field, entry and separator.
func (r *report) size() int {
	n := 2
	for k, v := range r.fields {
		if k != "logs" && k != "calls" {
			n += len(k) + len(v) + 4
		}
	}
	n += len(`"logs":[],"calls":[],`)
	for _, l := range r.logs {
		n += len(l) + 1
	}
	for _, c := range r.calls {
		n += len(c) + 1
	}
	return n
}

// trim keeps the log lines and calls, in time order, that fit under
// MaxReportSize, and counts the others as dropped.
func (r *report) trim() error {
	logs, calls, err := r.decodeEntries()
	if err != nil {
		return err
	}
	budget := MaxReportSize - 64 // room for the dropped counts
	keptLogs, keptCalls := r.logs[:0:0], r.calls[:0:0]
	saved := *r
	saved.logs, saved.calls = nil, nil
	budget -= saved.size()
	full := false
	for _, m := range mergeEntries(logs, calls) {
		raw := r.logs
		if m.kind == kindHTTP {
			raw = r.calls
		}
		n := len(raw[m.index]) + 1
		if full || n > budget {
			full = true
			continue
		}
		budget -= n
		if m.kind == kindHTTP {
			keptCalls = append(keptCalls, raw[m.index])
		} else {
			keptLogs = append(keptLogs, raw[m.index])
		}
	}
	for name, dropped := range map[string]int{"droppedLogs": len(r.logs) - len(keptLogs), "droppedCalls": len(r.calls) - len(keptCalls)} {
		if dropped == 0 {
			continue
		}
		var before int
		if v, ok := r.fields[name]; ok {
			if err := json.Unmarshal(v, &before); err != nil {
				return fmt.Errorf("report %s: %w: %w", name, err, ErrInvalidExecution)
			}
		}
		r.fields[name] = json.RawMessage(fmt.Sprint(before + dropped))
	}
	r.logs, r.calls = keptLogs, keptCalls
	return nil
}

// decodeEntries reads the log lines and calls.
func (r *report) decodeEntries() ([]reportLog, []reportCall, error) {
	logs := make([]reportLog, len(r.logs))
	for i, raw := range r.logs {
		if err := json.Unmarshal(raw, &logs[i]); err != nil {
			return nil, nil, fmt.Errorf("report log line %d: %w: %w", i, err, ErrInvalidExecution)
		}
	}
	calls := make([]reportCall, len(r.calls))
	for i, raw := range r.calls {
		if err := json.Unmarshal(raw, &calls[i]); err != nil {
			return nil, nil, fmt.Errorf("report call %d: %w: %w", i, err, ErrInvalidExecution)
		}
	}
	return logs, calls, nil
}

func (r *report) encode() (json.RawMessage, error) {
	for name, list := range map[string][]json.RawMessage{"logs": r.logs, "calls": r.calls} {
		if list == nil {
			list = []json.RawMessage{}
		}
		v, err := json.Marshal(list)
		if err != nil {
			return nil, err
		}
		r.fields[name] = v
	}
	return json.Marshal(r.fields)
}
