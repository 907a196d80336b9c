package oauth

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestExpand(t *testing.T) {
	cfg := map[string]any{"subdomain": "acme", "n": 3}
	tests := []struct {
		name, tmpl, want string
		err              error
	}{
		{"plain", "https://x.test/token", "https://x.test/token", nil},
		{"config", "https://${connectionConfig.subdomain}.x.test/${ connectionConfig.n }", "https://acme.x.test/3", nil},
		{"missing", "https://${connectionConfig.region}.x.test", "", ErrUnresolved},
		{"other scope", "https://x.test/${apiKey}", "", ErrUnresolved},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Expand(tc.tmpl, cfg)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Expand(%q) = %q, %v; want %q, %v", tc.tmpl, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestAuthCodeURL(t *testing.T) {
	app := App{ClientID: "id", AuthURL: "https://x.test/auth?prompt=consent", Scopes: []string{"a", "b"}, ScopeSeparator: ",", AuthParams: map[string]string{"access_type": "offline"}}
	u, err := url.Parse(app.AuthCodeURL("st", "verifier-verifier-verifier-verifier-verifier", "https://ferry.test/oauth/callback"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, want := range map[string]string{"client_id": "id", "scope": "a,b", "state": "st", "prompt": "consent", "access_type": "offline",
		"code_challenge_method": "S256", "redirect_uri": "https://ferry.test/oauth/callback", "response_type": "code"} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	app.DisablePKCE = true
	if strings.Contains(app.AuthCodeURL("st", "v", "r"), "code_challenge") {
		t.Error("PKCE disabled but a challenge was sent")
	}
}

func TestStates(t *testing.T) {
	s := NewStates(time.Minute)
	now := time.Now()
	s.now = func() time.Time { return now }
	state, p, err := s.Begin(Pending{ConnectionID: "c"})
	if err != nil || p.Verifier == "" {
		t.Fatal(err, p)
	}
	if _, err := s.Take(state); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Take(state); !errors.Is(err, ErrBadState) {
		t.Errorf("second Take: %v, want ErrBadState", err)
	}
	state, _, _ = s.Begin(Pending{ConnectionID: "c"})
	now = now.Add(2 * time.Minute)
	if _, err := s.Take(state); !errors.Is(err, ErrBadState) {
		t.Errorf("expired Take: %v, want ErrBadState", err)
	}
}

func TestConnectTokens(t *testing.T) {
	ct, err := NewConnectTokens(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ct.now = func() time.Time { return now }
	tok, _ := ct.Issue("conn", "int")
	cs, err := ct.Verify(tok)
	if err != nil || cs.ConnectionID != "conn" || cs.ProviderConfigKey != "int" {
		t.Fatalf("Verify = %+v, %v", cs, err)
	}
	other, _ := NewConnectTokens(time.Minute)
	for name, bad := range map[string]string{"tampered": tok[:len(tok)-2] + "xx", "other key": mustIssue(other), "garbage": "ferry_cst_x"} {
		if _, err := ct.Verify(bad); !errors.Is(err, ErrBadConnectToken) {
			t.Errorf("%s: %v", name, err)
		}
	}
	now = now.Add(2 * time.Minute)
	if _, err := ct.Verify(tok); !errors.Is(err, ErrBadConnectToken) {
		t.Errorf("expired: %v", err)
	}
}

func mustIssue(ct *ConnectTokens) string { tok, _ := ct.Issue("conn", "int"); return tok }
