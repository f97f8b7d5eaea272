package store

import (
	"crypto/rand"
	"encoding/base64"
)

// NewToken returns a random, URL-safe string carrying 128 bits of entropy (22
// characters), for table tokens, receipt ids and idempotency keys: nothing that
// can be guessed or enumerated.
func NewToken() string {
	var b [16]byte
	rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}
