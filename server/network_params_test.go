package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestNetworkExportNumbers checks minWeight and matchThreshold on GET /export/network
// and export-network by the rule the API applies: plain decimal numbers only, minWeight
// finite and at least 0, matchThreshold finite, above 0 and at most 1. A refusal is 400
// with the export's JSON error (BAD_USER_INPUT, a message naming the parameter), before
// any database work.
func TestNetworkExportNumbers(t *testing.T) {
	for _, tc := range []struct {
		param, value string
		want         float64 // when ok
		ok           bool
	}{
		{"minWeight", "0", 0, true},
		{"minWeight", "2", 2, true},
		{"minWeight", "0.5", 0.5, true},
		{"minWeight", ".5", 0.5, true},
		{"minWeight", " 3 ", 3, true},
		{"minWeight", "-1", 0, false},
		{"minWeight", "NaN", 0, false},
		{"minWeight", "nan", 0, false},
		{"minWeight", "Infinity", 0, false},
		{"minWeight", "+Inf", 0, false},
		{"minWeight", "1_000", 0, false},
		{"minWeight", "0x10", 0, false},
		{"minWeight", "1e3", 0, false},
		{"minWeight", "1e400", 0, false},
		{"minWeight", strings.Repeat("9", 400), 0, false},
		{"minWeight", "two", 0, false},
		{"minWeight", "1.2.3", 0, false},
		{"minWeight", ".", 0, false},
		{"matchThreshold", "1", 1, true},
		{"matchThreshold", "0.3", 0.3, true},
		{"matchThreshold", "0", 0, false},
		{"matchThreshold", "-0.5", 0, false},
		{"matchThreshold", "1.0001", 0, false},
		{"matchThreshold", "NaN", 0, false},
		{"matchThreshold", "Inf", 0, false},
		{"matchThreshold", "0_5", 0, false},
		{"matchThreshold", "0x1p-1", 0, false},
	} {
		q := url.Values{"format": {"dynamic-gexf"}, tc.param: {tc.value}}
		r, err := parseNetworkRequest(q)
		if tc.ok {
			got := r.minWeight
			if tc.param == "matchThreshold" {
				got = r.matchThreshold
			}
			if err != nil || got != tc.want {
				t.Errorf("%s=%q: %v, %v; want %v", tc.param, tc.value, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), tc.param+": ") {
			t.Errorf("%s=%q: error %v, want one naming %s", tc.param, tc.value, err, tc.param)
		}
		// The command reads its flags through the same parser.
		if _, err := parseExportNetworkConfig([]string{"-" + tc.param, tc.value}, func(string) string { return "" }); err == nil {
			t.Errorf("export-network -%s %q: accepted", tc.param, tc.value)
		}
		// Over HTTP: 400 and the export's JSON error. The backend is never reached.
		var ready atomic.Pointer[backend]
		ready.Store(&backend{})
		rec := httptest.NewRecorder()
		networkExportHandler(&ready).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/network?"+q.Encode(), nil))
		var body struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Errors) != 1 ||
			body.Errors[0].Extensions.Code != "BAD_USER_INPUT" || !strings.HasPrefix(body.Errors[0].Message, tc.param+": ") {
			t.Errorf("GET %s=%q: %d %s", tc.param, tc.value, rec.Code, rec.Body)
		}
	}
}
