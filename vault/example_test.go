package vault_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"

	"github.com/ferryhq/ferry/vault"
)

func ExampleKeyring_Seal() {
	// In ferry serve the keyring comes from LoadKeyring (FERRY_ENCRYPTION_KEY
	// or the key file); here a fixed key.
	key, err := vault.NewKey("k1", bytes.Repeat([]byte{7}, vault.KeySize))
	if err != nil {
		log.Fatal(err)
	}
	kr, err := vault.NewKeyring(key)
	if err != nil {
		log.Fatal(err)
	}

	// The value is bound to its place: these credentials of this connection.
	place := vault.AAD("credentials", "dev", "github", "user-42")
	sealed, err := kr.Seal([]byte(`{"type":"API_KEY","apiKey":"ghp_example"}`), place)
	if err != nil {
		log.Fatal(err)
	}
	stored, _ := sealed.MarshalBinary() // what the store writes

	var read vault.Sealed
	if err := read.UnmarshalBinary(stored); err != nil {
		log.Fatal(err)
	}
	plaintext, err := kr.Open(read, place)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s sealed under %s, %d bytes stored\n", plaintext, read.KeyID, len(stored))

	// Copied to another connection, it does not open.
	_, err = kr.Open(read, vault.AAD("credentials", "dev", "github", "user-43"))
	fmt.Println(errors.Is(err, vault.ErrTampered), err)

	fmt.Println(key) // keys never print
	// Output:
	// {"type":"API_KEY","apiKey":"ghp_example"} sealed under k1, 73 bytes stored
	// true vault: sealed value does not authenticate (key "k1")
	// [redacted]
}

func ExampleVerifySecretKey() {
	key := "ferry_sk_7ZpQ0m3c1bXoKk2f5VvJr8uTq9sLw4yNd6hGe0aBiCw" // from NewSecretKey
	hash := vault.HashSecretKey(key)                              // stored in place of the key
	fmt.Println(hash)
	fmt.Println(vault.VerifySecretKey(hash, key))
	fmt.Println(vault.VerifySecretKey(hash, "ferry_sk_guess"))
	// Output:
	// sha256:f76861cb2d2883fade3647aa722b69308def2d6182f3dc30cbd63ce3d6e3b0bd
	// true
	// false
}
