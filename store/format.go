package store

import (
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The file's format version, kept under bucketFormat. A binary opens files
// of its own format and older ones (reading older encodings as they are,
// and marking the file with its own version); a file of a newer format is
// refused, since an older binary would misread what it does not know of.
//
//	1: everything before the version was kept (a file without one).
//	2: a name-index entry of the operations log lists a batch's ids
//	   (execution_entries.go); format 1 binaries miss them.
//	3: a model's bucket keeps its live count, the records not deleted
//	   (livecount.go); format 2 binaries would write records without
//	   moving it. Models from before are counted once, on first use.
const formatVersion = 3

var (
	bucketFormat = []byte("format")
	keyFormat    = []byte("version")
)

// ErrNewerFormat is Open's error for a file written by a newer ferry.
var ErrNewerFormat = errors.New("the store was written by a newer ferry")

// checkFormat refuses a file of a newer format than this binary's and
// marks an older one (or a new file) with this binary's version.
func checkFormat(tx *bolt.Tx) error {
	b, err := tx.CreateBucketIfNotExists(bucketFormat)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketFormat, err)
	}
	version := 1
	if raw := b.Get(keyFormat); raw != nil {
		if version, err = strconv.Atoi(string(raw)); err != nil {
			return fmt.Errorf("format version %q is not a number", raw)
		}
	}
	if version > formatVersion {
		return fmt.Errorf("%w (format %d; this binary reads formats up to %d): upgrade ferry", ErrNewerFormat, version, formatVersion)
	}
	if version == formatVersion {
		return nil
	}
	return b.Put(keyFormat, []byte(strconv.Itoa(formatVersion)))
}
