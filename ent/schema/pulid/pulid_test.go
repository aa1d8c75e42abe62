package pulid

import "testing"

func TestNewIsValidAndUnique(t *testing.T) {
	seen := map[ID]bool{}
	for i := 0; i < 1000; i++ {
		id := MustNew("th")
		if !id.Valid() || id.Prefix() != "th" {
			t.Fatalf("MustNew = %q: valid %v prefix %q", id, id.Valid(), id.Prefix())
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestUnmarshalGQL(t *testing.T) {
	good := string(MustNew("mu"))
	for _, tc := range []struct {
		in any
		ok bool
	}{
		{good, true},
		{ID(good), true},
		{"42", false},
		{"mu" + "!!!!!!!!!!!!!!!!!!!!!!!!!!", false},
		{42, false},
		{nil, false},
	} {
		var id ID
		err := id.UnmarshalGQL(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("UnmarshalGQL(%v) error = %v, want ok %v", tc.in, err, tc.ok)
		}
		if err != nil {
			if _, ok := err.(*InvalidError); !ok {
				t.Errorf("UnmarshalGQL(%v) error type %T, want *InvalidError", tc.in, err)
			}
		}
	}
}
