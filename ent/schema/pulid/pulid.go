// Package pulid implements prefixed ULIDs: the global, opaque identifiers of every
// Teemaverkko entity. An ID is a two-letter type prefix followed by a ULID
// ("th01J9Z3..."), so that node(id:) can find an entity's table from its ID alone,
// IDs sort by creation time, and no two entities of any type share an ID.
package pulid

import (
	"crypto/rand"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// ID is a prefixed ULID.
type ID string

var (
	entropyMu sync.Mutex
	entropy   = ulid.Monotonic(rand.Reader, 0)
)

// MustNew returns a new ID with the given two-letter prefix for the current time.
func MustNew(prefix string) ID {
	entropyMu.Lock()
	defer entropyMu.Unlock()
	return ID(prefix + ulid.MustNew(ulid.Timestamp(time.Now()), entropy).String())
}

// Prefix returns the type prefix of the ID, or "" when the ID is too short to have one.
func (u ID) Prefix() string {
	if len(u) < 2 {
		return ""
	}
	return string(u[:2])
}

// Valid reports whether the ID has the shape of a prefixed ULID.
func (u ID) Valid() bool {
	if len(u) != 2+ulid.EncodedSize {
		return false
	}
	_, err := ulid.ParseStrict(string(u[2:]))
	return err == nil
}

// InvalidError is the error of an ID that a client sent malformed.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

// BadInput marks the error as the client's to fix.
func (e *InvalidError) BadInput() bool { return true }

// UnmarshalGQL implements graphql.Unmarshaler.
func (u *ID) UnmarshalGQL(v any) error {
	var id ID
	switch v := v.(type) {
	case string:
		id = ID(v)
	case ID:
		id = v
	default:
		return &InvalidError{Message: fmt.Sprintf("id must be a string, got %T", v)}
	}
	if !id.Valid() {
		return &InvalidError{Message: fmt.Sprintf("%q is not a valid id", string(id))}
	}
	*u = id
	return nil
}

// MarshalGQL implements graphql.Marshaler.
func (u ID) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(u)))
}

// Scan implements sql.Scanner.
func (u *ID) Scan(src any) error {
	switch src := src.(type) {
	case nil:
		return fmt.Errorf("pulid: expected a value")
	case string:
		*u = ID(src)
	case []byte:
		*u = ID(string(src))
	case ID:
		*u = src
	default:
		return fmt.Errorf("pulid: unexpected type %T", src)
	}
	return nil
}

// Value implements driver.Valuer.
func (u ID) Value() (driver.Value, error) {
	return string(u), nil
}
