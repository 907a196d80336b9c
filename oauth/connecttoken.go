package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ConnectSession is what a connect session token allows: starting the
// connect flow of one connection id, of one integration when it names
// one, until Expires.
type ConnectSession struct {
	ConnectionID      string    `json:"c"`
	ProviderConfigKey string    `json:"p,omitempty"`
	Expires           time.Time `json:"e"`
}

// ConnectTokens issues and verifies connect session tokens: the session,
// HMAC-SHA256 signed with a key made at construction. The key is not
// stored, so tokens die with the process (they live minutes anyway).
type ConnectTokens struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// NewConnectTokens returns an issuer whose tokens live ttl (default 30
// minutes, as Nango's connect sessions).
func NewConnectTokens(ttl time.Duration) (*ConnectTokens, error) {
	if ttl <= 0 {
		ttl = 30 * time.Minute
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("connect token key: %w", err)
	}
	return &ConnectTokens{key: key, ttl: ttl, now: time.Now}, nil
}

const connectTokenPrefix = "ferry_cst_"

// Issue signs a session for connectionID (and providerConfigKey, "" for
// any integration).
func (ct *ConnectTokens) Issue(connectionID, providerConfigKey string) (string, ConnectSession) {
	cs := ConnectSession{ConnectionID: connectionID, ProviderConfigKey: providerConfigKey, Expires: ct.now().Add(ct.ttl).UTC().Truncate(time.Second)}
	body, _ := json.Marshal(cs)
	payload := base64.RawURLEncoding.EncodeToString(body)
	return connectTokenPrefix + payload + "." + ct.sign(payload), cs
}

// Verify returns the session of a token, or ErrBadConnectToken.
func (ct *ConnectTokens) Verify(token string) (ConnectSession, error) {
	var cs ConnectSession
	payload, sig, ok := strings.Cut(strings.TrimPrefix(token, connectTokenPrefix), ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(ct.sign(payload))) {
		return cs, ErrBadConnectToken
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(body, &cs) != nil || !ct.now().Before(cs.Expires) {
		return ConnectSession{}, ErrBadConnectToken
	}
	return cs, nil
}

func (ct *ConnectTokens) sign(payload string) string {
	m := hmac.New(sha256.New, ct.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
