package vault

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const envKey = "0123456789abcdef0123456789abcdef-operator"

func TestEnsureSecretKeyGenerates(t *testing.T) {
	skipModesOnWindows(t)
	dir := filepath.Join(t.TempDir(), "data")
	generated, hash, err := EnsureSecretKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(generated, SecretKeyPrefix) || hash != HashSecretKey(generated) || !VerifySecretKey(hash, generated) {
		t.Fatalf("generated %q with hash %q", generated, hash)
	}
	path := filepath.Join(dir, SecretKeyHashFileName)
	assertMode(t, path, 0o600)
	assertMode(t, dir, 0o700)
	if data, _ := os.ReadFile(path); string(data) != hash+"\n" || strings.Contains(string(data), generated) {
		t.Fatalf("hash file holds %q", data)
	}

	again, hash2, err := EnsureSecretKey(dir, "")
	if err != nil || again != "" || hash2 != hash {
		t.Fatalf("second start: generated %q, hash %q, %v; want none, %q", again, hash2, err, hash)
	}
	assertNoTempFiles(t, dir)
}

func TestEnsureSecretKeyFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, SecretKeyHashFileName)

	generated, _, err := EnsureSecretKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}

	// The operator sets FERRY_SECRET_KEY: it wins, and its hash replaces
	// the generated key's.
	got, hash, err := EnsureSecretKey(dir, "  "+envKey+"\n")
	if err != nil || got != "" || hash != HashSecretKey(envKey) {
		t.Fatalf("from env: generated %q, hash %q, %v", got, hash, err)
	}
	if data, _ := os.ReadFile(path); string(data) != hash+"\n" {
		t.Fatalf("hash file holds %q, want the env key's hash", data)
	}
	if VerifySecretKey(hash, generated) {
		t.Fatal("the generated key still works")
	}

	// Unset again: the last key in force stays, no new one is made.
	got, hash2, err := EnsureSecretKey(dir, "")
	if err != nil || got != "" || hash2 != hash {
		t.Fatalf("env unset: generated %q, hash %q, %v; want the env key's hash", got, hash2, err)
	}

	// The same env key again leaves the file alone.
	before, _ := os.Stat(path)
	if _, _, err := EnsureSecretKey(dir, envKey); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(path); !os.SameFile(before, after) {
		t.Fatal("the hash file was rewritten for an unchanged key")
	}
}

func TestEnsureSecretKeyWithoutDataDir(t *testing.T) {
	got, hash, err := EnsureSecretKey("", envKey)
	if err != nil || got != "" || hash != HashSecretKey(envKey) {
		t.Fatalf("EnsureSecretKey = %q, %q, %v", got, hash, err)
	}
	if _, _, err := EnsureSecretKey("", ""); !errors.Is(err, ErrInvalidSecretKey) {
		t.Fatalf("no env and no dir: %v, want ErrInvalidSecretKey", err)
	}
}

func TestEnsureSecretKeyErrors(t *testing.T) {
	valid := HashSecretKey(envKey) + "\n"
	tests := []struct {
		name    string
		fromEnv string
		file    *string
		mode    fs.FileMode
		want    error
		wantMsg string
	}{
		{name: "env key too short", fromEnv: "short-secret", want: ErrInvalidSecretKey, wantMsg: "FERRY_SECRET_KEY is 12 characters, want at least 32"},
		{name: "env key with a space", fromEnv: "0123456789abcdef 0123456789abcdef", want: ErrInvalidSecretKey, wantMsg: "character at byte 16"},
		{name: "env key not ASCII", fromEnv: "0123456789abcdef0123456789abcdé", want: ErrInvalidSecretKey, wantMsg: "non-ASCII character at byte 30"},
		{name: "hash file garbage", file: ptr("not a hash\n"), mode: 0o600, want: ErrInvalidSecretKey, wantMsg: "does not hold a hash ferry wrote"},
		{name: "hash file empty", file: ptr(""), mode: 0o600, want: ErrInvalidSecretKey, wantMsg: "does not hold a hash"},
		{name: "hash file world-writable", file: &valid, mode: 0o666, want: ErrUnsafeFile, wantMsg: "lets other users write it"},
		{name: "hash file group-writable", file: &valid, mode: 0o620, want: ErrUnsafeFile, wantMsg: "mode 0620"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.mode&0o022 != 0 {
				skipModesOnWindows(t)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, SecretKeyHashFileName)
			if tc.file != nil {
				writeFile(t, path, *tc.file, tc.mode)
			}
			got, hash, err := EnsureSecretKey(dir, tc.fromEnv)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("EnsureSecretKey = %v, want %v containing %q", err, tc.want, tc.wantMsg)
			}
			if got != "" || hash != "" {
				t.Fatalf("returned %q, %q with an error", got, hash)
			}
			if tc.fromEnv != "" && strings.Contains(err.Error(), tc.fromEnv) {
				t.Fatal("the error shows the key")
			}
		})
	}
}

// A readable hash file is fine: the hash of a 256-bit key gives nothing away.
func TestEnsureSecretKeyReadableHashFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, SecretKeyHashFileName), HashSecretKey(envKey)+"\n", 0o644)
	if _, hash, err := EnsureSecretKey(dir, ""); err != nil || !VerifySecretKey(hash, envKey) {
		t.Fatalf("EnsureSecretKey = %q, %v", hash, err)
	}
}

func TestEnsureSecretKeyConcurrentFirstStart(t *testing.T) {
	for round := range 20 {
		dir := filepath.Join(t.TempDir(), "data")
		const starters = 4
		generated := make([]string, starters)
		hashes := make([]string, starters)
		errs := make([]error, starters)
		var ready, wg sync.WaitGroup
		ready.Add(1)
		for i := range starters {
			wg.Go(func() {
				ready.Wait()
				generated[i], hashes[i], errs[i] = EnsureSecretKey(dir, "")
			})
		}
		ready.Done()
		wg.Wait()
		shown := ""
		for i := range starters {
			if errs[i] != nil {
				t.Fatalf("round %d, starter %d: %v", round, i, errs[i])
			}
			if hashes[i] != hashes[0] {
				t.Fatalf("round %d: hashes differ: %v", round, hashes)
			}
			if generated[i] != "" {
				if shown != "" {
					t.Fatalf("round %d: two starters showed a key", round)
				}
				shown = generated[i]
			}
		}
		if !VerifySecretKey(hashes[0], shown) {
			t.Fatalf("round %d: the key shown (%q) does not match the stored hash", round, shown)
		}
	}
}
