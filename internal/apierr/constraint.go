package apierr

import (
	"errors"
	"regexp"
	"strings"

	"github.com/lib/pq"

	"github.com/teemaverkko/teemaverkko/ent/migrate"
)

// uniqueFields maps the names of unique constraints and indexes (as PostgreSQL reports
// them) and "table.column" lists (as SQLite reports them) to the API's field names.
var uniqueFields = func() map[string]string {
	m := map[string]string{}
	for _, t := range migrate.Tables {
		for _, c := range t.Columns {
			if c.Unique {
				m[t.Name+"_"+c.Name+"_key"] = FieldName(c.Name)
				m[t.Name+"."+c.Name] = FieldName(c.Name)
			}
		}
		for _, ix := range t.Indexes {
			if !ix.Unique {
				continue
			}
			var names, qualified []string
			for _, c := range ix.Columns {
				names = append(names, FieldName(c.Name))
				qualified = append(qualified, t.Name+"."+c.Name)
			}
			m[ix.Name] = strings.Join(names, ",")
			m[strings.Join(qualified, ", ")] = strings.Join(names, ",")
		}
	}
	return m
}()

var sqliteUnique = regexp.MustCompile(`UNIQUE constraint failed: ([a-z0-9_., ]+)`)

// FromConstraint turns a database constraint violation into a client error that names the
// field and says what is wrong, without the database's own text: a unique key already
// taken is CONFLICT, a reference to something that does not exist (or a deletion of
// something still referred to) is CONFLICT too. It returns nil for other errors.
func FromConstraint(err error) *Error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "23505":
			f := uniqueFields[pqErr.Constraint]
			return Conflictf(f, "%s is already taken", describe(f))
		case "23503":
			return Conflictf("", "the change refers to an object that does not exist, or deletes one that others still refer to")
		case "23502", "23514", "22001":
			return Validationf(FieldName(pqErr.Column), "a value is missing or out of range")
		}
		if pqErr.Code.Class() == "22" {
			// A data exception: a value the client sent (a filter's, or a hand-made
			// cursor's) does not fit its column: text with NUL, a date that is not one.
			// Writes are validated before they reach the database, so this is a read's.
			return &Error{Code: BadInput, Message: "a filter or cursor value does not fit the field it is compared with"}
		}
		return nil
	}
	msg := err.Error()
	if strings.Contains(msg, "LIKE or GLOB pattern too complex") {
		return &Error{Code: BadInput, Message: "a filter value is too long"}
	}
	if m := sqliteUnique.FindStringSubmatch(msg); m != nil {
		f := uniqueFields[strings.TrimSpace(m[1])]
		return Conflictf(f, "%s is already taken", describe(f))
	}
	if strings.Contains(msg, "FOREIGN KEY constraint failed") {
		return Conflictf("", "the change refers to an object that does not exist, or deletes one that others still refer to")
	}
	return nil
}

func describe(field string) string {
	if field == "" {
		return "a unique value"
	}
	if strings.Contains(field, ",") {
		return "the combination " + field
	}
	return field
}

// FieldName turns a column name into the API's field name: name_sv → nameSv,
// seminar_id → seminarID.
func FieldName(column string) string {
	parts := strings.Split(column, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] == "id" {
			parts[i] = "ID"
			continue
		}
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
