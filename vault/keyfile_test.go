package vault

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func skipModesOnWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not describe access on Windows")
	}
}

func TestLoadKeyringCreatesKeyFile(t *testing.T) {
	skipModesOnWindows(t)
	dir := filepath.Join(t.TempDir(), "ferry-data", "nested")
	kr, err := LoadKeyring(LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, KeyFileName)
	assertMode(t, path, 0o600)
	assertMode(t, dir, 0o700)

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(string(data))
	if err != nil || k.ID() != kr.PrimaryID() {
		t.Fatalf("key file holds %v (id %q), keyring's primary is %q", err, k.ID(), kr.PrimaryID())
	}
	assertNoTempFiles(t, dir)

	s, _ := kr.Seal([]byte("token"), nil)
	again, err := LoadKeyring(LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(s, nil); err != nil || string(got) != "token" {
		t.Fatalf("after restart: %q, %v", got, err)
	}
}

func TestLoadKeyringRefusesUnsafeKeyFile(t *testing.T) {
	skipModesOnWindows(t)
	good := base64.StdEncoding.EncodeToString(material(9)) + "\n"
	tests := []struct {
		mode    fs.FileMode
		wantErr string // "" when the file is fine
	}{
		{0o600, ""},
		{0o400, ""},
		{0o644, "has mode 0644, which lets other users read it; run chmod 600 "},
		{0o640, "mode 0640, which lets other users read it"},
		{0o604, "mode 0604"},
		{0o620, "mode 0620, which lets other users write it"},
		{0o666, "mode 0666, which lets other users read and write it"},
		{0o601, "mode 0601, which lets other users run it"},
	}
	for _, tc := range tests {
		t.Run(tc.mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			writeFile(t, path, good, tc.mode)
			kr, err := LoadKeyring(LoadOptions{DataDir: dir})
			if tc.wantErr == "" {
				if err != nil || kr.PrimaryID() != deriveKeyID(material(9)) {
					t.Fatalf("LoadKeyring = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrUnsafeFile) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadKeyring = %v, want ErrUnsafeFile naming %s and saying %q", err, path, tc.wantErr)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(good)) {
				t.Fatal("the error shows the key")
			}
		})
	}
}

func TestLoadKeyringConcurrentFirstStart(t *testing.T) {
	for round := range 20 {
		dir := filepath.Join(t.TempDir(), "data")
		const starters = 4
		ids := make([]string, starters)
		errs := make([]error, starters)
		var ready, wg sync.WaitGroup
		ready.Add(1)
		for i := range starters {
			wg.Go(func() {
				ready.Wait()
				kr, err := LoadKeyring(LoadOptions{DataDir: dir})
				if err == nil {
					ids[i] = kr.PrimaryID()
				}
				errs[i] = err
			})
		}
		ready.Done()
		wg.Wait()
		for i := range starters {
			if errs[i] != nil {
				t.Fatalf("round %d, starter %d: %v", round, i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("round %d: starters got keys %v", round, ids)
			}
		}
		assertNoTempFiles(t, dir)
	}
}

func TestLoadKeyringFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	kr, err := LoadKeyring(LoadOptions{
		EncryptionKey: "new:" + hex.EncodeToString(material(2)) + ",old:" + hex.EncodeToString(material(1)),
		DataDir:       dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	if kr.PrimaryID() != "new" || len(kr.KeyIDs()) != 2 {
		t.Fatalf("keyring %v, primary %q", kr.KeyIDs(), kr.PrimaryID())
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a key file was written although FERRY_ENCRYPTION_KEY is set: %v", err)
	}
}

// Moving from the key file to FERRY_ENCRYPTION_KEY: the file's key, listed
// without an id, keeps its derived id, so old values open.
func TestMigrateKeyFileToEnvironment(t *testing.T) {
	dir := t.TempDir()
	fileRing, err := LoadKeyring(LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := fileRing.Seal([]byte("token"), nil)
	content, _ := os.ReadFile(filepath.Join(dir, KeyFileName))

	envRing, err := LoadKeyring(LoadOptions{EncryptionKey: "k2:" + hex.EncodeToString(material(2)) + "," + string(content)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := envRing.Open(s, nil); err != nil || string(got) != "token" {
		t.Fatalf("value sealed under the key file: %q, %v", got, err)
	}
}

func TestLoadKeyringFileWithList(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, KeyFileName),
		"k2:"+hex.EncodeToString(material(2))+"\n"+hex.EncodeToString(material(1))+"\n", 0o600)
	kr, err := LoadKeyring(LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if kr.PrimaryID() != "k2" || len(kr.KeyIDs()) != 2 {
		t.Fatalf("keyring %v", kr.KeyIDs())
	}
}

func TestLoadKeyringErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    LoadOptions
		file    *string // key file content, written 0600
		dirFile bool    // the key file's path is a directory
		want    error
		wantMsg string
	}{
		{name: "nothing configured", opts: LoadOptions{}, want: ErrInvalidKey, wantMsg: "no FERRY_ENCRYPTION_KEY and no data directory"},
		{name: "bad environment key", opts: LoadOptions{EncryptionKey: "abcd"}, want: ErrInvalidKey, wantMsg: "FERRY_ENCRYPTION_KEY: vault: invalid key: hex key is 2 bytes, want 32"},
		{name: "empty key file", file: ptr(""), want: ErrInvalidKey, wantMsg: "no key given"},
		{name: "garbage key file", file: ptr("hello world\n"), want: ErrInvalidKey, wantMsg: "neither hex nor base64"},
		{name: "short key file", file: ptr(hex.EncodeToString(material(1))[:40]), want: ErrInvalidKey, wantMsg: "hex key is 20 bytes"},
		{name: "key file is a directory", dirFile: true, want: ErrUnsafeFile, wantMsg: "is not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			if tc.file != nil || tc.dirFile {
				tc.opts.DataDir = dir
			}
			if tc.file != nil {
				writeFile(t, path, *tc.file, 0o600)
			}
			if tc.dirFile {
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			_, err := LoadKeyring(tc.opts)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("LoadKeyring = %v, want %v containing %q", err, tc.want, tc.wantMsg)
			}
			if tc.file != nil && !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the key file", err)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // WriteFile's mode passes through the umask
		t.Fatal(err)
	}
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Fatalf("%s has mode %04o, want %04o", path, got, want)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Fatalf("temporary file left behind: %s", e.Name())
		}
	}
}
