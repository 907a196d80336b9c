package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SecretKeyHashFileName is the file in the data directory that holds the
// hash of the API secret key in force.
const SecretKeyHashFileName = "secret-key.hash"

// MinSecretKeyLen is the shortest secret key EnsureSecretKey accepts from
// the operator: the stored hash is a fast one (see HashSecretKey), so the
// key must be long enough not to be guessed. A Nango secret key (a UUID,
// 36 characters) passes.
const MinSecretKeyLen = 32

// EnsureSecretKey settles the API secret key at server start and returns
// the hash requests are checked against (with VerifySecretKey).
//
//   - fromEnv set (FERRY_SECRET_KEY): it is the key. Its hash is written to
//     dataDir/secret-key.hash when the file holds another one, so the data
//     directory always names the key in force: unsetting FERRY_SECRET_KEY
//     later keeps that key instead of bringing back a generated one the
//     operator may have replaced because it leaked. The key must be at
//     least MinSecretKeyLen visible ASCII characters (ErrInvalidSecretKey).
//   - else, dataDir/secret-key.hash exists: its hash is used.
//   - else a key is generated, only its hash is written (0600), and the key
//     is returned as generated, the one time it exists in plaintext, for
//     the server to show once.
//
// generated is empty except in that last case. With dataDir empty, only
// fromEnv works and nothing is written. A hash file that others may write
// is refused (ErrUnsafeFile): whoever can write it can choose the key.
func EnsureSecretKey(dataDir, fromEnv string) (generated, hash string, err error) {
	if key := strings.TrimSpace(fromEnv); key != "" {
		if err := checkSecretKey(key); err != nil {
			return "", "", err
		}
		hash = HashSecretKey(key)
		if dataDir == "" {
			return "", hash, nil
		}
		return "", hash, storeSecretKeyHash(dataDir, hash)
	}
	if dataDir == "" {
		return "", "", fmt.Errorf("%w: no FERRY_SECRET_KEY and no data directory to keep its hash in", ErrInvalidSecretKey)
	}
	path := filepath.Join(dataDir, SecretKeyHashFileName)
	hash, err = readSecretKeyHash(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return "", hash, err
	}
	if err := ensureDir(dataDir); err != nil {
		return "", "", err
	}
	key, err := NewSecretKey()
	if err != nil {
		return "", "", err
	}
	hash = HashSecretKey(key)
	created, err := createOnce(path, []byte(hash+"\n"))
	if err != nil {
		return "", "", err
	}
	if !created { // another process started at the same moment; its key stands
		hash, err = readSecretKeyHash(path)
		return "", hash, err
	}
	return key, hash, nil
}

// checkSecretKey enforces what an operator's key must be: long enough, and
// only characters that travel unchanged in "Authorization: Bearer <key>".
func checkSecretKey(key string) error {
	if len(key) < MinSecretKeyLen {
		return fmt.Errorf("%w: FERRY_SECRET_KEY is %d characters, want at least %d (generate one with `openssl rand -hex 32`)",
			ErrInvalidSecretKey, len(key), MinSecretKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x21 || c > 0x7e {
			return fmt.Errorf("%w: FERRY_SECRET_KEY has a space, control or non-ASCII character at byte %d", ErrInvalidSecretKey, i)
		}
	}
	return nil
}

// storeSecretKeyHash writes hash to the hash file unless it is there already.
func storeSecretKeyHash(dataDir, hash string) error {
	path := filepath.Join(dataDir, SecretKeyHashFileName)
	if old, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(old)) == hash {
		return nil
	}
	if err := ensureDir(dataDir); err != nil {
		return err
	}
	return replaceFile(path, []byte(hash+"\n"))
}

// readSecretKeyHash reads and checks the hash file; a missing file is
// reported as fs.ErrNotExist.
func readSecretKeyHash(path string) (string, error) {
	data, err := readPrivate(path, "secret key hash file", 0o022)
	if err != nil {
		return "", err
	}
	hash := strings.TrimSpace(string(data))
	if _, ok := parseSecretKeyHash(hash); !ok {
		return "", fmt.Errorf("%w: %s does not hold a hash ferry wrote; delete it to generate a new key, or set FERRY_SECRET_KEY",
			ErrInvalidSecretKey, path)
	}
	return hash, nil
}
