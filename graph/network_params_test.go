package graph_test

import (
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestNetworkParamsRule sends minWeight and matchThreshold through the HTTP handler:
// themeNetwork and themeNetworkSeries take what GET /export/network takes (a finite
// minWeight at least 0, a finite matchThreshold above 0 and at most 1) and refuse the
// rest with BAD_USER_INPUT naming the argument. NaN and Infinity can only arrive as
// variables written as strings, which gqlgen's Float reads with strconv.ParseFloat.
func TestNetworkParamsRule(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		const network = `query($w: Float) { themeNetwork(minWeight: $w) { edgeCount } }`
		const series = `query($w: Float, $t: Float) { themeNetworkSeries(by: YEAR, minWeight: $w, matchThreshold: $t) { matchThreshold } }`
		for _, tc := range []struct {
			name, query string
			vars        map[string]any
			field       string // "" when accepted
		}{
			{"network 0", network, map[string]any{"w": 0}, ""},
			{"network 2.5", network, map[string]any{"w": 2.5}, ""},
			{"network -1", network, map[string]any{"w": -1}, "minWeight"},
			{"network -0.5", network, map[string]any{"w": -0.5}, "minWeight"},
			{"network NaN", network, map[string]any{"w": "NaN"}, "minWeight"},
			{"network Infinity", network, map[string]any{"w": "Infinity"}, "minWeight"},
			{"network -Inf", network, map[string]any{"w": "-Inf"}, "minWeight"},
			{"series 0", series, map[string]any{"w": 0, "t": 1}, ""},
			{"series minWeight -1", series, map[string]any{"w": -1}, "minWeight"},
			{"series minWeight NaN", series, map[string]any{"w": "NaN"}, "minWeight"},
			{"series minWeight Inf", series, map[string]any{"w": "+Inf"}, "minWeight"},
			{"series matchThreshold NaN", series, map[string]any{"t": "NaN"}, "matchThreshold"},
			{"series matchThreshold Inf", series, map[string]any{"t": "Inf"}, "matchThreshold"},
			{"series matchThreshold 0", series, map[string]any{"t": 0}, "matchThreshold"},
			{"series matchThreshold 1.01", series, map[string]any{"t": 1.01}, "matchThreshold"},
		} {
			r := post(t, srv, tc.query, tc.vars, nil)
			if tc.field == "" {
				if len(r.Errors) > 0 {
					t.Errorf("%s: refused: %+v", tc.name, r.Errors)
				}
				continue
			}
			// A string variable may instead be refused by gqlgen before the resolver
			// (GRAPHQL_VALIDATION_FAILED); what must not happen is that it is taken.
			if len(r.Errors) == 0 {
				t.Errorf("%s: accepted", tc.name)
				continue
			}
			if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != tc.field {
				t.Errorf("%s: code %q, errors %+v, want BAD_USER_INPUT on %s", tc.name, r.code(), r.Errors, tc.field)
			}
		}
	})
}
