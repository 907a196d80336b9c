package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// SecretKeyPrefix starts every secret key NewSecretKey makes, so that a
// leaked key is recognisable (secret scanners, logs).
const SecretKeyPrefix = "ferry_sk_"

// hashScheme prefixes stored hashes so the scheme can change later without
// guessing what an old hash is.
const hashScheme = "sha256:"

// NewSecretKey returns a new API secret key: "ferry_sk_" followed by 32
// random bytes in unpadded base64url (52 characters in all).
func NewSecretKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("vault: generate secret key: %w", err)
	}
	return SecretKeyPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashSecretKey returns the hash stored in place of a secret key:
// "sha256:" and the hex SHA-256 of the key.
//
// A fast hash is the right one here. Slow password hashes (bcrypt, argon2)
// exist to make guessing low-entropy passwords expensive; a generated key
// has 256 bits of entropy, which no number of guesses dents, and it is
// checked on every API request, where a slow hash would cost milliseconds
// each. Keys given by the operator must be at least 32 characters
// (EnsureSecretKey).
func HashSecretKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hashScheme + hex.EncodeToString(sum[:])
}

// VerifySecretKey reports whether presented is the key hash was made from.
// The comparison is of fixed-size digests in constant time, so the time it
// takes says nothing about how much of the key was right. A hash that is
// not one HashSecretKey made matches nothing.
func VerifySecretKey(hash, presented string) bool {
	want, ok := parseSecretKeyHash(hash)
	if !ok || presented == "" {
		return false
	}
	got := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(want[:], got[:]) == 1
}

// parseSecretKeyHash decodes a hash HashSecretKey made.
func parseSecretKeyHash(hash string) (digest [sha256.Size]byte, ok bool) {
	h, found := strings.CutPrefix(hash, hashScheme)
	if !found || len(h) != 2*sha256.Size {
		return digest, false
	}
	if _, err := hex.Decode(digest[:], []byte(h)); err != nil {
		return digest, false
	}
	return digest, true
}
