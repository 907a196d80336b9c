package vault

import (
	"bytes"
	"errors"
	"testing"
)

func TestEncoded(t *testing.T) {
	k1 := testKey(t, "k1", 1)
	enc := testKeyring(t, k1).Encoded()
	aad := AAD("credentials", "dev", "github", "c1")
	data, err := enc.Seal([]byte("token"), aad)
	if err != nil {
		t.Fatal(err)
	}
	var s Sealed
	if err := s.UnmarshalBinary(data); err != nil || s.KeyID != "k1" {
		t.Fatalf("Encoded.Seal wrote %x: %v", data, err)
	}
	kept := bytes.Clone(data)
	got, err := enc.Open(data, aad)
	if err != nil || string(got) != "token" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if !bytes.Equal(data, kept) {
		t.Fatal("Open changed its input")
	}
	clear(data) // the plaintext must not alias the input
	if string(got) != "token" {
		t.Fatal("the plaintext aliases the input")
	}

	rotated := testKeyring(t, testKey(t, "k2", 2), k1).Encoded()
	if got, err := rotated.Open(kept, aad); err != nil || string(got) != "token" {
		t.Fatalf("after rotation: %q, %v", got, err)
	}
	tests := []struct {
		name string
		data []byte
		aad  []byte
		want error
	}{
		{"not encoded", []byte("plain"), aad, ErrMalformed},
		{"another place", kept, AAD("credentials", "dev", "github", "c2"), ErrTampered},
		{"unknown key", kept, aad, ErrUnknownKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := enc
			if tc.want == ErrUnknownKey {
				e = testKeyring(t, testKey(t, "k3", 3)).Encoded()
			}
			if _, err := e.Open(tc.data, tc.aad); !errors.Is(err, tc.want) {
				t.Fatalf("Open = %v, want %v", err, tc.want)
			}
		})
	}
}
