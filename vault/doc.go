// Package vault keeps ferry's secrets: it encrypts connection credentials at
// rest and handles the API secret key.
//
// # Threat model
//
// Encryption at rest protects credentials (OAuth tokens, API keys,
// passwords) from someone who gets a copy of the data but not the key: a
// stolen disk or volume snapshot, a backup, a bbolt file attached to a bug
// report. Every value is sealed with AES-256-GCM under a fresh random 96-bit
// nonce, so a copy of the database reveals neither the values nor whether two
// connections share one. Each value is also bound to its place through GCM's
// additional data (see [AAD]): a ciphertext copied from one connection to
// another, or from one field to another, fails to open instead of handing
// one tenant's credentials to another. A store that keeps bytes uses
// [Keyring.Encoded], which seals to and opens from the binary encoding.
//
// It does not protect against someone who can read the process's memory,
// run code as ferry's user, or read the key. That is why the key's location
// matters. Production deployments set FERRY_ENCRYPTION_KEY from a secret
// manager, so the key never sits next to the data. The key file that
// [LoadKeyring] creates in the data directory (encryption.key, 0600) exists
// so that the embedded default works with no setup. It guards against a
// database file copied on its own, but not against a backup of the whole
// directory.
//
// # Keys and rotation
//
// A [Keyring] holds one or more 32-byte keys, each with a short id that is
// stored beside every value it seals. The first key is the primary: it seals
// new values. Every key opens the values sealed under it. To rotate, put the
// new key first and keep the old ones after it
// (FERRY_ENCRYPTION_KEY="k2:<new>,k1:<old>"), then [Keyring.Reseal] the
// stored values in the background. Drop the old key once no value names it.
// To move from the key file to the environment, put the file's key in the
// list: a key with no id gets the same derived id wherever it comes from.
//
// # The API secret key
//
// [NewSecretKey] makes a ferry_sk_… key with 256 bits of entropy. Only its
// hash is stored ([EnsureSecretKey] writes it to secret-key.hash). Requests
// are checked with [VerifySecretKey] in constant time.
//
// Keys, plaintexts and secret keys never appear in error messages; a [Key]
// prints as "[redacted]" with any fmt verb.
package vault
