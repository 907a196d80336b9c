package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Pending is an authorization in progress: what the callback needs to
// finish it.
type Pending struct {
	ProviderConfigKey string
	ConnectionID      string
	ConnectionConfig  map[string]any
	Verifier          string // PKCE code verifier
	RedirectURI       string
	Expires           time.Time
}

// States keeps pending authorizations by their state parameter, each for
// a limited time and for one callback only. It lives in memory: a restart
// forgets the authorizations in progress (their users start again), which
// suits the embedded single-process server.
type States struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]Pending
}

// NewStates returns a store whose states expire after ttl (default 10
// minutes).
func NewStates(ttl time.Duration) *States {
	if ttl <= 0 {
		ttl = 10 * time.Minute
	}
	return &States{ttl: ttl, now: time.Now, m: map[string]Pending{}}
}

// Begin stores p under a new random state, with a new PKCE verifier when
// p has none, and returns the state and the stored Pending.
func (s *States) Begin(p Pending) (string, Pending, error) {
	state, err := randomString(32)
	if err != nil {
		return "", p, fmt.Errorf("new state: %w", err)
	}
	if p.Verifier == "" {
		p.Verifier = oauth2.GenerateVerifier()
	}
	now := s.now()
	p.Expires = now.Add(s.ttl)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m { // sweep: the map stays as small as the authorizations in flight
		if now.After(v.Expires) {
			delete(s.m, k)
		}
	}
	s.m[state] = p
	return state, p, nil
}

// Take returns and forgets the pending authorization of state, or
// ErrBadState when there is none or it expired.
func (s *States) Take(state string) (Pending, error) {
	s.mu.Lock()
	p, ok := s.m[state]
	delete(s.m, state)
	s.mu.Unlock()
	if !ok || s.now().After(p.Expires) {
		return Pending{}, ErrBadState
	}
	return p, nil
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
