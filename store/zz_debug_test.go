package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"
)

func TestDebugPages(t *testing.T) {
	for _, mode := range []string{"seq"} {
		s, err := Open(filepath.Join(t.TempDir(), "b.db"), Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		var cpu time.Duration
		for i := range 30 {
			batch := benchBatchOf(func(j int) string {
				switch mode {
				case "seq":
					return fmt.Sprintf("issue-%09d", i*benchBatch+j)
				case "rand":
					return fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64())
				}
				return fmt.Sprintf("issue-%09d", rng.IntN(20000))
			}, i)
			before := s.db.Stats()
			start := time.Now()
			if _, err := s.SaveRecords(context.Background(), testKey, batch); err != nil {
				t.Fatal(err)
			}
			cpu += time.Since(start)
			if i < 3 || i%5 == 4 {
				t.Logf("%s batch %d took %v", mode, i, time.Since(start))
			}
			after := s.db.Stats()
			st := after.Sub(&before)
			if i%5 == 4 {
				t.Logf("%s batch %d: pages written %d, spill %v write %v, freepages %d", mode, i, st.TxStats.GetWrite(), st.TxStats.GetSpillTime(), st.TxStats.GetWriteTime(), s.db.Stats().FreePageN)
			}
		}
		t.Logf("%s: %v per batch (nosync)", mode, cpu/20)
		s.Close()
	}
}
