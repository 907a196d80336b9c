package nango

// Level is a log line's level.
type Level string

// The log levels of nango.log.
const (
	LevelDebug Level = "debug"
	LevelInfo  Level = "info"
	LevelWarn  Level = "warn"
	LevelError Level = "error"
)

// Log records a line in the execution's log at info level, with optional
// structured meta.
func Log(message string, meta ...map[string]any) {
	LogAt(LevelInfo, message, meta...)
}

// LogAt records a line in the execution's log at the given level.
func LogAt(level Level, message string, meta ...map[string]any) {
	req := struct {
		Level   Level          `json:"level"`
		Message string         `json:"message"`
		Meta    map[string]any `json:"meta,omitempty"`
	}{Level: level, Message: message}
	if len(meta) > 0 {
		req.Meta = meta[0]
	}
	// A log line that cannot be recorded is not worth failing the run for.
	_ = call("log", req, nil)
}
