package webhooks

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/providers"
)

// Tolerance is how far a timestamped scheme's signed time may be from the
// request's arrival, either way, before the request counts as a replay
// (Slack's, Stripe's and HubSpot's own advice: 5 minutes).
const Tolerance = 5 * time.Minute

func verifySlack(_ *providers.Webhook, secret []byte, r Request) error {
	const header, tsHeader = "X-Slack-Signature", "X-Slack-Request-Timestamp"
	v, err := signatureHeader(r, header)
	if err != nil {
		return err
	}
	ts, err := signatureHeader(r, tsHeader)
	if err != nil {
		return err
	}
	at, err := parseUnix(tsHeader, ts, time.Second)
	if err != nil {
		return err
	}
	sig, ok := strings.CutPrefix(v, "v0=")
	if !ok {
		return fmt.Errorf("%w: %s does not start with \"v0=\"", ErrBadSignature, header)
	}
	if err := compareHex(header, sig, sign(secret, []byte("v0:"+ts+":"), r.Body)); err != nil {
		return err
	}
	return fresh(tsHeader, at, r.now())
}

func verifyStripe(_ *providers.Webhook, secret []byte, r Request) error {
	const header = "Stripe-Signature"
	v, err := signatureHeader(r, header)
	if err != nil {
		return err
	}
	var ts string
	var sigs []string
	for part := range strings.SplitSeq(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = val
		case "v1":
			sigs = append(sigs, val)
		}
	}
	if ts == "" {
		return fmt.Errorf("%w: %s has no t= timestamp", ErrBadSignature, header)
	}
	if len(sigs) == 0 {
		return fmt.Errorf("%w: %s has no v1= signature", ErrBadSignature, header)
	}
	at, err := parseUnix(header+" t=", ts, time.Second)
	if err != nil {
		return err
	}
	want := sign(secret, []byte(ts+"."), r.Body)
	for _, sig := range sigs {
		if err = compareHex(header, sig, want); err == nil {
			return fresh(header+" t=", at, r.now())
		}
	}
	return err
}

func verifyHubSpotV3(_ *providers.Webhook, secret []byte, r Request) error {
	const header, tsHeader = "X-HubSpot-Signature-v3", "X-HubSpot-Request-Timestamp"
	sig, err := signatureHeader(r, header)
	if err != nil {
		return err
	}
	ts, err := signatureHeader(r, tsHeader)
	if err != nil {
		return err
	}
	at, err := parseUnix(tsHeader, ts, time.Millisecond)
	if err != nil {
		return err
	}
	uri := hubspotURIDecoder.Replace(r.URL())
	if err := compareBase64(header, sig, sign(secret, []byte(r.Method+uri), r.Body, []byte(ts))); err != nil {
		return err
	}
	return fresh(tsHeader, at, r.now())
}

// hubspotURIDecoder decodes the characters HubSpot's v3 signature has
// decoded in the URI it signs, in either case of hex digits.
var hubspotURIDecoder = func() *strings.Replacer {
	var pairs []string
	for _, c := range ":/?@!$'()*,;" {
		enc := fmt.Sprintf("%%%02X", c)
		pairs = append(pairs, enc, string(c), strings.ToLower(enc), string(c))
	}
	return strings.NewReplacer(pairs...)
}()

// parseUnix reads a timestamp header counting units since the Unix epoch.
func parseUnix(header, v string, unit time.Duration) (time.Time, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 || n > int64(1<<62)/int64(unit) {
		return time.Time{}, fmt.Errorf("%w: %s %q is not a Unix time", ErrBadSignature, header, v)
	}
	return time.Unix(0, 0).Add(time.Duration(n) * unit), nil
}

// fresh checks that a signed time is within Tolerance of now.
func fresh(header string, at, now time.Time) error {
	if d := now.Sub(at); d > Tolerance || d < -Tolerance {
		return fmt.Errorf("%w: %s is %s from the request's arrival (tolerance %s)", ErrStaleTimestamp, header, d.Round(time.Second), Tolerance)
	}
	return nil
}
