package store

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// NewToken returns a random, URL-safe string carrying 128 bits of entropy (22
// characters), for table tokens, receipt ids and idempotency keys: nothing that
// can be guessed or enumerated.
func NewToken() string {
	var b [16]byte
	rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// formKeyTime is how long the time at the front of a form key is: 12 hex
// digits of Unix milliseconds.
const formKeyTime = 12

// NewFormKey returns the idempotency key of a form made at now: that time, in
// 12 hex digits, then 128 random bits. Receipt ids keep the time in front
// (receiptID), so that responses' unique index grows at its end, as rows are
// written, instead of at a random place: a batch of diners then touches a page
// or two of it rather than one page each.
func NewFormKey(now time.Time) string {
	return fmt.Sprintf("%0*x", formKeyTime, now.UnixMilli()) + NewToken()
}

// formKeyPrefix is the time at the front of a form key made by NewFormKey,
// or "" for any other key (one from before form keys carried it, or a client's
// own).
func formKeyPrefix(key string) string {
	if len(key) <= formKeyTime {
		return ""
	}
	for _, c := range key[:formKeyTime] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return ""
		}
	}
	return key[:formKeyTime]
}
