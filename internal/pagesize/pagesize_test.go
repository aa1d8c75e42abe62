package pagesize

import "testing"

func TestLimitsValidate(t *testing.T) {
	for _, tc := range []struct {
		l  Limits
		ok bool
	}{
		{Limits{Default: 20, Max: 100}, true},
		{Limits{Default: 100, Max: 100}, true},
		{Limits{Default: 0, Max: 100}, false},
		{Limits{Default: 101, Max: 100}, false},
		{Limits{Default: 1, Max: 0}, false},
	} {
		if err := tc.l.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v, want ok %v", tc.l, err, tc.ok)
		}
	}
}
