package sdkjs_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"
)

// nodeAPIsOutput is the output of utilities/actions/node-apis.
type nodeAPIsOutput struct {
	URL struct {
		Protocol, Hostname, Port, Pathname, Q, Limit, Hash, Origin string
	} `json:"url"`
	Resolved      string   `json:"resolved"`
	SearchParams  string   `json:"searchParams"`
	Tags          []string `json:"tags"`
	TextLength    int      `json:"textLength"`
	TextRoundTrip string   `json:"textRoundTrip"`
	Base64        string   `json:"base64"`
	Hex           string   `json:"hex"`
	FromBase64    string   `json:"fromBase64"`
	FromHex       string   `json:"fromHex"`
	Btoa          string   `json:"btoa"`
	Atob          string   `json:"atob"`
	Clone         struct {
		IsDate       bool    `json:"isDate"`
		SameDate     bool    `json:"sameDate"`
		ISO          string  `json:"iso"`
		IsMap        bool    `json:"isMap"`
		Entries      [][]any `json:"entries"`
		OriginalSize int     `json:"originalSize"`
	} `json:"clone"`
	SHA256       string         `json:"sha256"`
	SHA256Base64 string         `json:"sha256Base64"`
	HMAC         string         `json:"hmac"`
	UUID         string         `json:"uuid"`
	WebUUID      string         `json:"webUuid"`
	Order        []string       `json:"order"`
	Pings        []string       `json:"pings"`
	Metadata     map[string]any `json:"metadata"`
	ConnectionID string         `json:"connectionId"`
	Random       float64        `json:"random"`
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestNodeGlobals checks the Node-ish APIs functions use against Go's own
// implementations: URL, URLSearchParams, TextEncoder/TextDecoder, Buffer,
// atob/btoa, structuredClone, node:crypto (default and named imports),
// timers, Promise.all over host calls, and per-execution randomness.
func TestNodeGlobals(t *testing.T) {
	b := function(t, "utilities/actions/node-apis")
	e := newEnv(t, map[string]http.HandlerFunc{
		"GET /ping": func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(3 * time.Millisecond) // longer than a 0 ms timer
			writeJSON(w, http.StatusOK, map[string]any{"n": r.URL.Query().Get("n")})
		},
	})
	e.setMetadata("utilities", map[string]any{"region": "eu"})
	const message, secret = "Grüße, 世界 🚀 naïve café", "whsec_Zm9vYmFy"
	input := `{"message":"` + message + `","secret":"` + secret + `"}`
	run := func() nodeAPIsOutput {
		res, _ := e.mustRun(b, input)
		return decode[nodeAPIsOutput](t, res.Output)
	}
	out := run()

	base, _ := url.Parse("https://api.example.com/v1/items/")
	ref, _ := url.Parse("../v2/search?page=2")
	abc := sha256.Sum256([]byte("abc"))
	msgSum := sha256.Sum256([]byte(message))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))

	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"url.protocol", out.URL.Protocol, "https:"},
		{"url.hostname", out.URL.Hostname, "api.example.com"},
		{"url.port", out.URL.Port, "8443"},
		{"url.pathname", out.URL.Pathname, "/v1/items"},
		{"url.searchParams q", out.URL.Q, "café au lait"},
		{"url.searchParams limit", out.URL.Limit, "10"},
		{"url.hash", out.URL.Hash, "#top"},
		{"url.origin", out.URL.Origin, "https://api.example.com:8443"},
		{"relative URL", out.Resolved, base.ResolveReference(ref).String()},
		{"URLSearchParams", out.SearchParams, "filter=status%3Aopen&name=Zo%C3%AB+%26+co&tag=a&tag=b"},
		{"URLSearchParams.getAll", out.Tags, []string{"a", "b"}},
		{"TextEncoder length", out.TextLength, len(message)},
		{"TextDecoder", out.TextRoundTrip, message},
		{"Buffer base64", out.Base64, base64.StdEncoding.EncodeToString([]byte(message))},
		{"Buffer hex", out.Hex, hex.EncodeToString([]byte(message))},
		{"Buffer from base64", out.FromBase64, message},
		{"Buffer from hex", out.FromHex, message},
		{"btoa", out.Btoa, base64.StdEncoding.EncodeToString([]byte("user:p@ss"))},
		{"atob", out.Atob, "user:p@ss"},
		{"structuredClone Date", out.Clone.IsDate, true},
		{"structuredClone copies the Date", out.Clone.SameDate, false},
		{"structuredClone Date value", out.Clone.ISO, "2024-02-29T12:34:56.789Z"},
		{"structuredClone Map", out.Clone.IsMap, true},
		{"structuredClone Map entries", asJSON(t, out.Clone.Entries), `[["a",1],["b",2],["c",3]]`},
		{"structuredClone copies the Map", out.Clone.OriginalSize, 2},
		{"createHash sha256 (default import)", out.SHA256, hex.EncodeToString(abc[:])},
		{"createHash sha256 base64 (named import)", out.SHA256Base64, base64.StdEncoding.EncodeToString(msgSum[:])},
		{"createHmac sha256", out.HMAC, hex.EncodeToString(mac.Sum(nil))},
		{"randomUUID format", uuidV4.MatchString(out.UUID), true},
		{"crypto.randomUUID format", uuidV4.MatchString(out.WebUUID), true},
		// Where "pings" lands among the timers depends on how long the host
		// calls take (a loaded machine, -race): only the timers' order
		// relative to the microtask is the runtime's to keep.
		{"timer order", slices.DeleteFunc(slices.Clone(out.Order), func(s string) bool { return s == "pings" }), []string{"sync", "microtask", "timeout 0ms", "timeout 20ms"}},
		{"host calls settle", slices.Contains(out.Order, "pings"), true},
		{"Promise.all over host calls", out.Pings, []string{"1", "2", "3"}},
		{"Promise.all getMetadata", asJSON(t, out.Metadata), `{"region":"eu"}`},
		{"Promise.all getConnection", out.ConnectionID, testConn},
		{"Math.random range", out.Random >= 0 && out.Random < 1, true},
	} {
		t.Run(c.what, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %#v, want %#v", c.got, c.want)
			}
		})
	}
	if out.UUID == out.WebUUID {
		t.Errorf("two UUIDs of one execution are equal: %s", out.UUID)
	}

	var pings []string
	for _, r := range e.api.requests() {
		pings = append(pings, r.Query.Get("n"))
	}
	if !reflect.DeepEqual(pings, []string{"1", "2", "3"}) {
		t.Errorf("the API received pings %v, want 1, 2, 3 in order", pings)
	}

	// A second execution draws new randomness: Math.random is reseeded
	// and randomUUID differs.
	again := run()
	if again.UUID == out.UUID || again.WebUUID == out.WebUUID {
		t.Errorf("randomUUID repeated across executions: %s, %s", again.UUID, again.WebUUID)
	}
	if again.Random == out.Random {
		t.Errorf("Math.random gave %v in two executions", out.Random)
	}
}
