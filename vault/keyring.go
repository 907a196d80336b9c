package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
)

// Keyring seals values under its primary key and opens values sealed under
// any of its keys. It is immutable and safe for concurrent use; build it
// once (LoadKeyring or NewKeyring) and share it. The zero Keyring holds no
// key and must not be used.
type Keyring struct {
	primary *ringKey
	byID    map[string]*ringKey
	ids     []string // in the order given, primary first
}

// ringKey is a key ready to use: the AES block and GCM mode are set up once.
type ringKey struct {
	id   string
	aead cipher.AEAD
}

// NewKeyring returns a keyring holding keys. The first is the primary,
// which seals; all of them open. Ids must be distinct.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: a keyring needs at least one key", ErrInvalidKey)
	}
	kr := &Keyring{byID: make(map[string]*ringKey, len(keys))}
	for i, k := range keys {
		if !k.valid() {
			return nil, fmt.Errorf("%w: key %d is the zero Key", ErrInvalidKey, i+1)
		}
		if _, dup := kr.byID[k.id]; dup {
			return nil, fmt.Errorf("%w: key %d: id %q is used twice", ErrInvalidKey, i+1, k.id)
		}
		block, err := aes.NewCipher(k.material[:])
		if err != nil {
			return nil, fmt.Errorf("vault: key %q: %w", k.id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("vault: key %q: %w", k.id, err)
		}
		rk := &ringKey{id: k.id, aead: aead}
		if i == 0 {
			kr.primary = rk
		}
		kr.byID[k.id] = rk
		kr.ids = append(kr.ids, k.id)
	}
	return kr, nil
}

// PrimaryID returns the id of the key that seals. A stored value whose
// KeyID differs is due for Reseal.
func (kr *Keyring) PrimaryID() string { return kr.primary.id }

// KeyIDs returns the ids of every key, the primary first.
func (kr *Keyring) KeyIDs() []string { return append([]string(nil), kr.ids...) }

// Seal encrypts plaintext under the primary key with a fresh random nonce.
// aad is the value's place (see AAD): Open must be given the same bytes.
// It is authenticated, not encrypted, and not stored.
func (kr *Keyring) Seal(plaintext, aad []byte) (Sealed, error) {
	s := Sealed{KeyID: kr.primary.id}
	if _, err := rand.Read(s.Nonce[:]); err != nil {
		return Sealed{}, fmt.Errorf("vault: seal: nonce: %w", err)
	}
	s.Ciphertext = kr.primary.aead.Seal(nil, s.Nonce[:], plaintext, s.additionalData(aad))
	return s, nil
}

// Open decrypts s, checking that it was sealed for aad and not changed
// since. It fails with ErrUnknownKey when s names a key the keyring lacks,
// ErrTampered when authentication fails, ErrMalformed when s is not a
// sealed value at all.
func (kr *Keyring) Open(s Sealed, aad []byte) ([]byte, error) {
	rk, err := kr.keyFor(s)
	if err != nil {
		return nil, err
	}
	plaintext, err := rk.aead.Open(nil, s.Nonce[:], s.Ciphertext, s.additionalData(aad))
	if err != nil {
		return nil, fmt.Errorf("%w (key %q)", ErrTampered, s.KeyID)
	}
	return plaintext, nil
}

// Reseal opens s and seals its plaintext again under the primary key, with
// a new nonce. Callers rotating keys reseal every value whose KeyID is not
// PrimaryID and write it back; the old key can go once none is left.
func (kr *Keyring) Reseal(s Sealed, aad []byte) (Sealed, error) {
	plaintext, err := kr.Open(s, aad)
	if err != nil {
		return Sealed{}, err
	}
	out, err := kr.Seal(plaintext, aad)
	clear(plaintext)
	return out, err
}

func (kr *Keyring) keyFor(s Sealed) (*ringKey, error) {
	if !validKeyID(s.KeyID) {
		return nil, fmt.Errorf("%w: key id %s", ErrMalformed, keyIDRule)
	}
	if len(s.Ciphertext) < TagSize {
		return nil, fmt.Errorf("%w: ciphertext is %d bytes, shorter than the %d-byte tag", ErrMalformed, len(s.Ciphertext), TagSize)
	}
	rk, ok := kr.byID[s.KeyID]
	if !ok {
		return nil, fmt.Errorf("%w: the value was sealed with key %q, which is not in the keyring (it holds %s); add that key to FERRY_ENCRYPTION_KEY",
			ErrUnknownKey, s.KeyID, quoteAll(kr.ids))
	}
	return rk, nil
}

// additionalData is what GCM authenticates besides the ciphertext: the
// encoding's header (version and key id), then the caller's aad. The
// header has its own length, so the two cannot run into each other.
func (s Sealed) additionalData(aad []byte) []byte {
	b := make([]byte, 0, 2+len(s.KeyID)+len(aad))
	return append(s.appendHeader(b), aad...)
}

// AAD builds additional data naming a value's place from its parts, for
// example AAD("credentials", environment, integration, connectionID). Each
// part is preceded by its length, so ("a/b", "c") and ("a", "b/c") differ,
// as joining with a separator would not guarantee. Start with what the
// value is, so two secrets of one connection cannot be swapped either.
func AAD(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += binary.MaxVarintLen64 + len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	return b
}

func quoteAll(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}
