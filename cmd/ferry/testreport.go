package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ferryhq/ferry/fixtures"
	"github.com/ferryhq/ferry/hostfns"
)

// testReport is ferry test's JSON report.
type testReport struct {
	Passed   int             `json:"passed"`
	Failed   int             `json:"failed"`
	Fixtures []fixtureReport `json:"fixtures"`
}

// fixtureReport is one fixture's outcome in the JSON report.
type fixtureReport struct {
	Name       string              `json:"name"` // integration/name
	File       string              `json:"file"`
	Status     string              `json:"status"` // pass | fail
	DurationMs float64             `json:"durationMs"`
	Error      string              `json:"error,omitempty"`
	Diff       string              `json:"diff,omitempty"` // every mismatch, as printed
	Mismatches []fixtures.Mismatch `json:"mismatches,omitempty"`
	Unmatched  []string            `json:"unmatched,omitempty"`
	Notes      []string            `json:"notes,omitempty"`
	Logs       []hostfns.LogLine   `json:"logs,omitempty"`
}

func (r *testReport) add(res *fixtures.Result) {
	fr := fixtureReport{
		Name:       res.Fixture,
		File:       res.File,
		Status:     "pass",
		DurationMs: float64(res.Duration.Microseconds()) / 1000,
		Mismatches: res.Mismatches,
		Unmatched:  res.Unmatched,
		Notes:      res.Notes,
		Logs:       res.Report.Logs,
	}
	if res.Err != nil {
		fr.Error = res.Err.Error()
	}
	var diffs []string
	for _, m := range res.Mismatches {
		diffs = append(diffs, m.String())
	}
	fr.Diff = strings.Join(diffs, "\n")
	if res.Passed() {
		r.Passed++
	} else {
		fr.Status = "fail"
		r.Failed++
	}
	r.Fixtures = append(r.Fixtures, fr)
}

// maxShown is how many mismatches a failing fixture prints; the JSON
// report has them all.
const maxShown = 10

// printResult writes a fixture's PASS or FAIL line and, for a failure,
// why, indented.
func printResult(w io.Writer, res *fixtures.Result) {
	if res.Passed() {
		fmt.Fprintf(w, "PASS %s\n", res.Fixture)
		return
	}
	fmt.Fprintf(w, "FAIL %s\n", res.Fixture)
	detail := func(s string) { fmt.Fprintln(w, indentLines(s, "    ")) }
	if res.Err != nil {
		detail("error: " + res.Err.Error())
	}
	for _, u := range res.Unmatched {
		detail(u)
	}
	for i, m := range res.Mismatches {
		if i == maxShown {
			detail(fmt.Sprintf("… and %d more (see --json)", len(res.Mismatches)-maxShown))
			break
		}
		detail(m.String())
	}
	for _, n := range res.Notes {
		detail("note: " + n)
	}
}

func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// writeReport writes the JSON report to path ("" none, "-" stdout).
func writeReport(path string, stdout io.Writer, r *testReport) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "-" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
