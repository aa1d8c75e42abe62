// Package pgarray writes PostgreSQL array literals, so that a list of values can be one
// statement argument: the statement's text then stays the same whatever the list's length,
// and its prepared form can be reused.
package pgarray

import (
	"database/sql/driver"
	"strings"
)

// Text writes values that are all strings (or driver.Valuers of strings, as the schema's
// IDs are) as one PostgreSQL text[] literal; ok is false when one is not a string.
func Text(ids []any) (literal string, ok bool) {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if v, ok := id.(driver.Valuer); ok {
			var err error
			if id, err = v.Value(); err != nil {
				return "", false
			}
		}
		s, ok := id.(string)
		if !ok {
			return "", false
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, r := range s {
			if r == '"' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), true
}
