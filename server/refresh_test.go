package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// importOAuth2 stores connection id of integration fake with tokens
// expiring at exp.
func (env *oauthEnv) importOAuth2(t *testing.T, id, at, rt string, exp time.Time) {
	t.Helper()
	body := fmt.Sprintf(`{"connection_id":%q,"provider_config_key":"fake","credentials":{"type":"OAUTH2","access_token":%q,"refresh_token":%q,"expires_at":%q}}`,
		id, at, rt, exp.UTC().Format(time.RFC3339))
	if st := env.call(t, "POST", "/connections", body, nil); st != http.StatusCreated {
		t.Fatalf("import %s: %d", id, st)
	}
}

func (env *oauthEnv) credentials(t *testing.T, id, query string) (int, connectionView) {
	t.Helper()
	var v connectionView
	st := env.call(t, "GET", "/connections/"+id+"?provider_config_key=fake"+query, "", &v)
	return st, v
}

func TestRefreshOnUse(t *testing.T) {
	tests := []struct {
		name    string
		expires time.Duration // from now
		query   string
		refresh bool
	}{
		{"within 15 minutes", 5 * time.Minute, "", true},
		{"already expired", -time.Hour, "", true},
		{"far from expiry", 2 * time.Hour, "", false},
		{"force_refresh", 2 * time.Hour, "&force_refresh=true", true},
		{"refresh_token=true (older clients)", 2 * time.Hour, "&refresh_token=true", true},
	}
	env := startOAuthEnv(t)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, rt := fmt.Sprintf("c%d", i), fmt.Sprintf("seed-rt-%d", i)
			env.as.issueRefresh(rt)
			env.importOAuth2(t, id, "old-at", rt, time.Now().Add(tc.expires))
			before := env.as.grantCount("refresh_token")
			st, v := env.credentials(t, id, tc.query)
			if st != http.StatusOK {
				t.Fatalf("GET: %d", st)
			}
			cr := v.Credentials
			if got := env.as.grantCount("refresh_token") - before; got != map[bool]int{true: 1, false: 0}[tc.refresh] {
				t.Errorf("%d refresh requests", got)
			}
			if !tc.refresh {
				if cr.AccessToken != "old-at" || cr.RefreshToken != rt {
					t.Errorf("credentials changed: %+v", cr)
				}
				return
			}
			if !strings.HasPrefix(cr.AccessToken, "at-") || !strings.HasPrefix(cr.RefreshToken, "rt-") || cr.ExpiresAt == nil || time.Until(*cr.ExpiresAt) < 50*time.Minute || cr.Raw["team"] != "blue" {
				t.Errorf("refreshed credentials %+v", cr)
			}
			// Stored: the next read sees the same token, without a refresh.
			_, again := env.credentials(t, id, "")
			if again.Credentials.AccessToken != cr.AccessToken || env.as.grantCount("refresh_token")-before != 1 {
				t.Errorf("second read: %+v", again.Credentials)
			}
		})
	}
}

func TestRefreshOncePerConnection(t *testing.T) {
	env := startOAuthEnv(t)
	env.as.issueRefresh("rt-seed")
	env.as.refreshDelay = 200 * time.Millisecond
	env.importOAuth2(t, "busy", "old-at", "rt-seed", time.Now().Add(time.Minute))

	const callers = 20
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	for i := range callers {
		wg.Go(func() {
			// Through the proxy: storedCredentials refreshes on use.
			req, _ := http.NewRequest("GET", env.url+"/proxy/me", nil)
			req.Header.Set("Authorization", "Bearer "+oauthTestKey)
			req.Header.Set("Connection-Id", "busy")
			req.Header.Set("Provider-Config-Key", "fake")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			tokens[i] = string(data)
		})
	}
	wg.Wait()
	if n := env.as.grantCount("refresh_token"); n != 1 {
		t.Errorf("%d refresh requests at the token endpoint, want 1", n)
	}
	for i, tok := range tokens {
		if !strings.Contains(tok, "Bearer at-") || tok != tokens[0] {
			t.Errorf("caller %d saw %s (caller 0: %s)", i, tok, tokens[0])
		}
	}
}

func TestRefreshFailureCooldown(t *testing.T) {
	env := startOAuthEnv(t)
	env.as.failRefresh = true
	env.as.issueRefresh("rt-a")
	env.as.issueRefresh("rt-b")
	env.importOAuth2(t, "stale", "still-good", "rt-a", time.Now().Add(5*time.Minute))
	env.importOAuth2(t, "dead", "expired", "rt-b", time.Now().Add(-time.Minute))

	// The refresh fails; the stale token still works, so callers get it.
	for range 5 {
		st, v := env.credentials(t, "stale", "")
		if st != http.StatusOK || v.Credentials.AccessToken != "still-good" {
			t.Fatalf("stale: %d %+v", st, v.Credentials)
		}
	}
	attempts := env.as.grantCount("refresh_token")
	if attempts == 0 || attempts > 2 { // x/oauth2 may retry once with the other client auth style
		t.Errorf("%d token requests for one refresh", attempts)
	}
	// An expired token: a clear error, and no new attempt in the cooldown.
	for range 3 {
		var out struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		st := env.call(t, "GET", "/connections/dead?provider_config_key=fake", "", &out)
		if st != http.StatusBadGateway || out.Error.Code != "refresh_token_external_error" || !strings.Contains(out.Error.Message, "invalid_grant") {
			t.Errorf("dead: %d %+v", st, out)
		}
	}
	deadAttempts := env.as.grantCount("refresh_token") - attempts
	if deadAttempts == 0 || deadAttempts > 2 {
		t.Errorf("%d token requests for the expired connection, want one refresh", deadAttempts)
	}
	evs := env.events.list()
	if len(evs) != 2 {
		t.Fatalf("auth events %+v: want one failure per connection", evs)
	}
	for _, ev := range evs {
		if ev.Type != "auth" || ev.Operation != "refresh" || ev.Success || ev.Error == nil || !strings.Contains(ev.Error.Description, "invalid_grant") {
			t.Errorf("event %+v", ev)
		}
	}
}

func TestRefreshClientCredentials(t *testing.T) {
	env := startOAuthEnv(t)
	body := fmt.Sprintf(`{"connection_id":"svc","provider_config_key":"fakecc","credentials":{"type":"OAUTH2_CC","access_token":"old","expires_at":%q}}`, time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
	if st := env.call(t, "POST", "/connections", body, nil); st != http.StatusCreated {
		t.Fatalf("import: %d", st)
	}
	var v connectionView
	if st := env.call(t, "GET", "/connections/svc?provider_config_key=fakecc", "", &v); st != http.StatusOK {
		t.Fatalf("GET: %d", st)
	}
	if n := env.as.grantCount("client_credentials"); n != 1 || !strings.HasPrefix(v.Credentials.AccessToken, "at-") || v.Credentials.ExpiresAt == nil {
		t.Errorf("%d client_credentials requests; credentials %+v", n, v.Credentials)
	}
}
