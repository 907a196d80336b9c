package schedule

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The range of a sync's frequency, as Nango allows it.
const (
	// MinFrequency is the shortest interval ParseFrequency accepts.
	MinFrequency = 30 * time.Second
	// MaxFrequency is the longest interval ParseFrequency accepts.
	MaxFrequency = 31 * 24 * time.Hour
)

const (
	day  = 24 * time.Hour
	year = 365*day + 6*time.Hour // vercel's ms counts 365.25 days
	// maxSpec is the longest interval text vercel's ms parses.
	maxSpec = 100
)

// specialWords are the phrases Nango maps itself before it hands the text
// to ms ("every month" is Nango's too).
var specialWords = map[string]time.Duration{
	"half hour":    30 * time.Minute,
	"quarter hour": 15 * time.Minute,
	"half day":     12 * time.Hour,
	"month":        30 * day,
}

// units is vercel ms's unit grammar (case-insensitive).
var units = map[string]time.Duration{
	"ms": time.Millisecond, "msec": time.Millisecond, "msecs": time.Millisecond,
	"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"s": time.Second, "sec": time.Second, "secs": time.Second,
	"second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute,
	"minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": day, "day": day, "days": day,
	"w": 7 * day, "week": 7 * day, "weeks": 7 * day,
	"y": year, "yr": year, "yrs": year, "year": year, "years": year,
}

// ParseFrequency parses a Nango sync frequency such as "every 5 minutes",
// "every 30m", "every half hour", "every day" or "every 2 days".
//
// It mirrors Nango: the text after the (optional) "every " follows vercel's
// ms grammar — a decimal number, optional spaces and a unit (ms, s, m, h,
// d, w, y and their long forms, case-insensitive; a bare number counts
// milliseconds) — except that a missing number means 1 ("every hour") and
// "half hour", "quarter hour", "half day" and "month" (30 days) are
// special words. The result must lie between MinFrequency and
// MaxFrequency. Every error wraps ErrInvalidFrequency and quotes s.
func ParseFrequency(s string) (time.Duration, error) {
	ns, err := parseInterval(s)
	if err == nil {
		err = checkRange(ns, MinFrequency)
	}
	if err != nil {
		return 0, fmt.Errorf("%w %q: %s", ErrInvalidFrequency, s, err)
	}
	return time.Duration(ns), nil
}

// checkRange says why an interval of ns nanoseconds does not lie between
// min and MaxFrequency.
func checkRange(ns float64, min time.Duration) error {
	allowed := fmt.Sprintf("allowed: %v to 31 days", min)
	switch {
	case ns < 0:
		return fmt.Errorf("%s is negative (%s)", describe(ns), allowed)
	case ns < float64(min):
		return fmt.Errorf("%s is shorter than the minimum of %v (%s)", describe(ns), min, allowed)
	case ns > float64(MaxFrequency):
		return fmt.Errorf("%s is longer than the maximum of 31 days (%s)", describe(ns), allowed)
	}
	return nil
}

// describe writes an interval for an error message.
func describe(ns float64) string {
	if math.Abs(ns) < math.MaxInt64 {
		return time.Duration(ns).String()
	}
	return strconv.FormatFloat(ns/float64(time.Second), 'g', 4, 64) + "s"
}

// parseInterval reads the text as Nango does, without the range check, and
// returns the interval in nanoseconds.
func parseInterval(s string) (float64, error) {
	spec := strings.ToLower(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(spec, "every"); ok && (rest == "" || rest[0] == ' ') {
		spec = strings.TrimLeft(rest, " ")
	}
	switch {
	case spec == "":
		return 0, fmt.Errorf(`no interval; want e.g. "every 5 minutes", "every 30m" or "every half hour"`)
	case len(spec) > maxSpec:
		return 0, fmt.Errorf("interval is longer than %d characters", maxSpec)
	}
	if d, ok := specialWords[spec]; ok {
		return float64(d), nil
	}
	num, unit := splitNumber(spec)
	value := 1.0 // "every hour"
	if num != "" {
		var err error
		if value, err = parseNumber(num); err != nil {
			return 0, err
		}
	}
	unit = strings.TrimLeft(unit, " ")
	if unit == "" {
		unit = "ms" // ms reads a bare number as milliseconds
	}
	scale, ok := units[unit]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q; want ms, s, m, h, d, w or y "+
			`(or a long form such as "minutes"), or "half hour", "quarter hour", "half day", "month"`, unit)
	}
	return math.Round(value * float64(scale)), nil
}

// splitNumber cuts spec into its leading number ("-", digits and dots) and
// the rest.
func splitNumber(spec string) (num, rest string) {
	i := 0
	if strings.HasPrefix(spec, "-") {
		i++
	}
	for i < len(spec) && (spec[i] == '.' || spec[i] >= '0' && spec[i] <= '9') {
		i++
	}
	return spec[:i], spec[i:]
}

// parseNumber accepts ms's numbers: an optional minus, digits, and at most
// one decimal point followed by at least one digit ("5", "1.5", ".5").
func parseNumber(num string) (float64, error) {
	digits := strings.TrimPrefix(num, "-")
	_, frac, dotted := strings.Cut(digits, ".")
	if digits == "" || dotted && (frac == "" || strings.Contains(frac, ".")) {
		return 0, fmt.Errorf("malformed number %q", num)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("malformed number %q", num)
	}
	return v, nil
}
