package vault

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewSecretKey(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		key, err := NewSecretKey()
		if err != nil {
			t.Fatal(err)
		}
		rest, ok := strings.CutPrefix(key, SecretKeyPrefix)
		if !ok || len(key) != 52 {
			t.Fatalf("key %q: want %q and 43 characters", key, SecretKeyPrefix)
		}
		if b, err := base64.RawURLEncoding.DecodeString(rest); err != nil || len(b) != 32 {
			t.Fatalf("key body is not base64url of 32 bytes: %v", err)
		}
		if seen[key] {
			t.Fatal("the same key twice")
		}
		seen[key] = true
		if err := checkSecretKey(key); err != nil {
			t.Fatalf("a generated key fails the operator rules: %v", err)
		}
	}
}

func TestHashSecretKey(t *testing.T) {
	// SHA-256("abc") is the FIPS 180-2 test vector.
	if got, want := HashSecretKey("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Fatalf("HashSecretKey(abc) = %s, want %s", got, want)
	}
}

func TestVerifySecretKey(t *testing.T) {
	key := "ferry_sk_" + strings.Repeat("A", 43)
	hash := HashSecretKey(key)
	tests := []struct {
		name      string
		hash      string
		presented string
		want      bool
	}{
		{"right key", hash, key, true},
		{"upper-case hex in the hash", "sha256:" + strings.ToUpper(strings.TrimPrefix(hash, "sha256:")), key, true},
		{"wrong key", hash, "ferry_sk_" + strings.Repeat("B", 43), false},
		{"empty", hash, "", false},
		{"prefix of the key", hash, key[:len(key)-1], false},
		{"key and more", hash, key + "A", false},
		{"key with a space", hash, key + " ", false},
		{"the hash itself", hash, hash, false},
		{"hash without scheme", strings.TrimPrefix(hash, "sha256:"), key, false},
		{"other scheme", "bcrypt:" + strings.TrimPrefix(hash, "sha256:"), key, false},
		{"short hash", hash[:len(hash)-2], key, false},
		{"hash not hex", hash[:len(hash)-1] + "g", key, false},
		{"empty hash", "", key, false},
		{"empty hash and key", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := VerifySecretKey(tc.hash, tc.presented); got != tc.want {
				t.Fatalf("VerifySecretKey = %v, want %v", got, tc.want)
			}
		})
	}
}
