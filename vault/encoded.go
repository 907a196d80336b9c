package vault

// Encoded is a view of a Keyring that seals to, and opens from, the binary
// encoding of Sealed values: the shape for a store that keeps []byte. Like
// the Keyring, it is safe for concurrent use.
type Encoded struct{ kr *Keyring }

// Encoded returns the view of kr that works on encoded values.
func (kr *Keyring) Encoded() Encoded { return Encoded{kr} }

// Seal seals plaintext for aad (Keyring.Seal) and returns the encoding
// (Sealed.MarshalBinary).
func (e Encoded) Seal(plaintext, aad []byte) ([]byte, error) {
	s, err := e.kr.Seal(plaintext, aad)
	if err != nil {
		return nil, err
	}
	return s.MarshalBinary()
}

// Open decodes data and opens it for aad, with the errors of
// Sealed.UnmarshalBinary and Keyring.Open. It does not keep data: the
// plaintext is a new slice, so data may be a bbolt value inside its
// transaction.
func (e Encoded) Open(data, aad []byte) ([]byte, error) {
	s, err := parseBinary(data) // aliases data, which Open only reads
	if err != nil {
		return nil, err
	}
	return e.kr.Open(s, aad)
}
