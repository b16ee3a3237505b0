package pos

import (
	"errors"
	"fmt"
)

// Error codes, in the style of benbjohnson/wtf: the UI maps a code to what the
// cashier should do; the log keeps the wrapped cause.
const (
	EInvalid      = "invalid"      // bad input from a person or a device
	ENotFound     = "not_found"    // unknown barcode, receipt, employee
	EConflict     = "conflict"     // state does not allow it (sale already paid ...)
	EUnauthorized = "unauthorized" // wrong PIN, missing permission
	EUnavailable  = "unavailable"  // a device or the network is not there
	EInternal     = "internal"     // a bug or a broken disk
)

// Error is an error with a code and a message fit to show a person.
type Error struct {
	Code    string
	Message string
	// Key and Args, when set (Errorf sets them), are the English format and
	// its arguments the Message was made from: a screen in another language
	// looks Key up in its translations and formats Args into that.
	Key  string
	Args []any
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is match any *Error with the same code and message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == e.Message
}

// Errorf makes an *Error with a formatted message; format is its
// translation key.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Key: format, Args: args}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the person-readable message of err: the *Error's
// message, or a generic sentence that hides internal detail.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong. The sale is safe; please try again or call a manager."
}
