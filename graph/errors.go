package graph

import (
	"errors"
	"fmt"
)

// Error codes. Messages of errors carrying them are safe to show to users.
const (
	EINVALID   = "BAD_USER_INPUT"
	ENOTFOUND  = "NOT_FOUND"
	ECONFLICT  = "CONFLICT"
	EFORBIDDEN = "FORBIDDEN"
	ETIMEOUT   = "TIMEOUT" // a request ran out of its time budget
	EINTERNAL  = "INTERNAL"
)

// Error is a domain error: a code callers branch on, the input field at fault
// (if any), and a message for users.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with code, field and a formatted message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not domain
// errors, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorField returns the input field a domain error names, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the user-safe message of err: a domain error's own
// message, and "internal error" for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
