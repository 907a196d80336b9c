package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/outbox"
)

func TestResolveSigningKey(t *testing.T) {
	const (
		explicit = "explicit-key-0123456789"
		fallback = "ferry_sk_fallback_0123456789"
		other    = "patched-key-0123456789"
	)
	ctx := context.Background()
	e := newEnv(t)
	o, err := outbox.New(outbox.Config{Store: e.st, Sealer: e.sealer})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name               string
		env                string
		explicit, fallback string
		want               outbox.KeySource
		wantKey            string // "" : a generated whsec_ key
	}{
		{"nothing anywhere: generated", "gen", "", "", outbox.KeyGenerated, ""},
		{"generated is then stored", "gen", "", fallback, outbox.KeyStored, ""},
		{"fallback when nothing stored", "dev", "", fallback, outbox.KeyFallback, fallback},
		{"fallback is not stored", "dev", "", "", outbox.KeyGenerated, ""},
		{"explicit wins over stored", "dev", explicit, fallback, outbox.KeyExplicit, explicit},
		{"explicit is stored", "dev", "", fallback, outbox.KeyStored, explicit},
	}
	generated := map[string]string{}
	for _, s := range steps {
		key, src, err := o.ResolveSigningKey(ctx, s.env, s.explicit, s.fallback)
		if err != nil || src != s.want {
			t.Fatalf("%s: %s %v, want %s", s.name, src, err, s.want)
		}
		switch {
		case s.wantKey != "" && key != s.wantKey:
			t.Fatalf("%s: key %q, want %q", s.name, key, s.wantKey)
		case s.wantKey == "" && src == outbox.KeyGenerated:
			if !strings.HasPrefix(key, "whsec_") || outbox.ValidateSigningKey(key) != nil {
				t.Fatalf("%s: generated %q", s.name, key)
			}
			generated[s.env] = key
		case s.wantKey == "" && key != generated[s.env]:
			t.Fatalf("%s: key %q, want the generated %q", s.name, key, generated[s.env])
		}
	}
	// A key set through the API wins from then on.
	if _, err := o.UpdateSettings(ctx, "dev", outbox.SettingsUpdate{SigningKey: other}); err != nil {
		t.Fatal(err)
	}
	if key, src, err := o.ResolveSigningKey(ctx, "dev", "", fallback); err != nil || src != outbox.KeyStored || key != other {
		t.Fatalf("after an update: %q %s %v", key, src, err)
	}
	if _, _, err := o.ResolveSigningKey(ctx, "dev", "short", ""); !errors.Is(err, outbox.ErrInvalidSigningKey) {
		t.Fatalf("short explicit key: %v", err)
	}
	if _, _, err := o.ResolveSigningKey(ctx, "fresh", "", "short"); !errors.Is(err, outbox.ErrInvalidSigningKey) {
		t.Fatalf("short fallback: %v", err)
	}

	// The keys are sealed: no plaintext in the store's file.
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{explicit, other, generated["gen"], generated["dev"], generated["gen"][len("whsec_"):]} {
		if bytes.Contains(raw, []byte(k)) {
			t.Fatalf("the store's file holds the key %q in plaintext", k)
		}
	}
}

func TestUpdateSettings(t *testing.T) {
	ctx := context.Background()
	o := newEnv(t).outbox(nil)
	urls := func(u ...string) *[]string { return &u }
	cases := []struct {
		name    string
		update  outbox.SettingsUpdate
		want    error
		wantNow []string
	}{
		{"two URLs", outbox.SettingsUpdate{URLs: urls("https://a.example/h", "http://b.example:8080/h?x=1")}, nil, []string{"https://a.example/h", "http://b.example:8080/h?x=1"}},
		{"key only keeps the URLs", outbox.SettingsUpdate{SigningKey: "another-key-0123456789"}, nil, []string{"https://a.example/h", "http://b.example:8080/h?x=1"}},
		{"three URLs", outbox.SettingsUpdate{URLs: urls("https://a.example", "https://b.example", "https://c.example")}, outbox.ErrInvalidURL, nil},
		{"relative URL", outbox.SettingsUpdate{URLs: urls("/hooks")}, outbox.ErrInvalidURL, nil},
		{"other scheme", outbox.SettingsUpdate{URLs: urls("ftp://a.example/h")}, outbox.ErrInvalidURL, nil},
		{"no host", outbox.SettingsUpdate{URLs: urls("https:///h")}, outbox.ErrInvalidURL, nil},
		{"fragment", outbox.SettingsUpdate{URLs: urls("https://a.example/h#x")}, outbox.ErrInvalidURL, nil},
		{"twice the same", outbox.SettingsUpdate{URLs: urls("https://a.example", "https://a.example")}, outbox.ErrInvalidURL, nil},
		{"not a URL", outbox.SettingsUpdate{URLs: urls("https://a b\x7f")}, outbox.ErrInvalidURL, nil},
		{"short key", outbox.SettingsUpdate{SigningKey: "0123456789abcde"}, outbox.ErrInvalidSigningKey, nil},
		{"whsec key not base64", outbox.SettingsUpdate{SigningKey: "whsec_not base64 at all!"}, outbox.ErrInvalidSigningKey, nil},
		{"whsec key too short decoded", outbox.SettingsUpdate{SigningKey: "whsec_c2hvcnRrZXk="}, outbox.ErrInvalidSigningKey, nil},
		{"a bad key changes no URL", outbox.SettingsUpdate{URLs: urls(), SigningKey: "short"}, outbox.ErrInvalidSigningKey, nil},
		{"empty list clears", outbox.SettingsUpdate{URLs: urls()}, nil, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := o.UpdateSettings(ctx, "dev", tc.update)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err == nil && (strings.Join(got.URLs, " ") != strings.Join(tc.wantNow, " ") || !got.SigningKeySet) {
				t.Fatalf("settings %+v, want URLs %q", got, tc.wantNow)
			}
		})
	}
	if s, err := o.Settings(ctx, "never"); err != nil || len(s.URLs) != 0 || s.URLs == nil || s.SigningKeySet {
		t.Fatalf("an environment never configured: %+v %v", s, err)
	}
}

func TestParseURLList(t *testing.T) {
	cases := map[string][]string{
		"":                                nil,
		"https://a.example":               {"https://a.example"},
		" https://a.example , https://b ": {"https://a.example", "https://b"},
		",,https://a.example,":            {"https://a.example"},
	}
	for in, want := range cases {
		if got := outbox.ParseURLList(in); strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("ParseURLList(%q) = %q, want %q", in, got, want)
		}
	}
}
