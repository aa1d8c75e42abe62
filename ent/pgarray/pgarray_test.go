package pgarray_test

import (
	"context"
	"database/sql/driver"
	"slices"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/pgarray"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

type valuer string

func (v valuer) Value() (driver.Value, error) { return string(v), nil }

// TestTextArray checks the text[] literal of parent IDs, and that PostgreSQL reads it back
// as the same strings.
func TestText(t *testing.T) {
	cases := []struct {
		name string
		ids  []any
		want string
		ok   bool
	}{
		{"strings", []any{"th01", "th02"}, `{"th01","th02"}`, true},
		{"valuers", []any{valuer("oc01")}, `{"oc01"}`, true},
		{"quotes and backslashes", []any{`a"b`, `c\d`, "e,f}", "NULL", ""}, `{"a\"b","c\\d","e,f}","NULL",""}`, true},
		{"not strings", []any{"a", 2}, "", false},
	}
	db := testdb.Open(t, "postgres")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := pgarray.Text(tc.ids)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("Text = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
			if !ok {
				return
			}
			rows, err := db.SQL.QueryContext(context.Background(), `SELECT unnest($1::text[])`, got)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var back []any
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				back = append(back, s)
			}
			want := slices.Clone(tc.ids)
			for i, id := range want {
				if v, ok := id.(valuer); ok {
					want[i] = string(v)
				}
			}
			if !slices.Equal(back, want) {
				t.Fatalf("PostgreSQL reads %q back as %q", got, back)
			}
		})
	}
}
