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
	// Problems, for EInvalid, are the rules the input broke, each by its
	// field, all at once: a form shows each by its field.
	Problems []Problem
}

// Problem is one rule an input broke: the field (a form's name for it, or
// "form" for the whole), and what to say. Staff read Message; a diner reads
// Key, a message of the diners' catalogue, with Args, in their language.
type Problem struct {
	Field   string
	Message string
	Key     string
	Args    []any
}

// Invalid is the EInvalid error of problems (nil without any); its Message
// is the first problem's.
func Invalid(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: problems[0].Message, Problems: problems}
}

// Problems are the problems of err's *Error: those it lists, or, for an
// EInvalid error that lists none, its message for the whole form.
func Problems(err error) []Problem {
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid {
		return nil
	}
	if len(e.Problems) == 0 {
		return []Problem{{Field: "form", Message: e.Message}}
	}
	return e.Problems
}

// onField puts an invalid input's error on its field; any other error is
// returned as it is.
func onField(field string, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Code == EInvalid && len(e.Problems) == 0 {
		return Invalid([]Problem{problem(field, err)})
	}
	return err
}

// problem is the problem of field that err describes.
func problem(field string, err error) Problem {
	return Problem{Field: field, Message: ErrorMessage(err)}
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
