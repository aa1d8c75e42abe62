package bundle

import (
	"fmt"
	"strings"

	"github.com/teemaverkko/teemaverkko/internal/apierr"
)

// FieldError is one problem with a bundle, at the JSON path of the value concerned, for
// example "seminars[0].sessions[2].outcomes[1].sources".
type FieldError struct {
	// Path is the JSON path of the value, "" for the bundle as a whole.
	Path string
	// Message says what is wrong, in lower case.
	Message string
	// Code is the API's code for the problem: "" for a bundle that is invalid in itself
	// or refers to what does not exist (VALIDATION), apierr.Conflict for a unique value
	// that another object in the database already has.
	Code string
}

// Error implements error: "path: message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ValidationErrors lists every problem found in a bundle, in the order found. Decode,
// Validate and Apply return it (as an error) when a bundle is invalid or refers to
// something that neither the bundle nor the database holds.
type ValidationErrors []*FieldError

// Error implements error, listing every problem.
func (v ValidationErrors) Error() string {
	switch len(v) {
	case 0:
		return "no problems"
	case 1:
		return "invalid bundle: " + v[0].Error()
	}
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Error()
	}
	return fmt.Sprintf("invalid bundle: %d problems: %s", len(v), strings.Join(msgs, "; "))
}

// add records a problem at path.
func (v *ValidationErrors) add(path, format string, args ...any) {
	*v = append(*v, &FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// conflict records, at path, a unique value that the database already has elsewhere.
func (v *ValidationErrors) conflict(path, format string, args ...any) {
	*v = append(*v, &FieldError{Path: path, Message: fmt.Sprintf(format, args...), Code: apierr.Conflict})
}

// err returns v as an error, or nil when it lists no problem.
func (v ValidationErrors) err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
