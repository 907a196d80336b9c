package vault

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func testKeyring(t testing.TB, keys ...Key) *Keyring {
	t.Helper()
	kr, err := NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestSealOpenRoundTrip(t *testing.T) {
	kr := testKeyring(t, testKey(t, "k1", 1))
	aad := AAD("credentials", "dev", "github", "user-42")
	for _, plaintext := range [][]byte{
		nil,
		[]byte("x"),
		[]byte(`{"type":"API_KEY","apiKey":"sk_live_abc"}`),
		bytes.Repeat([]byte{0, 0xff}, 40000),
	} {
		t.Run(fmt.Sprintf("%d bytes", len(plaintext)), func(t *testing.T) {
			s, err := kr.Seal(plaintext, aad)
			if err != nil {
				t.Fatal(err)
			}
			if s.KeyID != "k1" || len(s.Ciphertext) != len(plaintext)+TagSize {
				t.Fatalf("sealed under %q with %d bytes of ciphertext", s.KeyID, len(s.Ciphertext))
			}
			if len(plaintext) > 8 && bytes.Contains(s.Ciphertext, plaintext[:8]) {
				t.Fatal("ciphertext contains the plaintext")
			}
			got, err := kr.Open(s, aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plaintext) {
				t.Fatal("Open returned other bytes")
			}
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	kr := testKeyring(t, testKey(t, "k1", 1))
	seen := map[[NonceSize]byte]bool{}
	var first []byte
	for range 1000 {
		s, err := kr.Seal([]byte("same plaintext"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if seen[s.Nonce] {
			t.Fatal("nonce reused")
		}
		seen[s.Nonce] = true
		if first == nil {
			first = s.Ciphertext
		} else if bytes.Equal(first, s.Ciphertext) {
			t.Fatal("the same plaintext sealed twice gives the same ciphertext")
		}
	}
}

func TestOpenRejectsAnotherPlace(t *testing.T) {
	kr := testKeyring(t, testKey(t, "k1", 1))
	s, err := kr.Seal([]byte("token"), AAD("credentials", "dev", "github", "user-42"))
	if err != nil {
		t.Fatal(err)
	}
	for _, aad := range [][]byte{
		nil,
		AAD("credentials", "dev", "github", "user-43"),
		AAD("credentials", "prod", "github", "user-42"),
		AAD("webhook-secret", "dev", "github", "user-42"),
		AAD("credentials", "dev", "github", "user-42", ""),
		AAD("credentials", "dev/github", "user-42"),
		[]byte("credentials/dev/github/user-42"),
	} {
		if _, err := kr.Open(s, aad); !errors.Is(err, ErrTampered) {
			t.Errorf("Open with aad %q = %v, want ErrTampered", aad, err)
		}
	}
}

func TestAADIsUnambiguous(t *testing.T) {
	pairs := [][2][]string{
		{{"a/b", "c"}, {"a", "b/c"}},
		{{"ab", ""}, {"a", "b"}},
		{{"a"}, {"a", ""}},
		{{}, {""}},
	}
	for _, p := range pairs {
		if bytes.Equal(AAD(p[0]...), AAD(p[1]...)) {
			t.Errorf("AAD(%q) == AAD(%q)", p[0], p[1])
		}
	}
}

func TestOpenUnknownKey(t *testing.T) {
	old := testKeyring(t, testKey(t, "2024", 1))
	s, err := old.Seal([]byte("token"), nil)
	if err != nil {
		t.Fatal(err)
	}
	kr := testKeyring(t, testKey(t, "2025", 2), testKey(t, "", 3))
	_, err = kr.Open(s, nil)
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Open = %v, want ErrUnknownKey", err)
	}
	want := fmt.Sprintf(`sealed with key "2024", which is not in the keyring (it holds "2025", %q)`, deriveKeyID(material(3)))
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not say %q", err, want)
	}
}

func TestOpenWithSameIDOtherKey(t *testing.T) {
	s, err := testKeyring(t, testKey(t, "k1", 1)).Seal([]byte("token"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testKeyring(t, testKey(t, "k1", 2)).Open(s, nil); !errors.Is(err, ErrTampered) {
		t.Fatalf("Open under another key with the same id = %v, want ErrTampered", err)
	}
}

func TestRotation(t *testing.T) {
	k1, k2 := testKey(t, "k1", 1), testKey(t, "k2", 2)
	aad := AAD("credentials", "dev", "github", "c1")
	old, err := testKeyring(t, k1).Seal([]byte("old secret"), aad)
	if err != nil {
		t.Fatal(err)
	}

	rotated := testKeyring(t, k2, k1)
	if rotated.PrimaryID() != "k2" || fmt.Sprint(rotated.KeyIDs()) != "[k2 k1]" {
		t.Fatalf("primary %q, ids %v", rotated.PrimaryID(), rotated.KeyIDs())
	}
	if got, err := rotated.Open(old, aad); err != nil || string(got) != "old secret" {
		t.Fatalf("old value after rotation: %q, %v", got, err)
	}
	if s, _ := rotated.Seal([]byte("new"), aad); s.KeyID != "k2" {
		t.Fatalf("new value sealed under %q, want k2", s.KeyID)
	}

	moved, err := rotated.Reseal(old, aad)
	if err != nil {
		t.Fatal(err)
	}
	if moved.KeyID != "k2" || moved.Nonce == old.Nonce {
		t.Fatalf("Reseal gave key %q, same nonce %v", moved.KeyID, moved.Nonce == old.Nonce)
	}
	onlyNew := testKeyring(t, k2)
	if got, err := onlyNew.Open(moved, aad); err != nil || string(got) != "old secret" {
		t.Fatalf("resealed value without the old key: %q, %v", got, err)
	}
	if _, err := onlyNew.Open(old, aad); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old value without the old key = %v, want ErrUnknownKey", err)
	}
	if _, err := rotated.Reseal(old, AAD("elsewhere")); !errors.Is(err, ErrTampered) {
		t.Fatalf("Reseal with the wrong aad = %v, want ErrTampered", err)
	}
}

func TestNewKeyringErrors(t *testing.T) {
	tests := []struct {
		name string
		keys []Key
		want string
	}{
		{"none", nil, "at least one key"},
		{"zero key", []Key{{}}, "key 1 is the zero Key"},
		{"duplicate id", []Key{testKey(t, "a", 1), testKey(t, "a", 2)}, `key 2: id "a" is used twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewKeyring(tc.keys...)
			if !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewKeyring = %v, want ErrInvalidKey containing %q", err, tc.want)
			}
		})
	}
}

func TestOpenMalformedSealed(t *testing.T) {
	kr := testKeyring(t, testKey(t, "k1", 1))
	for _, s := range []Sealed{
		{},
		{KeyID: "k1"},
		{KeyID: "k1", Ciphertext: make([]byte, TagSize-1)},
		{KeyID: "bad id", Ciphertext: make([]byte, TagSize)},
	} {
		if _, err := kr.Open(s, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("Open(%+v) = %v, want ErrMalformed", s, err)
		}
	}
}

// Many goroutines sealing and opening through one keyring.
func TestKeyringConcurrentUse(t *testing.T) {
	kr := testKeyring(t, testKey(t, "k2", 2), testKey(t, "k1", 1))
	old, _ := testKeyring(t, testKey(t, "k1", 1)).Seal([]byte("old"), nil)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				aad := AAD("c", fmt.Sprint(g), fmt.Sprint(i))
				want := []byte(fmt.Sprintf("secret %d/%d", g, i))
				s, err := kr.Seal(want, aad)
				if err == nil {
					var got []byte
					if got, err = kr.Open(s, aad); err == nil && !bytes.Equal(got, want) {
						err = fmt.Errorf("got %q, want %q", got, want)
					}
				}
				if err == nil {
					_, err = kr.Open(old, nil)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
