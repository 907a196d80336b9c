package bundle

import "testing"

// bigBundle is a sync bundle of about 2 MB, most of it a data segment, as
// in a Go or Rust plugin.
func bigBundle() []byte {
	return testModule{
		imports:  extismImports,
		funcs:    []string{"sync", "on_webhook"},
		dataSize: 2 << 20,
		customs:  [][2]string{{"ferry.test", "padding"}, {ManifestSection, webhookSyncJSON}},
	}.build()
}

func BenchmarkParse(b *testing.B) {
	wasm := bigBundle()
	b.SetBytes(int64(len(wasm)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(wasm); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHash measures what Bundle.Hash costs on first use, which Parse
// does not pay.
func BenchmarkHash(b *testing.B) {
	wasm := bigBundle()
	b.SetBytes(int64(len(wasm)))
	for b.Loop() {
		bundle, err := Parse(wasm)
		if err != nil {
			b.Fatal(err)
		}
		_ = bundle.Hash()
	}
}
