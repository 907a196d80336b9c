package vault

import (
	"bytes"
	"os"
	"testing"
)

// credentialsFixture is a typical OAuth2 connection's credentials JSON
// (~600 bytes: access and refresh tokens, expiry, the raw token response).
func credentialsFixture(b *testing.B) []byte {
	data, err := os.ReadFile("testdata/oauth2-credentials.json")
	if err != nil {
		b.Fatal(err)
	}
	return bytes.TrimSpace(data)
}

// BenchmarkOpen is the credentials read path of issue 4's "credentials
// read + decrypt ≤ 20 µs": decode the stored bytes, build the value's AAD,
// decrypt and authenticate.
func BenchmarkOpen(b *testing.B) {
	plaintext := credentialsFixture(b)
	kr := testKeyring(b, testKey(b, "k2", 2), testKey(b, "k1", 1))
	s, err := kr.Seal(plaintext, AAD("credentials", "dev", "google-calendar", "user-42"))
	if err != nil {
		b.Fatal(err)
	}
	stored, _ := s.MarshalBinary()
	b.SetBytes(int64(len(plaintext)))
	b.ReportAllocs()
	for b.Loop() {
		var s Sealed
		if err := s.UnmarshalBinary(stored); err != nil {
			b.Fatal(err)
		}
		if _, err := kr.Open(s, AAD("credentials", "dev", "google-calendar", "user-42")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodedOpen is BenchmarkOpen through the Encoded view, which
// decrypts straight from the stored bytes (no copy of the ciphertext).
func BenchmarkEncodedOpen(b *testing.B) {
	plaintext := credentialsFixture(b)
	enc := testKeyring(b, testKey(b, "k1", 1)).Encoded()
	stored, err := enc.Seal(plaintext, AAD("credentials", "dev", "google-calendar", "user-42"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(plaintext)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := enc.Open(stored, AAD("credentials", "dev", "google-calendar", "user-42")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenParallel is BenchmarkOpen from every core at once through
// one keyring, as concurrent executions read their credentials.
func BenchmarkOpenParallel(b *testing.B) {
	plaintext := credentialsFixture(b)
	kr := testKeyring(b, testKey(b, "k1", 1))
	aad := AAD("credentials", "dev", "google-calendar", "user-42")
	s, _ := kr.Seal(plaintext, aad)
	stored, _ := s.MarshalBinary()
	b.SetBytes(int64(len(plaintext)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var s Sealed
			if err := s.UnmarshalBinary(stored); err != nil {
				b.Fatal(err)
			}
			if _, err := kr.Open(s, aad); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSeal is the write path: seal under the primary key with a fresh
// nonce and encode for the store.
func BenchmarkSeal(b *testing.B) {
	plaintext := credentialsFixture(b)
	kr := testKeyring(b, testKey(b, "k1", 1))
	b.SetBytes(int64(len(plaintext)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := kr.Seal(plaintext, AAD("credentials", "dev", "google-calendar", "user-42"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.MarshalBinary(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifySecretKey is the per-request cost of API authentication.
func BenchmarkVerifySecretKey(b *testing.B) {
	key, _ := NewSecretKey()
	hash := HashSecretKey(key)
	b.ReportAllocs()
	for b.Loop() {
		if !VerifySecretKey(hash, key) {
			b.Fatal("rejected")
		}
	}
}
