package vault

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Modes of the files vault writes. The data directory is created private
// too when it does not exist.
const (
	dirMode  fs.FileMode = 0o700
	fileMode fs.FileMode = 0o600
)

// maxFileSize bounds what vault reads from its files: a key list or a hash
// is a few hundred bytes.
const maxFileSize = 64 << 10

// ensureDir creates dir and its parents, private, if they do not exist. An
// existing directory keeps its mode: the files in it are private anyway.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("vault: create data directory: %w", err)
	}
	return nil
}

// createOnce writes data to path unless a file is already there. The data
// goes to a temporary file in the same directory, is synced, and is then
// hard-linked to path: the link appears complete or not at all, and fails
// if path exists, so of two processes starting at once exactly one wins
// and the other reads the winner's file (created is false). On a file
// system without hard links it falls back to an exclusive create, where a
// crash mid-write can leave a short file behind; that fails loudly on the
// next start, and nothing was sealed with its key, since the key is only
// used after the write.
func createOnce(path string, data []byte) (created bool, err error) {
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, filepath.Base(path), data)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	lerr := os.Link(tmp, path)
	switch {
	case lerr == nil:
		syncDir(dir)
		return true, nil
	case errors.Is(lerr, fs.ErrExist):
		return false, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("vault: create %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return false, fmt.Errorf("vault: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return false, fmt.Errorf("vault: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("vault: close %s: %w", path, err)
	}
	syncDir(dir)
	return true, nil
}

// replaceFile writes data to path atomically, replacing what is there:
// temporary file, sync, rename.
func replaceFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := writeTemp(dir, filepath.Base(path), data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("vault: replace %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// writeTemp writes data to a new 0600 file in dir and syncs it.
func writeTemp(dir, base string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+".*.tmp") // CreateTemp makes it 0600
	if err != nil {
		return "", fmt.Errorf("vault: create temporary file in %s: %w", dir, err)
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("vault: write %s: %w", f.Name(), werr)
	}
	return f.Name(), nil
}

// syncDir makes a new directory entry durable. It is best effort: some
// systems (Windows) cannot sync a directory, and the file's content is
// already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// readPrivate reads the regular file at path, refusing it when its mode
// has any of the forbidden permission bits (skipped on Windows, whose
// modes do not describe access). what names the file in errors.
func readPrivate(path, what string, forbidden fs.FileMode) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vault: %s: %w", what, err) // callers check fs.ErrNotExist
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("vault: %s: %w", what, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s %s is not a regular file", ErrUnsafeFile, what, path)
	}
	if perm := info.Mode().Perm(); runtime.GOOS != "windows" && perm&forbidden != 0 {
		return nil, fmt.Errorf("%w: %s %s has mode %04o, which lets other users %s it; run chmod 600 %s",
			ErrUnsafeFile, what, path, perm, accessWord(perm&forbidden), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("vault: read %s %s: %w", what, path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("vault: %s %s is larger than %d bytes", what, path, maxFileSize)
	}
	return data, nil
}

func accessWord(bits fs.FileMode) string {
	switch {
	case bits&0o044 != 0 && bits&0o022 != 0:
		return "read and write"
	case bits&0o044 != 0:
		return "read"
	case bits&0o022 != 0:
		return "write"
	}
	return "run"
}
