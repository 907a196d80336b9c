package hostfns

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/netguard"
)

// do sends p until it succeeds, fails for good, or runs out of retries.
// Network errors, 5xx and 429 (or the statuses of RetryHeader.ErrorCode),
// the statuses in retryOn and a Remaining header at "0" are retried after
// the wait delay gives. A wait that would pass ctx's deadline or
// MaxRetryDelay ends the call at once with the last failure.
func (h *HTTP) do(ctx context.Context, t Target, p *plan) (*Response, error) {
	for n := 0; ; n++ {
		r, err := h.attempt(ctx, t, p, n)
		if err != nil {
			return nil, err
		}
		if r.ok() {
			return r.response(p.responseType), nil
		}
		last := r.failure(n + 1)
		if n >= p.retries || ctx.Err() != nil || !p.retryable(r) {
			return nil, last
		}
		wait, ok := h.delay(p.retry, r, n, time.Now())
		if !ok {
			return nil, last
		}
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return nil, last
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%w (retry abandoned: %w)", last, err)
		}
	}
}

// retryable reports whether a failed attempt may be retried.
func (p *plan) retryable(r *result) bool {
	switch {
	case r.err != nil:
		// A refusal of the network policy will not change on retry.
		return !errors.Is(r.err, netguard.ErrBlocked)
	case slices.Contains(p.retryOn, r.status):
		return true
	case p.retry.Remaining != "" && strings.TrimSpace(r.header.Get(p.retry.Remaining)) == "0":
		return true
	case p.retry.ErrorCode != "":
		return matchStatus(p.retry.ErrorCode, r.status)
	}
	return r.status >= 500 || r.status == 429
}

// matchStatus matches a status against comma-separated rules: "429",
// "5xx", "500-504".
func matchStatus(rules string, status int) bool {
	for rule := range strings.SplitSeq(rules, ",") {
		rule = strings.ToLower(strings.TrimSpace(rule))
		if lo, hi, ok := strings.Cut(rule, "-"); ok {
			a, errA := strconv.Atoi(strings.TrimSpace(lo))
			b, errB := strconv.Atoi(strings.TrimSpace(hi))
			if errA == nil && errB == nil && status >= a && status <= b {
				return true
			}
			continue
		}
		if len(rule) == 3 && strings.HasSuffix(rule, "xx") && rule[0] >= '1' && rule[0] <= '5' {
			if status/100 == int(rule[0]-'0') {
				return true
			}
			continue
		}
		if n, err := strconv.Atoi(rule); err == nil && n == status {
			return true
		}
	}
	return false
}

// delay is how long to wait before retry n+1: what the response's retry
// headers say (the configured at/after header, else a standard Retry-After
// on 429 and 503), else RetryBaseDelay·2^n capped at MaxRetryDelay. ok is
// false when a header asks for more than MaxRetryDelay.
func (h *HTTP) delay(rh RetryHeader, r *result, n int, now time.Time) (wait time.Duration, ok bool) {
	if r.header != nil {
		if d, found := retryAt(r.header.Get(rh.At), now); rh.At != "" && found {
			return d, d <= h.maxDelay
		}
		if d, found := retryAfter(r.header.Get(rh.After), now); rh.After != "" && found {
			return d, d <= h.maxDelay
		}
		if r.status == http.StatusTooManyRequests || r.status == http.StatusServiceUnavailable {
			if d, found := retryAfter(r.header.Get("Retry-After"), now); found {
				return d, d <= h.maxDelay
			}
		}
	}
	if n >= 62 || h.base > h.maxDelay>>n {
		return h.maxDelay, true
	}
	return h.base << n, true
}

// retryAt parses a reset time: epoch seconds, epoch milliseconds or an HTTP
// date. A time already past is not found.
func retryAt(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var at time.Time
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		if f > 1e11 { // past year 5138 in seconds: must be milliseconds
			f /= 1000
		}
		if f <= 0 || f > 1e11 {
			return 0, false
		}
		sec, frac := math.Modf(f)
		at = time.Unix(int64(sec), int64(frac*1e9))
	} else if t, err := http.ParseTime(v); err == nil {
		at = t
	} else {
		return 0, false
	}
	if !at.After(now) {
		return 0, false
	}
	return at.Sub(now), true
}

// retryAfter parses a wait: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f < 0 || math.IsNaN(f) || f > math.MaxInt64/float64(time.Second) {
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
