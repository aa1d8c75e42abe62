package calendar

import (
	"bytes"
	"testing"
	"time"
)

func TestParseAndFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		p    Precision
		ok   bool
	}{
		{"2017-03-14", "2017-03-14", Day, true},
		{"2016-09", "2016-09-01", Month, true},
		{"2011", "2011-01-01", Year, true},
		{"2017-3-14", "", "", false},
		{"2017-02-30", "", "", false},
		{"14.3.2017", "", "", false},
		{"", "", "", false},
	} {
		got, p, err := Parse(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) error = %v, want ok %v", tc.in, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		if got.Format(Layout) != tc.want || p != tc.p {
			t.Errorf("Parse(%q) = %s %s, want %s %s", tc.in, got.Format(Layout), p, tc.want, tc.p)
		}
		if back := Format(got, p); back != tc.in {
			t.Errorf("Format(Parse(%q)) = %q", tc.in, back)
		}
	}
}

func TestDateScalarKeepsTheDay(t *testing.T) {
	// A date read back in another time zone (say a PostgreSQL session in New York) must
	// stay the same calendar day once normalised.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data")
	}
	d := time.Date(2017, 3, 14, 0, 0, 0, 0, ny)
	var buf bytes.Buffer
	MarshalDate(Normalize(d)).MarshalGQL(&buf)
	if got := buf.String(); got != `"2017-03-14"` {
		t.Errorf("MarshalDate = %s, want \"2017-03-14\"", got)
	}
	if _, err := UnmarshalDate("2017-14-03"); err == nil {
		t.Errorf("UnmarshalDate accepted month 14")
	}
	if _, err := UnmarshalDate(20170314); err == nil {
		t.Errorf("UnmarshalDate accepted a number")
	}
}
