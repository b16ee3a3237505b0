package catalogfile

import (
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// ImportError lists what is wrong with a catalog; it unwraps to an EInvalid
// *pos.Error whose message is fit to show the person importing.
type ImportError struct {
	Problems []string
	Cause    error // a decoding error, if any
	msg      *pos.Error
}

// Invalid wraps problems (from Problems, or found against a database) in
// an *ImportError.
func Invalid(problems []string) error { return importErr(problems, nil) }

func importErr(problems []string, cause error) *ImportError {
	const show = 10
	msg := strings.Join(problems[:min(len(problems), show)], "; ")
	if len(problems) > show {
		msg += fmt.Sprintf("; and %d more", len(problems)-show)
	}
	return &ImportError{Problems: problems, Cause: cause,
		msg: pos.Errorf(pos.EInvalid, "The catalog was not imported: %s.", msg)}
}

func (e *ImportError) Error() string { return e.msg.Message }

// Unwrap returns the *pos.Error (code EInvalid) and the decoding cause.
func (e *ImportError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.msg, e.Cause}
	}
	return []error{e.msg}
}
