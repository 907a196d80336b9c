package sdkjs

import (
	"io/fs"
	"strings"
	"testing"
)

func TestEntriesEmbedded(t *testing.T) {
	for _, entry := range []string{EntryNango, EntryRuntime, EntryGlobals, EntryCrypto, EntryURL, EntryBuffer, "package.json"} {
		t.Run(entry, func(t *testing.T) {
			b, err := fs.ReadFile(FS, entry)
			if err != nil {
				t.Fatalf("read %s: %v", entry, err)
			}
			if len(b) == 0 {
				t.Fatalf("%s is empty", entry)
			}
		})
	}
}

func TestOnlyTypeScriptSources(t *testing.T) {
	err := fs.WalkDir(FS, "src", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(path, ".ts") {
			t.Errorf("%s: only .ts sources belong under src/", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
