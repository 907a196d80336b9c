package main

import "errors"

// exitError ends the command with a given exit code. A nil err prints
// nothing: the command has said all there is to say.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError is a command used wrongly or given input it cannot read:
// exit code 2.
func usageError(err error) error { return &exitError{code: 2, err: err} }

// exitCode is the process exit code for a command's error: 1 unless the
// command chose another.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
