package vault

import (
	"bytes"
	"encoding/base64"
	"fmt"
)

// Sizes of a sealed value's parts.
const (
	// NonceSize is the size of the random GCM nonce stored with each value.
	NonceSize = 12
	// TagSize is the size of the GCM authentication tag that ends the
	// ciphertext.
	TagSize = 16
)

// version1 is the first byte of the binary encoding. A new layout gets a
// new number; UnmarshalBinary rejects numbers it does not know.
const version1 = 1

// Sealed is one encrypted value: the id of the key that sealed it, the
// nonce, and the ciphertext with its tag. It says nothing about the
// plaintext but its length.
//
// Its binary encoding (MarshalBinary) is what the store keeps:
//
//	version (1 byte, 1) | len(KeyID) (1 byte) | KeyID | Nonce (12) | Ciphertext (≥16)
//
// 30 bytes plus the key id more than the plaintext. Its text encoding is
// the binary one in unpadded base64url, so a Sealed in a JSON document is a
// string.
type Sealed struct {
	KeyID      string
	Nonce      [NonceSize]byte
	Ciphertext []byte // ciphertext followed by the TagSize-byte tag
}

// appendHeader appends the encoding's prefix before the nonce. Seal and Open
// authenticate it along with the caller's additional data, so the version
// and key id cannot be changed without detection either.
func (s Sealed) appendHeader(b []byte) []byte {
	b = append(b, version1, byte(len(s.KeyID)))
	return append(b, s.KeyID...)
}

// AppendBinary appends the binary encoding of s to b.
func (s Sealed) AppendBinary(b []byte) ([]byte, error) {
	if !validKeyID(s.KeyID) {
		return b, fmt.Errorf("%w: key id %s", ErrMalformed, keyIDRule)
	}
	if len(s.Ciphertext) < TagSize {
		return b, fmt.Errorf("%w: ciphertext is %d bytes, shorter than the %d-byte tag", ErrMalformed, len(s.Ciphertext), TagSize)
	}
	b = s.appendHeader(b)
	b = append(b, s.Nonce[:]...)
	return append(b, s.Ciphertext...), nil
}

// MarshalBinary returns the binary encoding of s.
func (s Sealed) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(make([]byte, 0, 2+len(s.KeyID)+NonceSize+len(s.Ciphertext)))
}

// UnmarshalBinary decodes data into s. It copies what it keeps, so data
// may be a buffer that is only valid for a while (a bbolt value inside its
// transaction).
func (s *Sealed) UnmarshalBinary(data []byte) error {
	v, err := parseBinary(data)
	if err != nil {
		return err
	}
	v.Ciphertext = bytes.Clone(v.Ciphertext)
	*s = v
	return nil
}

// parseBinary decodes data; the Ciphertext it returns aliases data.
func parseBinary(data []byte) (Sealed, error) {
	if len(data) == 0 {
		return Sealed{}, fmt.Errorf("%w: empty", ErrMalformed)
	}
	if data[0] != version1 {
		return Sealed{}, fmt.Errorf("%w: unknown version %d", ErrMalformed, data[0])
	}
	if len(data) < 2 {
		return Sealed{}, fmt.Errorf("%w: truncated after the version", ErrMalformed)
	}
	n := int(data[1])
	rest := data[2:]
	if len(rest) < n+NonceSize+TagSize {
		return Sealed{}, fmt.Errorf("%w: %d bytes, too short for a %d-byte key id, a nonce and a tag", ErrMalformed, len(data), n)
	}
	id := string(rest[:n])
	if !validKeyID(id) {
		return Sealed{}, fmt.Errorf("%w: key id %s", ErrMalformed, keyIDRule)
	}
	s := Sealed{KeyID: id, Ciphertext: rest[n+NonceSize:]}
	copy(s.Nonce[:], rest[n:n+NonceSize])
	return s, nil
}

// MarshalText returns the binary encoding in unpadded base64url.
func (s Sealed) MarshalText() ([]byte, error) {
	b, err := s.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return base64.RawURLEncoding.AppendEncode(nil, b), nil
}

// UnmarshalText decodes what MarshalText returned.
func (s *Sealed) UnmarshalText(text []byte) error {
	b, err := base64.RawURLEncoding.AppendDecode(nil, text)
	if err != nil {
		return fmt.Errorf("%w: not unpadded base64url", ErrMalformed)
	}
	return s.UnmarshalBinary(b)
}
