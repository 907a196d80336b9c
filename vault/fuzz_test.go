package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// FuzzUnmarshalBinary: any bytes either decode to a value that encodes back
// to the same bytes, or fail with ErrMalformed; opening never panics and
// never succeeds without the key.
func FuzzUnmarshalBinary(f *testing.F) {
	kr := testKeyring(f, testKey(f, "k1", 1))
	s, _ := kr.Seal([]byte(`{"apiKey":"abc"}`), nil)
	valid, _ := s.MarshalBinary()
	f.Add(valid)
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2, 2, 'k', '1'})
	f.Add(append([]byte{1, 255}, make([]byte, 40)...))
	f.Add(valid[:len(valid)-1])
	other := testKeyring(f, testKey(f, "k1", 2))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := other.Encoded().Open(data, nil); err == nil {
			t.Fatal("Encoded.Open opened bytes not sealed under its key")
		}
		var s Sealed
		if err := s.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		back, err := s.MarshalBinary()
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("re-encoding gives %x, %v; want %x", back, err, data)
		}
		if _, err := other.Open(s, nil); err == nil {
			t.Fatal("opened under a key it was not sealed with")
		}
		var text Sealed
		if m, err := s.MarshalText(); err != nil || text.UnmarshalText(m) != nil || text.KeyID != s.KeyID {
			t.Fatalf("text round trip failed: %v", err)
		}
	})
}

// FuzzParseKeys: parsing never panics; what parses builds a keyring; errors
// wrap ErrInvalidKey and never quote an entry's material.
func FuzzParseKeys(f *testing.F) {
	m := material(0xfb)
	for _, seed := range []string{
		hex.EncodeToString(m),
		base64.StdEncoding.EncodeToString(m),
		base64.RawURLEncoding.EncodeToString(m),
		"k1:" + hex.EncodeToString(m) + ",k2:" + base64.StdEncoding.EncodeToString(material(1)),
		base64.StdEncoding.EncodeToString(m) + ":k1",
		"a:b:c", ",,", "", ":", "k1:", strings.Repeat("f", 63),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys, err := ParseKeys(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("error %v does not wrap ErrInvalidKey", err)
			}
			for e := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
				_, secret, found := strings.Cut(e, ":")
				if !found {
					secret = e
				}
				secret = strings.TrimSpace(secret)
				// Short or spaced strings may match the message's own words;
				// ids are quoted on purpose.
				if len(secret) >= 20 && !strings.ContainsAny(secret, " \t") && !validKeyID(secret) &&
					strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q quotes key material %q", err, secret)
				}
			}
			return
		}
		if _, err := NewKeyring(keys...); err != nil {
			t.Fatalf("parsed keys do not make a keyring: %v", err)
		}
	})
}
