package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// material returns 32 bytes all equal to b.
func material(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

// testKey returns the key of 32 bytes b under id ("" for the derived id).
func testKey(t testing.TB, id string, b byte) Key {
	t.Helper()
	k, err := NewKey(id, material(b))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestParseKeys(t *testing.T) {
	m := material(0xfb) // base64 of 0xfb… uses '+' and '/' (std) or '-' and '_' (URL)
	hexKey := hex.EncodeToString(m)
	std := base64.StdEncoding.EncodeToString(m)
	derived := deriveKeyID(m)
	other := base64.StdEncoding.EncodeToString(material(7))
	otherID := deriveKeyID(material(7))

	tests := []struct {
		name    string
		in      string
		wantIDs []string
		wantErr string // substring; the error must also wrap ErrInvalidKey
	}{
		{"hex", hexKey, []string{derived}, ""},
		{"hex upper case", strings.ToUpper(hexKey), []string{derived}, ""},
		{"base64 std", std, []string{derived}, ""},
		{"base64 std unpadded", base64.RawStdEncoding.EncodeToString(m), []string{derived}, ""},
		{"base64 url", base64.URLEncoding.EncodeToString(m), []string{derived}, ""},
		{"base64 url unpadded", base64.RawURLEncoding.EncodeToString(m), []string{derived}, ""},
		{"surrounding space", "  " + std + "\n", []string{derived}, ""},
		{"explicit id", "k1:" + hexKey, []string{"k1"}, ""},
		{"id of every allowed character", "Key_2.0-b:" + std, []string{"Key_2.0-b"}, ""},
		{"list, primary first", "new:" + std + ",old:" + other, []string{"new", "old"}, ""},
		{"list with spaces", " new:" + std + " , " + other + " ", []string{"new", otherID}, ""},
		{"list on lines, blank and trailing entries", "\n" + std + "\r\n\n" + other + ",\n", []string{derived, otherID}, ""},

		{"empty", "", nil, "no key given"},
		{"only separators", " ,\n, ", nil, "no key given"},
		{"hex too short", hexKey[:62], nil, "hex key is 31 bytes, want 32"},
		{"hex too long", hexKey + "ab", nil, "hex key is 33 bytes, want 32"},
		{"hex odd length", hexKey[:63], nil, "hex key has an odd number of digits (63), want 64"},
		{"base64 too short", base64.StdEncoding.EncodeToString(m[:16]), nil, "base64 key is 16 bytes, want 32"},
		{"base64 too long", base64.StdEncoding.EncodeToString(append(m, 1)), nil, "base64 key is 33 bytes, want 32"},
		{"neither", "this is not a key!", nil, "key is neither hex nor base64 (18 characters)"},
		{"bad padding", std[:len(std)-1] + "==", nil, "neither hex nor base64"},
		{"empty material after id", "k1:", nil, `key "k1": empty key`},
		{"bad material after id", "k1:zz", nil, `key "k1": base64 key is 1 bytes`},
		{"empty id", ":" + std, nil, "the id before ':' must be 1–32"},
		{"id with a space", "my key:" + std, nil, "the id before ':' must be"},
		{"id too long", strings.Repeat("a", 33) + ":" + std, nil, "the id before ':' must be"},
		{"material and id reversed", std + ":k1", nil, "the id before ':' must be"},
		{"bad second entry", std + "," + hexKey[:10], nil, "key 2 of 2: hex key is 5 bytes"},
		{"duplicate id", "a:" + std + ",a:" + other, nil, `key 2 of 2: id "a" is already used by key 1`},
		{"same key twice", std + "," + hexKey, nil, fmt.Sprintf("key 2 of 2: id %q is already used by key 1", derived)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := ParseKeys(tc.in)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseKeys = %v, want ErrInvalidKey containing %q", err, tc.wantErr)
				}
				for _, secret := range []string{std, hexKey, other, hexKey[:62], hexKey[:63], base64.StdEncoding.EncodeToString(m[:16])} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error %q shows key material", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, k := range keys {
				ids = append(ids, k.ID())
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.wantIDs) {
				t.Fatalf("ids = %v, want %v", ids, tc.wantIDs)
			}
			if !bytes.Equal(keys[0].material[:], m) {
				t.Fatal("primary key material differs from the input")
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	k, err := ParseKey(" k9:" + hex.EncodeToString(material(3)) + "\n")
	if err != nil || k.ID() != "k9" || !bytes.Equal(k.material[:], material(3)) {
		t.Fatalf("ParseKey = %v (id %q), %v", k, k.ID(), err)
	}
	if _, err := ParseKey("a:" + hex.EncodeToString(material(3)) + ",b:x"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("ParseKey of a list = %v, want ErrInvalidKey", err)
	}
}

func TestNewKey(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		material []byte
		wantID   string
		wantErr  string
	}{
		{"derived id", "", material(1), deriveKeyID(material(1)), ""},
		{"explicit id", "2025-01", material(1), "2025-01", ""},
		{"short", "", material(1)[:31], "", "key is 31 bytes, want 32"},
		{"nil", "", nil, "", "key is 0 bytes, want 32"},
		{"bad id", "a/b", material(1), "", "key id must be"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := NewKey(tc.id, tc.material)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NewKey = %v, want ErrInvalidKey containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || k.ID() != tc.wantID {
				t.Fatalf("NewKey = id %q, %v; want id %q", k.ID(), err, tc.wantID)
			}
		})
	}

	// The key keeps its own copy of the material.
	m := material(5)
	k, _ := NewKey("", m)
	m[0] = 0
	if k.material[0] != 5 {
		t.Fatal("NewKey kept the caller's slice")
	}
}

func TestDerivedKeyID(t *testing.T) {
	// sha256 of 32 zero bytes is 66687aad…: the id an operator computes
	// with `head -c32 /dev/zero | sha256sum | cut -c1-8`.
	if id := deriveKeyID(make([]byte, KeySize)); id != "66687aad" {
		t.Fatalf("derived id = %q, want 66687aad", id)
	}
}

func TestKeyIsRedacted(t *testing.T) {
	k := testKey(t, "k1", 0xab)
	holder := struct {
		Exported Key
		hidden   Key
	}{k, k}
	hexM := hex.EncodeToString(material(0xab))
	for _, s := range []string{
		k.String(), k.GoString(),
		fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", k, k, k, k, k, k, k, k),
		fmt.Sprintf("%v %+v %#v", holder, holder, holder),
		fmt.Sprintf("%v %#v", &k, []Key{k}),
	} {
		if strings.Contains(s, hexM[:8]) || strings.Contains(s, "171 171") || strings.Contains(s, "0xab") || strings.Contains(s, "\xab") {
			t.Errorf("key material shows: %q", s)
		}
		if !strings.Contains(s, redacted) && !strings.Contains(s, "0x") {
			t.Errorf("%q says neither [redacted] nor an address", s)
		}
	}
}
