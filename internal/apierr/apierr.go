// Package apierr defines the errors that domain packages return for a client to act on:
// each carries a stable code (VALIDATION, NOT_FOUND, CONFLICT, BAD_USER_INPUT), the
// field it concerns, and a message safe to show. The GraphQL error presenter turns them
// into extensions.code and extensions.field.
package apierr

import (
	"fmt"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// Stable codes of client errors.
const (
	Validation = errcode.Validation
	NotFound   = errcode.NotFound
	Conflict   = errcode.Conflict
	BadInput   = errcode.BadInput
)

// Error is a client error.
type Error struct {
	// Code is one of the stable codes.
	Code string
	// Field is the input field the error concerns, in the API's spelling, or "".
	Field string
	// Message says what is wrong, for a person.
	Message string
}

func (e *Error) Error() string { return e.Message }

// Conflictf returns a CONFLICT error.
func Conflictf(field, format string, args ...any) *Error {
	return &Error{Code: Conflict, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf returns a NOT_FOUND error.
func NotFoundf(field, format string, args ...any) *Error {
	return &Error{Code: NotFound, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Validationf returns a VALIDATION error.
func Validationf(field, format string, args ...any) *Error {
	return &Error{Code: Validation, Field: field, Message: fmt.Sprintf(format, args...)}
}

// BadInputf returns a BAD_USER_INPUT error.
func BadInputf(field, format string, args ...any) *Error {
	return &Error{Code: BadInput, Field: field, Message: fmt.Sprintf(format, args...)}
}
