package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// KeySize is the size of an encryption key: AES-256 takes 32 bytes.
const KeySize = 32

// maxKeyIDLen bounds key ids, which are stored beside every sealed value.
const maxKeyIDLen = 32

// redacted is what a Key prints as.
const redacted = "[redacted]"

// Key is one AES-256 key and its id. The key material cannot be read back
// out of the package, and a Key prints as "[redacted]" with every fmt verb.
// The material is held behind a pointer so that a Key inside a struct's
// unexported field, which fmt prints without calling its methods, shows as
// an address. The zero Key is not a key: NewKeyring rejects it.
type Key struct {
	id       string
	material *[KeySize]byte
}

// GenerateKey returns a new random key with its derived id.
func GenerateKey() (Key, error) {
	var m [KeySize]byte
	if _, err := rand.Read(m[:]); err != nil {
		return Key{}, fmt.Errorf("vault: generate key: %w", err)
	}
	return Key{id: deriveKeyID(m[:]), material: &m}, nil
}

// NewKey returns the key made of material, which must be exactly KeySize
// bytes (it is copied). An empty id means the derived one: the first 8 hex
// digits of the material's SHA-256, so the same key gets the same id
// wherever it is configured. An explicit id is 1–32 letters, digits, '.',
// '_' or '-'.
func NewKey(id string, material []byte) (Key, error) {
	if len(material) != KeySize {
		return Key{}, fmt.Errorf("%w: key is %d bytes, want %d", ErrInvalidKey, len(material), KeySize)
	}
	if id == "" {
		id = deriveKeyID(material)
	} else if !validKeyID(id) {
		return Key{}, fmt.Errorf("%w: key id %s", ErrInvalidKey, keyIDRule)
	}
	m := new([KeySize]byte)
	copy(m[:], material)
	return Key{id: id, material: m}, nil
}

// ID returns the key's id, which is stored beside every value it seals.
// Ids are not secret.
func (k Key) ID() string { return k.id }

// String returns "[redacted]".
func (k Key) String() string { return redacted }

// GoString returns "[redacted]", so %#v does not print the material either.
func (k Key) GoString() string { return redacted }

// Format writes "[redacted]" whatever the verb (%x and %d included).
func (k Key) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

func (k Key) valid() bool { return k.material != nil && validKeyID(k.id) }

// encode returns the key as the key file stores it: standard base64 of the
// material, with the id in front when it is not the derived one.
func (k Key) encode() string {
	s := base64.StdEncoding.EncodeToString(k.material[:])
	if k.id != deriveKeyID(k.material[:]) {
		s = k.id + ":" + s
	}
	return s
}

// ParseKey parses one key as FERRY_ENCRYPTION_KEY writes it: the material
// as hex (64 digits) or base64 (standard or URL alphabet, padded or not) of
// 32 bytes, optionally preceded by an id and a colon ("k2:<material>").
func ParseKey(s string) (Key, error) {
	k, err := parseKey(strings.TrimSpace(s))
	if err != nil {
		return Key{}, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return k, nil
}

// ParseKeys parses a list of keys separated by commas or newlines, as
// FERRY_ENCRYPTION_KEY and the key file hold them: the first is the primary
// (see NewKeyring). Blank entries are skipped; ids must be distinct. An
// error names the entry by position and, when it is well formed, by id,
// never by its material.
func ParseKeys(s string) ([]Key, error) {
	var entries []string
	for e := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if e = strings.TrimSpace(e); e != "" {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%w: no key given", ErrInvalidKey)
	}
	keys := make([]Key, 0, len(entries))
	for i, e := range entries {
		where := ""
		if len(entries) > 1 {
			where = fmt.Sprintf("key %d of %d: ", i+1, len(entries))
		}
		k, err := parseKey(e)
		if err != nil {
			return nil, fmt.Errorf("%w: %s%w", ErrInvalidKey, where, err)
		}
		for j, prev := range keys {
			if prev.id == k.id {
				return nil, fmt.Errorf("%w: %sid %q is already used by key %d", ErrInvalidKey, where, k.id, j+1)
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// keyIDRule says what a key id may be, for error messages. Invalid ids are
// never quoted: a reversed "<material>:id" would put the key there.
const keyIDRule = "must be 1–32 letters, digits, '.', '_' or '-'"

func parseKey(s string) (Key, error) {
	id, material, hasID := strings.Cut(s, ":")
	if !hasID {
		id, material = "", s
	} else if !validKeyID(id) {
		return Key{}, fmt.Errorf("the id before ':' %s", keyIDRule)
	}
	b, err := decodeMaterial(strings.TrimSpace(material))
	if err != nil {
		if id != "" {
			return Key{}, fmt.Errorf("key %q: %w", id, err)
		}
		return Key{}, err
	}
	return NewKey(id, b)
}

// base64Encodings are the encodings key material may come in.
var base64Encodings = []*base64.Encoding{
	base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding,
}

// decodeMaterial decodes 32 bytes of hex or base64. Hex comes first: 64 hex
// digits are also valid base64 (of 48 bytes). Errors say which encoding the
// text looked like and what length it had, never the text.
func decodeMaterial(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty key")
	}
	allHex := isHex(s)
	if allHex && len(s) == 2*KeySize {
		b, _ := hex.DecodeString(s)
		return b, nil
	}
	decoded := -1
	for _, enc := range base64Encodings {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) == KeySize {
				return b, nil
			}
			decoded = len(b)
		}
	}
	switch {
	case allHex && len(s)%2 == 1:
		return nil, fmt.Errorf("hex key has an odd number of digits (%d), want %d", len(s), 2*KeySize)
	case allHex:
		return nil, fmt.Errorf("hex key is %d bytes, want %d", len(s)/2, KeySize)
	case decoded >= 0:
		return nil, fmt.Errorf("base64 key is %d bytes, want %d", decoded, KeySize)
	}
	return nil, fmt.Errorf("key is neither hex nor base64 (%d characters)", len(s))
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// deriveKeyID names a key by the first 8 hex digits of its SHA-256: 32 bits
// of a hash of 256 random bits tell nothing about the key, and an operator
// can compute them (base64 -d | sha256sum) to tell keys apart.
func deriveKeyID(material []byte) string {
	sum := sha256.Sum256(material)
	return hex.EncodeToString(sum[:4])
}

func validKeyID(id string) bool {
	if id == "" || len(id) > maxKeyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
