package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseFrequency(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"every 5 minutes", 5 * time.Minute},
		{"every 30m", 30 * time.Minute},
		{"every half hour", 30 * time.Minute},
		{"every hour", time.Hour},
		{"every day", day},
		{"every 2 days", 2 * day},
		{"every 1h", time.Hour},
		{"every week", 7 * day},
		{"every 12 hours", 12 * time.Hour},
		{"every quarter hour", 15 * time.Minute},
		{"every half day", 12 * time.Hour},
		{"every month", 30 * day},
		{"every 30 seconds", 30 * time.Second},
		{"every 30s", 30 * time.Second},
		{"every 31 days", 31 * day},
		{"every 744h", 31 * day},
		{"every 1.5h", 90 * time.Minute},
		{"every .5h", 30 * time.Minute},
		{"every 0.5 days", 12 * time.Hour},
		{"every 2 weeks", 14 * day},
		{"every 4w", 28 * day},
		{"every 90 secs", 90 * time.Second},
		{"every 10 mins", 10 * time.Minute},
		{"every 1 min", time.Minute},
		{"every minute", time.Minute},
		{"every 3 hrs", 3 * time.Hour},
		{"every 1 hr", time.Hour},
		{"every 60000", time.Minute}, // ms: a bare number counts milliseconds
		{"every 45000 milliseconds", 45 * time.Second},
		{"every 45000ms", 45 * time.Second},
		{"every 45000 msecs", 45 * time.Second},
		{"Every 5 Minutes", 5 * time.Minute},
		{"EVERY HALF HOUR", 30 * time.Minute},
		{"every 5m", 5 * time.Minute},
		{"every 5   m", 5 * time.Minute},
		{"every   5 minutes", 5 * time.Minute},
		{"  every 5 minutes  ", 5 * time.Minute},
		{"5 minutes", 5 * time.Minute},
		{"half hour", 30 * time.Minute},
		{"1d", day},
		{"every 1 day", day},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFrequency(tc.in)
			if err != nil {
				t.Fatalf("ParseFrequency(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseFrequency(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseFrequencyErrors(t *testing.T) {
	tests := []struct {
		in      string
		message string // a part of the error's text
	}{
		{"every 29 seconds", `"every 29 seconds": 29s is shorter than the minimum of 30s (allowed: 30s to 31 days)`},
		{"every 29999ms", "29.999s is shorter than the minimum of 30s"},
		{"every 1 sec", "1s is shorter than the minimum"},
		{"every second", "1s is shorter than the minimum"},
		{"every 32 days", `"every 32 days": 768h0m0s is longer than the maximum of 31 days`},
		{"every 31.001 days", "is longer than the maximum of 31 days"},
		{"every year", "8766h0m0s is longer than the maximum"},
		{"every 5 weeks", "840h0m0s is longer than the maximum"},
		{"every 1" + strings.Repeat("0", 80) + "y", "is longer than the maximum of 31 days"},
		{"every 0 minutes", "0s is shorter than the minimum"},
		{"every -5 minutes", "-5m0s is negative"},
		{"-1h", "-1h0m0s is negative"},
		{"", "no interval"},
		{"   ", "no interval"},
		{"every", "no interval"},
		{"every ", "no interval"},
		{"every 5 lightyears", `unknown unit "lightyears"`},
		{"every 5 months", `unknown unit "months"`},
		{"every fortnight", `unknown unit "fortnight"`},
		{"sometimes", `unknown unit "sometimes"`},
		{"every5m", `unknown unit "every5m"`},
		{"every 5 minutes ago", `unknown unit "minutes ago"`},
		{"every 5m30s", `unknown unit "m30s"`},
		{"every 5.m", `malformed number "5."`},
		{"every 1.2.3h", `malformed number "1.2.3"`},
		{"every -h", `malformed number "-"`},
		{"every --5m", `malformed number "-"`},
		{"every .m", `malformed number "."`},
		{"every 1e3m", `unknown unit "e3m"`},
		{"every \t5m", `unknown unit`},
		{"every " + strings.Repeat("1", 101), "longer than 100 characters"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseFrequency(tc.in)
			if err == nil {
				t.Fatalf("ParseFrequency(%q) = %v, want an error", tc.in, d)
			}
			if !errors.Is(err, ErrInvalidFrequency) {
				t.Errorf("error %v does not wrap ErrInvalidFrequency", err)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("error %q does not say %q", err, tc.message)
			}
			if d != 0 {
				t.Errorf("duration %v with an error, want 0", d)
			}
		})
	}
}

// FuzzParseFrequency checks that any text either parses to an interval in
// range or fails with ErrInvalidFrequency, and never panics.
func FuzzParseFrequency(f *testing.F) {
	for _, s := range []string{
		"every 5 minutes", "every half hour", "every 1.5h", "every -5m", "every .5d", "every 60000",
		"every", "", "every 5 lightyears", "every 1.2.3h", "EVERY DAY", "every " + strings.Repeat("9", 99),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseFrequency(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidFrequency) {
				t.Fatalf("ParseFrequency(%q): error %v does not wrap ErrInvalidFrequency", s, err)
			}
			return
		}
		if d < MinFrequency || d > MaxFrequency {
			t.Fatalf("ParseFrequency(%q) = %v, outside %v to %v", s, d, MinFrequency, MaxFrequency)
		}
	})
}
