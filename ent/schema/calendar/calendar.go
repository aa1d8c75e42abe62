// Package calendar holds the calendar-date types of the API: the Date scalar (a day
// without a time of day or zone, "2017-03-14") and DatePrecision, which says whether a
// date is known to the day, the month or only the year.
package calendar

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// Layout is the ISO 8601 calendar-date layout used on the wire.
const Layout = "2006-01-02"

// Normalize returns t as midnight UTC of its calendar day, so that a date read back
// from a database in any session time zone stays the same day.
func Normalize(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// MarshalDate writes a time as a calendar date.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(Layout)))
	})
}

// InvalidError is the error of a date or precision that a client sent malformed.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

// BadInput marks the error as the client's to fix.
func (e *InvalidError) BadInput() bool { return true }

// UnmarshalDate reads a calendar date ("2017-03-14").
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, &InvalidError{Message: fmt.Sprintf("date must be a string in the form YYYY-MM-DD, got %T", v)}
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return time.Time{}, &InvalidError{Message: fmt.Sprintf("date %q is not in the form YYYY-MM-DD", s)}
	}
	return t, nil
}

// Precision says how precisely a date is known.
type Precision string

// The precisions of a date.
const (
	Day   Precision = "DAY"
	Month Precision = "MONTH"
	Year  Precision = "YEAR"
)

// Values lists the precisions, for ent's enum fields.
func (Precision) Values() []string { return []string{string(Day), string(Month), string(Year)} }

// String implements fmt.Stringer.
func (p Precision) String() string { return string(p) }

// MarshalGQL implements graphql.Marshaler.
func (p Precision) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(p))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (p *Precision) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &InvalidError{Message: fmt.Sprintf("date precision must be a string, got %T", v)}
	}
	switch Precision(s) {
	case Day, Month, Year:
		*p = Precision(s)
		return nil
	}
	return &InvalidError{Message: fmt.Sprintf("%q is not a valid DatePrecision", s)}
}

// MarshalJSON implements json.Marshaler.
func (p Precision) MarshalJSON() ([]byte, error) { return json.Marshal(string(p)) }

// Parse reads a date given as YYYY-MM-DD, YYYY-MM or YYYY and returns it with its
// precision: a month or a year is stored as its first day.
func Parse(s string) (time.Time, Precision, error) {
	for _, f := range []struct {
		layout string
		p      Precision
	}{{Layout, Day}, {"2006-01", Month}, {"2006", Year}} {
		if len(s) == len(f.layout) {
			if t, err := time.Parse(f.layout, s); err == nil {
				return t, f.p, nil
			}
		}
	}
	return time.Time{}, "", fmt.Errorf("date %q is not in the form YYYY-MM-DD, YYYY-MM or YYYY", s)
}

// Format writes t as precisely as p says: YYYY-MM-DD, YYYY-MM or YYYY.
func Format(t time.Time, p Precision) string {
	switch p {
	case Year:
		return t.Format("2006")
	case Month:
		return t.Format("2006-01")
	}
	return t.Format(Layout)
}
