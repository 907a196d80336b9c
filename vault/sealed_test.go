package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func TestSealedBinaryRoundTrip(t *testing.T) {
	kr := testKeyring(t, testKey(t, "primary-2025", 1))
	s, err := kr.Seal([]byte(`{"apiKey":"abc"}`), []byte("here"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 + len("primary-2025") + NonceSize + 16 + TagSize; len(b) != want || b[0] != version1 {
		t.Fatalf("encoding is %d bytes starting %d, want %d starting %d", len(b), b[0], want, version1)
	}
	var back Sealed
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	clear(b) // UnmarshalBinary copies: a bbolt buffer may be reused
	if got, err := kr.Open(back, []byte("here")); err != nil || string(got) != `{"apiKey":"abc"}` {
		t.Fatalf("Open after round trip: %q, %v", got, err)
	}
	if app, _ := s.AppendBinary([]byte("prefix")); !bytes.HasPrefix(app, []byte("prefix")) || len(app) != len("prefix")+len(b) {
		t.Fatal("AppendBinary does not append")
	}
}

func TestSealedJSON(t *testing.T) {
	kr := testKeyring(t, testKey(t, "k1", 1))
	s, _ := kr.Seal([]byte("token"), nil)
	doc, err := json.Marshal(map[string]Sealed{"credentials": s})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]Sealed
	if err := json.Unmarshal(doc, &back); err != nil {
		t.Fatal(err)
	}
	if got, err := kr.Open(back["credentials"], nil); err != nil || string(got) != "token" {
		t.Fatalf("Open after JSON: %q, %v (document %s)", got, err, doc)
	}
	var bad Sealed
	for _, text := range []string{`"not base64!"`, `"AQ"`, `""`} {
		if err := json.Unmarshal([]byte(text), &bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("Unmarshal %s = %v, want ErrMalformed", text, err)
		}
	}
}

func TestSealedMarshalInvalid(t *testing.T) {
	for _, s := range []Sealed{{}, {KeyID: "k1"}, {KeyID: "k1:x", Ciphertext: make([]byte, TagSize)}} {
		if _, err := s.MarshalBinary(); !errors.Is(err, ErrMalformed) {
			t.Errorf("MarshalBinary(%+v) = %v, want ErrMalformed", s, err)
		}
	}
}

func TestUnmarshalBinaryErrors(t *testing.T) {
	valid := func() []byte {
		b, _ := Sealed{KeyID: "k1", Ciphertext: make([]byte, TagSize+3)}.MarshalBinary()
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"unknown version", append([]byte{2}, valid()[1:]...), "unknown version 2"},
		{"version only", []byte{1}, "truncated after the version"},
		{"no room for the tag", valid()[:2+2+NonceSize+TagSize-1], "too short"},
		{"id length past the end", append([]byte{1, 200}, valid()[2:]...), "too short for a 200-byte key id"},
		{"empty id", append([]byte{1, 0}, make([]byte, NonceSize+TagSize)...), "key id must be"},
		{"bad id character", append([]byte{1, 2, 'k', '/'}, make([]byte, NonceSize+TagSize)...), "key id must be"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Sealed
			err := s.UnmarshalBinary(tc.data)
			if !errors.Is(err, ErrMalformed) || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Fatalf("UnmarshalBinary = %v, want ErrMalformed containing %q", err, tc.want)
			}
		})
	}
}

// Every byte of an encoded value is covered: changing any one of them
// makes the value fail to decode or to open, with the error of its region.
func TestTamper(t *testing.T) {
	kr := testKeyring(t, testKey(t, "k1", 1))
	aad := AAD("credentials", "dev", "github", "c1")
	s, err := kr.Seal([]byte(`{"access_token":"gho_abc","refresh_token":"ghr_def"}`), aad)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := s.MarshalBinary()
	n := len(s.KeyID)
	regions := []struct {
		name   string
		lo, hi int
		want   []error
	}{
		{"version", 0, 1, []error{ErrMalformed}},
		{"key id length", 1, 2, []error{ErrMalformed, ErrUnknownKey}},
		{"key id", 2, 2 + n, []error{ErrMalformed, ErrUnknownKey}},
		{"nonce", 2 + n, 2 + n + NonceSize, []error{ErrTampered}},
		{"ciphertext", 2 + n + NonceSize, len(enc) - TagSize, []error{ErrTampered}},
		{"tag", len(enc) - TagSize, len(enc), []error{ErrTampered}},
	}
	for _, r := range regions {
		t.Run(r.name, func(t *testing.T) {
			for i := r.lo; i < r.hi; i++ {
				for _, flip := range []byte{0x01, 0x80, 0xff} {
					b := bytes.Clone(enc)
					b[i] ^= flip
					err := openEncoded(kr, b, aad)
					if !isOneOf(err, r.want) {
						t.Fatalf("byte %d ^ %#x: %v, want one of %v", i, flip, err, r.want)
					}
				}
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		for n := range len(enc) {
			if err := openEncoded(kr, enc[:n], aad); !isOneOf(err, []error{ErrMalformed, ErrTampered}) {
				t.Fatalf("first %d bytes: %v", n, err)
			}
		}
	})
	t.Run("extended", func(t *testing.T) {
		if err := openEncoded(kr, append(bytes.Clone(enc), 0), aad); !errors.Is(err, ErrTampered) {
			t.Fatalf("one byte more: %v, want ErrTampered", err)
		}
	})
	if err := openEncoded(kr, enc, aad); err != nil {
		t.Fatalf("the untouched value does not open: %v", err)
	}
}

func openEncoded(kr *Keyring, b, aad []byte) error {
	var s Sealed
	if err := s.UnmarshalBinary(b); err != nil {
		return err
	}
	_, err := kr.Open(s, aad)
	return err
}

func isOneOf(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// The version and key id are authenticated too: a value whose header is
// rewritten to name another key of the ring, or whose header differs from
// the one it was sealed with, does not open.
func TestHeaderIsAuthenticated(t *testing.T) {
	k := testKey(t, "k1", 1)
	alias, _ := NewKey("k2", material(1)) // the same material under another id
	kr := testKeyring(t, k, alias)
	s, _ := kr.Seal([]byte("token"), nil)
	s.KeyID = "k2"
	if _, err := kr.Open(s, nil); !errors.Is(err, ErrTampered) {
		t.Fatalf("value relabelled to another id of the same key: %v, want ErrTampered", err)
	}
}
