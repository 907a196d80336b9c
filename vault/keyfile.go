package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// KeyFileName is the key file LoadKeyring keeps in the data directory when
// no key is configured.
const KeyFileName = "encryption.key"

// LoadOptions says where LoadKeyring finds its keys.
type LoadOptions struct {
	// EncryptionKey is the value of FERRY_ENCRYPTION_KEY, passed in by the
	// caller: one key or a list (see ParseKeys), the primary first. When
	// set, it is the whole keyring and the key file is not touched.
	EncryptionKey string

	// DataDir is the data directory. Without EncryptionKey the keys are
	// read from DataDir/encryption.key, which is created on first start
	// (the directory too, 0700) with a new random key, 0600.
	DataDir string
}

// LoadKeyring builds the keyring from opts.EncryptionKey, or else from the
// key file in opts.DataDir, creating it on first start. The key file may
// hold a list like FERRY_ENCRYPTION_KEY (one entry per line or comma
// separated). LoadKeyring refuses a key file that users other than its
// owner may read or write (ErrUnsafeFile). Two processes starting on an
// empty directory at once end up with the same key.
func LoadKeyring(opts LoadOptions) (*Keyring, error) {
	if strings.TrimSpace(opts.EncryptionKey) != "" {
		keys, err := ParseKeys(opts.EncryptionKey)
		if err != nil {
			return nil, fmt.Errorf("FERRY_ENCRYPTION_KEY: %w", err)
		}
		return NewKeyring(keys...)
	}
	if opts.DataDir == "" {
		return nil, fmt.Errorf("%w: no FERRY_ENCRYPTION_KEY and no data directory to keep a key file in", ErrInvalidKey)
	}
	path := filepath.Join(opts.DataDir, KeyFileName)
	keys, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		keys, err = createKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return NewKeyring(keys...)
}

// readKeyFile reads and parses the key file; a missing file is reported as
// fs.ErrNotExist.
func readKeyFile(path string) ([]Key, error) {
	data, err := readPrivate(path, "key file", 0o077)
	if err != nil {
		return nil, err
	}
	keys, err := ParseKeys(string(data))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return keys, nil
}

// createKeyFile makes a new key and writes it to path, unless another
// process got there first, in which case its key is the one used.
func createKeyFile(path string) ([]Key, error) {
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	k, err := GenerateKey()
	if err != nil {
		return nil, err
	}
	created, err := createOnce(path, []byte(k.encode()+"\n"))
	if err != nil {
		return nil, err
	}
	if !created {
		return readKeyFile(path)
	}
	return []Key{k}, nil
}
