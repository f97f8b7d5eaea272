package store

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error so that the HTTP layer can map it to a status in one
// place without knowing which query produced it.
type Code string

// The error codes used across Tableside.
const (
	ENotFound    Code = "not_found"   // the thing asked for does not exist (or is not yours)
	EInvalid     Code = "invalid"     // the input broke a rule; Message says which
	EConflict    Code = "conflict"    // the input clashes with what is stored
	EUnavailable Code = "unavailable" // the database cannot take writes right now
	ELocked      Code = "locked"      // too many wrong passwords: try again later
	ELimit       Code = "limit"       // one client asked for more than its share: try again later
	EInternal    Code = "internal"    // anything else: a bug or an unexpected fault
)

// Error is the application error: a code for machines and a message that is safe
// to show to a person.
type Error struct {
	Code    Code
	Message string
	// RetryAfter, for ELocked and ELimit, is how long to wait.
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// ErrNotFound is returned by lookups that find nothing; sql.ErrNoRows never leaves
// this package.
var ErrNotFound = &Error{Code: ENotFound, Message: "not found"}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the person-readable message of the first *Error in err's
// chain, or a generic one for anything else so internals never reach a page.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side."
}
