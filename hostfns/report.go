package hostfns

import (
	"time"

	"github.com/ferryhq/ferry/store"
)

// LogLine is one nango.log line of an execution.
type LogLine struct {
	Time    time.Time      `json:"time"`
	Level   string         `json:"level"`
	Message string         `json:"message"`
	Meta    map[string]any `json:"meta,omitempty"`
}

// Report is what an execution did: its log lines, its upstream calls and
// the record changes per model.
type Report struct {
	Logs         []LogLine                    `json:"logs"`
	DroppedLogs  int                          `json:"droppedLogs,omitempty"`
	Calls        []Call                       `json:"calls"`
	DroppedCalls int                          `json:"droppedCalls,omitempty"`
	Records      map[string]store.BatchResult `json:"records"`

	maxLogs int
}

// logLevels are the levels nango.log accepts.
var logLevels = map[string]bool{"debug": true, "info": true, "warn": true, "error": true}

// Log records a log line of the function; an unknown level is an error.
func (n *Nango) Log(line LogLine) error {
	if line.Level == "" {
		line.Level = "info"
	}
	if !logLevels[line.Level] {
		return errorf(CodeInvalidRequest, "log: level %q is not one of debug, info, warn, error", line.Level)
	}
	if line.Time.IsZero() {
		line.Time = n.clock().UTC()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.report.Logs) >= n.report.maxLogs {
		n.report.DroppedLogs++
		return nil
	}
	n.report.Logs = append(n.report.Logs, line)
	return nil
}

func (n *Nango) recordCall(c Call) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.report.Calls) >= n.report.maxLogs {
		n.report.DroppedCalls++
		return
	}
	n.report.Calls = append(n.report.Calls, c)
}

func (n *Nango) recordBatch(model string, r store.BatchResult) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.report.Records == nil {
		n.report.Records = make(map[string]store.BatchResult)
	}
	sum := n.report.Records[model]
	sum.Added += r.Added
	sum.Updated += r.Updated
	sum.Deleted += r.Deleted
	sum.Unchanged += r.Unchanged
	n.report.Records[model] = sum
}
