package hostfns

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
)

// Hashing and randomness for guests whose language has none of its own:
// the JavaScript runtime's crypto module (createHash, createHmac,
// randomBytes, randomUUID) is built on these two. They need no execution
// state, but answer only within one like every capability.

// digests are the algorithms crypto_digest knows, by Node's names.
var digests = map[string]func() hash.Hash{
	"md5":    md5.New,
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha512": sha512.New,
}

// maxRandomBytes bounds one random_bytes call, as Node's getRandomValues
// bounds one call to 64 KiB.
const maxRandomBytes = 64 << 10

func handleCryptoDigest(_ context.Context, _ *Nango, in []byte) (any, error) {
	var req struct {
		Algorithm string `json:"algorithm"`
		Data      []byte `json:"data"`    // base64
		HMACKey   []byte `json:"hmacKey"` // base64; set: an HMAC
	}
	if err := decode("crypto_digest", in, &req); err != nil {
		return nil, err
	}
	newHash, ok := digests[req.Algorithm]
	if !ok {
		return nil, errorf(CodeInvalidRequest, "crypto_digest: unknown algorithm %q (md5, sha1, sha256, sha512)", req.Algorithm)
	}
	h := newHash()
	if req.HMACKey != nil {
		h = hmac.New(newHash, req.HMACKey)
	}
	h.Write(req.Data)
	return map[string][]byte{"digest": h.Sum(nil)}, nil
}

func handleRandomBytes(_ context.Context, _ *Nango, in []byte) (any, error) {
	var req struct {
		Size int `json:"size"`
	}
	if err := decode("random_bytes", in, &req); err != nil {
		return nil, err
	}
	if req.Size < 1 || req.Size > maxRandomBytes {
		return nil, errorf(CodeInvalidRequest, "random_bytes: size %d is outside 1–%d", req.Size, maxRandomBytes)
	}
	b := make([]byte, req.Size)
	rand.Read(b)
	return map[string][]byte{"bytes": b}, nil
}
