package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// setFormat writes a format version into a closed store file; "" removes
// it (a file from before versions were kept).
func setFormat(t *testing.T, path, version string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFormat)
		if version == "" {
			return b.Delete(keyFormat)
		}
		return b.Put(keyFormat, []byte(version))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFormat(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketFormat).Get(keyFormat))
		return nil
	})
	return v
}

// TestFormatVersion opens files of each format: its own and older ones
// open (and are marked with its version), newer or unreadable ones are
// refused and left as they were.
func TestFormatVersion(t *testing.T) {
	for _, tc := range []struct {
		name, stored, want, err string
	}{
		{"new file", "-", "3", ""},
		{"before versions", "", "3", ""},
		{"format 1", "1", "3", ""},
		{"format 2", "2", "3", ""},
		{"current", "3", "3", ""},
		{"newer", "4", "4", "written by a newer ferry (format 4; this binary reads formats up to 3)"},
		{"garbage", "two", "two", `format version "two" is not a number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ferry.db")
			if tc.stored != "-" {
				s, err := Open(path, Options{NoSync: true})
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
				setFormat(t, path, tc.stored)
			}
			s, err := Open(path, Options{NoSync: true})
			if tc.err == "" && err != nil {
				t.Fatal(err)
			}
			if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("open: %v, want %q", err, tc.err)
			}
			if tc.stored == "4" && !errors.Is(err, ErrNewerFormat) {
				t.Fatalf("open a newer file: %v is not ErrNewerFormat", err)
			}
			if s != nil {
				s.Close()
			}
			if got := readFormat(t, path); got != tc.want {
				t.Fatalf("format after open: %q, want %q", got, tc.want)
			}
		})
	}
}
