package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhq/ferry/providers"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func hmacSHA256(secret, msg string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func hexMAC(secret, msg string) string { return hex.EncodeToString(hmacSHA256(secret, msg)) }

// req is a POST to /webhook/dev/x with body and headers (name, value
// pairs), received at t0.
func req(body string, header ...string) Request {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return Request{Method: "POST", Path: "/webhook/dev/x", Header: h, Body: []byte(body), ReceivedAt: t0}
}

func unix(t time.Time) string   { return strconv.FormatInt(t.Unix(), 10) }
func unixMS(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

const (
	secret = "s3cret"
	body   = `{"action":"opened","installation":{"id":42}}`
)

// Each scheme's requests: valid, and each way to get one wrong.
func TestVerify(t *testing.T) {
	ts, stale := unix(t0), unix(t0.Add(-6*time.Minute))
	slack := func(secret, ts, body string) string { return "v0=" + hexMAC(secret, "v0:"+ts+":"+body) }
	stripe := func(secret, ts, body string) string { return "t=" + ts + ",v1=" + hexMAC(secret, ts+"."+body) }
	hubURL := "https://ferry.example.com/webhook/dev/x"
	hubspot := func(secret, ts, body string) string {
		return base64.StdEncoding.EncodeToString(hmacSHA256(secret, "POST"+hubURL+body+ts))
	}
	hubReq := func(body string, header ...string) Request {
		r := req(body, header...)
		r.PublicURL = "https://ferry.example.com/"
		return r
	}
	generic := &providers.Webhook{Signature: "hmac-sha256", SignatureHeader: "X-Acme-Signature", SignatureEncoding: "base64", SignaturePrefix: "v1,"}
	for _, tc := range []struct {
		name   string
		cfg    *providers.Webhook
		secret string
		r      Request
		want   error
	}{
		{"github", &providers.Webhook{Signature: "github"}, secret, req(body, "X-Hub-Signature-256", "sha256="+hexMAC(secret, body)), nil},
		{"github upper-case hex", &providers.Webhook{Signature: "github"}, secret, req(body, "X-Hub-Signature-256", "sha256="+upper(hexMAC(secret, body))), nil},
		{"github wrong secret", &providers.Webhook{Signature: "github"}, secret, req(body, "X-Hub-Signature-256", "sha256="+hexMAC("other", body)), ErrBadSignature},
		{"github tampered body", &providers.Webhook{Signature: "github"}, secret, req(body+" ", "X-Hub-Signature-256", "sha256="+hexMAC(secret, body)), ErrBadSignature},
		{"github missing header", &providers.Webhook{Signature: "github"}, secret, req(body, "X-Hub-Signature", "sha1=00"), ErrMissingSignature},
		{"github no prefix", &providers.Webhook{Signature: "github"}, secret, req(body, "X-Hub-Signature-256", hexMAC(secret, body)), ErrBadSignature},
		{"github not hex", &providers.Webhook{Signature: "github"}, secret, req(body, "X-Hub-Signature-256", "sha256=zz"), ErrBadSignature},

		{"slack", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Signature", slack(secret, ts, body), "X-Slack-Request-Timestamp", ts), nil},
		{"slack wrong secret", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Signature", slack("x", ts, body), "X-Slack-Request-Timestamp", ts), ErrBadSignature},
		{"slack tampered body", &providers.Webhook{Signature: "slack"}, secret, req("{}", "X-Slack-Signature", slack(secret, ts, body), "X-Slack-Request-Timestamp", ts), ErrBadSignature},
		{"slack timestamp swapped", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Signature", slack(secret, ts, body), "X-Slack-Request-Timestamp", unix(t0.Add(time.Second))), ErrBadSignature},
		{"slack stale", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Signature", slack(secret, stale, body), "X-Slack-Request-Timestamp", stale), ErrStaleTimestamp},
		{"slack from the future", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Signature", slack(secret, unix(t0.Add(time.Hour)), body), "X-Slack-Request-Timestamp", unix(t0.Add(time.Hour))), ErrStaleTimestamp},
		{"slack no timestamp", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Signature", slack(secret, ts, body)), ErrMissingSignature},
		{"slack bad timestamp", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Signature", slack(secret, "x", body), "X-Slack-Request-Timestamp", "x"), ErrBadSignature},
		{"slack missing signature", &providers.Webhook{Signature: "slack"}, secret, req(body, "X-Slack-Request-Timestamp", ts), ErrMissingSignature},

		{"stripe", &providers.Webhook{Signature: "stripe"}, secret, req(body, "Stripe-Signature", stripe(secret, ts, body)), nil},
		{"stripe rotated secrets", &providers.Webhook{Signature: "stripe"}, secret, req(body, "Stripe-Signature", "t="+ts+",v1="+hexMAC("old", ts+"."+body)+",v1="+hexMAC(secret, ts+"."+body)+",v0=abc"), nil},
		{"stripe wrong secret", &providers.Webhook{Signature: "stripe"}, secret, req(body, "Stripe-Signature", stripe("x", ts, body)), ErrBadSignature},
		{"stripe tampered body", &providers.Webhook{Signature: "stripe"}, secret, req(body+"x", "Stripe-Signature", stripe(secret, ts, body)), ErrBadSignature},
		{"stripe stale", &providers.Webhook{Signature: "stripe"}, secret, req(body, "Stripe-Signature", stripe(secret, stale, body)), ErrStaleTimestamp},
		{"stripe no v1", &providers.Webhook{Signature: "stripe"}, secret, req(body, "Stripe-Signature", "t="+ts+",v0="+hexMAC(secret, ts+"."+body)), ErrBadSignature},
		{"stripe no t", &providers.Webhook{Signature: "stripe"}, secret, req(body, "Stripe-Signature", "v1="+hexMAC(secret, ts+"."+body)), ErrBadSignature},
		{"stripe missing header", &providers.Webhook{Signature: "stripe"}, secret, req(body), ErrMissingSignature},

		{"hubspot-v3", &providers.Webhook{Signature: "hubspot-v3"}, secret, hubReq(body, "X-HubSpot-Signature-v3", hubspot(secret, unixMS(t0), body), "X-HubSpot-Request-Timestamp", unixMS(t0)), nil},
		{"hubspot-v3 from the Host header", &providers.Webhook{Signature: "hubspot-v3"}, secret, req(body, "Host", "ferry.example.com", "X-HubSpot-Signature-v3", hubspot(secret, unixMS(t0), body), "X-HubSpot-Request-Timestamp", unixMS(t0)), nil},
		{"hubspot-v3 other host", &providers.Webhook{Signature: "hubspot-v3"}, secret, req(body, "Host", "evil.example.com", "X-HubSpot-Signature-v3", hubspot(secret, unixMS(t0), body), "X-HubSpot-Request-Timestamp", unixMS(t0)), ErrBadSignature},
		{"hubspot-v3 wrong secret", &providers.Webhook{Signature: "hubspot-v3"}, secret, hubReq(body, "X-HubSpot-Signature-v3", hubspot("x", unixMS(t0), body), "X-HubSpot-Request-Timestamp", unixMS(t0)), ErrBadSignature},
		{"hubspot-v3 tampered body", &providers.Webhook{Signature: "hubspot-v3"}, secret, hubReq("[]", "X-HubSpot-Signature-v3", hubspot(secret, unixMS(t0), body), "X-HubSpot-Request-Timestamp", unixMS(t0)), ErrBadSignature},
		{"hubspot-v3 seconds, not ms", &providers.Webhook{Signature: "hubspot-v3"}, secret, hubReq(body, "X-HubSpot-Signature-v3", hubspot(secret, unix(t0), body), "X-HubSpot-Request-Timestamp", unix(t0)), ErrStaleTimestamp},
		{"hubspot-v3 no timestamp", &providers.Webhook{Signature: "hubspot-v3"}, secret, hubReq(body, "X-HubSpot-Signature-v3", hubspot(secret, unixMS(t0), body)), ErrMissingSignature},
		{"hubspot-v3 not base64", &providers.Webhook{Signature: "hubspot-v3"}, secret, hubReq(body, "X-HubSpot-Signature-v3", "!!", "X-HubSpot-Request-Timestamp", unixMS(t0)), ErrBadSignature},

		{"generic configured", generic, secret, req(body, "X-Acme-Signature", "v1,"+base64.StdEncoding.EncodeToString(hmacSHA256(secret, body))), nil},
		{"generic configured, raw URL base64", generic, secret, req(body, "X-Acme-Signature", "v1,"+base64.RawURLEncoding.EncodeToString(hmacSHA256(secret, body))), nil},
		{"generic configured, no prefix", generic, secret, req(body, "X-Acme-Signature", base64.StdEncoding.EncodeToString(hmacSHA256(secret, body))), ErrBadSignature},
		{"generic configured, hex sent", generic, secret, req(body, "X-Acme-Signature", "v1,"+hexMAC(secret, body)), ErrBadSignature},
		{"default: secret set → generic hex X-Signature", nil, secret, req(body, "X-Signature", hexMAC(secret, body)), nil},
		{"default tolerates sha256=", &providers.Webhook{}, secret, req(body, "X-Signature", "sha256="+hexMAC(secret, body)), nil},
		{"default with a wrong secret", nil, secret, req(body, "X-Signature", hexMAC("x", body)), ErrBadSignature},
		{"default without the header", &providers.Webhook{DeliveryIDHeader: "X-Id"}, secret, req(body), ErrMissingSignature},
		{"default: no secret → none", nil, "", req(body), nil},
		{"none with a secret", &providers.Webhook{Signature: "none"}, secret, req(body), nil},

		{"github without a secret", &providers.Webhook{Signature: "github"}, "", req(body, "X-Hub-Signature-256", "sha256="+hexMAC("", body)), ErrNoSecret},
		{"unknown scheme", &providers.Webhook{Signature: "md5"}, secret, req(body), ErrInvalidConfig},
		{"unknown encoding", &providers.Webhook{SignatureEncoding: "base32"}, secret, req(body, "X-Signature", "x"), ErrInvalidConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.cfg, tc.secret, tc.r)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// Vectors published by the providers, or computed apart from this code
// (Python's hmac), so that a symmetric mistake in both the code and the
// test's own signing cannot pass.
func TestVerifyKnownVectors(t *testing.T) {
	slackBody := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	slackAt := time.Unix(1531420618, 0)
	hubAt := time.UnixMilli(1700000000000)
	for _, tc := range []struct {
		name, scheme, secret string
		r                    Request
	}{
		// GitHub's docs, "Validating webhook deliveries".
		{"github docs", "github", "It's a Secret to Everybody", Request{
			Header: http.Header{"X-Hub-Signature-256": {"sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}},
			Body:   []byte("Hello, World!"),
		}},
		// Slack's docs, "Verifying requests from Slack".
		{"slack docs", "slack", "8f742231b10e8888abcd99yyyzzz85a5", Request{
			Header: http.Header{
				"X-Slack-Signature":         {"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"},
				"X-Slack-Request-Timestamp": {"1531420618"},
			},
			Body: []byte(slackBody), ReceivedAt: slackAt.Add(time.Minute),
		}},
		// Stripe's scheme, signed with Python.
		{"stripe scheme", "stripe", "whsec_test_secret", Request{
			Header:     http.Header{"Stripe-Signature": {"t=1700000000,v1=22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31"}},
			Body:       []byte(`{"id":"evt_1","type":"payment_intent.succeeded"}`),
			ReceivedAt: time.Unix(1700000000, 0),
		}},
		// HubSpot's v3 scheme, signed with Python over the decoded URI
		// (%3A in the query is signed as ':').
		{"hubspot-v3 scheme", "hubspot-v3", "hubspot-client-secret", Request{
			Method: "POST", Path: "/webhook/dev/hubspot", RawQuery: "a=b%3Ac", PublicURL: "https://ferry.example.com",
			Header: http.Header{
				"X-Hubspot-Signature-V3":      {"U5Em0DXnbxr+fLnw1fKwnnRS10XO6IwHGkkQ9yH9CT4="},
				"X-Hubspot-Request-Timestamp": {"1700000000000"},
			},
			Body: []byte(`[{"eventId":1,"portalId":62515}]`), ReceivedAt: hubAt,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Verify(&providers.Webhook{Signature: tc.scheme}, tc.secret, tc.r); err != nil {
				t.Fatal(err)
			}
			tc.r.Body = append(tc.r.Body, ' ')
			if err := Verify(&providers.Webhook{Signature: tc.scheme}, tc.secret, tc.r); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("tampered: %v", err)
			}
		})
	}
}

func TestVerifyErrorNamesTheHeader(t *testing.T) {
	err := Verify(&providers.Webhook{Signature: "github"}, secret, req(body, "X-Hub-Signature-256", "sha256="+hexMAC("x", body)))
	if want := "webhooks: bad signature: X-Hub-Signature-256 does not match the request (wrong secret, or the body was altered)"; err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant %s", err, want)
	}
}

func TestScheme(t *testing.T) {
	for _, tc := range []struct {
		cfg    *providers.Webhook
		secret string
		want   string
	}{
		{nil, "", SchemeNone},
		{nil, "s", SchemeHMACSHA256},
		{&providers.Webhook{}, "", SchemeNone},
		{&providers.Webhook{Signature: "github"}, "", SchemeGitHub},
		{&providers.Webhook{Signature: "none"}, "s", SchemeNone},
	} {
		if got := Scheme(tc.cfg, tc.secret); got != tc.want {
			t.Errorf("Scheme(%+v, %q) = %q, want %q", tc.cfg, tc.secret, got, tc.want)
		}
	}
}

// FuzzVerify feeds every scheme arbitrary signature and timestamp headers:
// Verify must never panic, never accept a request it cannot have signed,
// and always explain a refusal with one of its sentinels.
func FuzzVerify(f *testing.F) {
	f.Add(uint8(0), "sha256=00", "1700000000", []byte(body))
	f.Add(uint8(1), "v0=zz", "x", []byte(""))
	f.Add(uint8(2), "t=1,v1=,v1=00,t=", "", []byte("{}"))
	f.Add(uint8(3), "////", "99999999999999999999", []byte("[]"))
	f.Add(uint8(4), "sha256=", "-1", []byte(nil))
	schemes := []string{SchemeGitHub, SchemeSlack, SchemeStripe, SchemeHubSpotV3, SchemeHMACSHA256}
	headers := []string{"X-Hub-Signature-256", "X-Slack-Signature", "Stripe-Signature", "X-HubSpot-Signature-v3", DefaultSignatureHeader}
	f.Fuzz(func(t *testing.T, which uint8, sig, ts string, b []byte) {
		i := int(which) % len(schemes)
		r := Request{Method: "POST", Path: "/w", Header: http.Header{}, Body: b, ReceivedAt: t0}
		r.Header.Set(headers[i], sig)
		r.Header.Set("X-Slack-Request-Timestamp", ts)
		r.Header.Set("X-HubSpot-Request-Timestamp", ts)
		err := Verify(&providers.Webhook{Signature: schemes[i]}, secret, r)
		if err == nil {
			t.Fatalf("%s accepted signature %q", schemes[i], sig)
		}
		if !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrMissingSignature) && !errors.Is(err, ErrStaleTimestamp) {
			t.Fatalf("error %v wraps no sentinel", err)
		}
	})
}
