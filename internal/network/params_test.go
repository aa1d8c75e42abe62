package network_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/network"
)

// TestParamsRule checks the rule of minWeight and matchThreshold, and that the service
// refuses a request that breaks it before building (or caching) anything.
func TestParamsRule(t *testing.T) {
	for _, tc := range []struct {
		check func(float64) error
		v     float64
		ok    bool
	}{
		{network.CheckMinWeight, 0, true}, {network.CheckMinWeight, 3.5, true},
		{network.CheckMinWeight, -1, false}, {network.CheckMinWeight, math.NaN(), false},
		{network.CheckMinWeight, math.Inf(1), false},
		{network.CheckMatchThreshold, 1, true}, {network.CheckMatchThreshold, 0.3, true},
		{network.CheckMatchThreshold, 0, false}, {network.CheckMatchThreshold, 1.5, false},
		{network.CheckMatchThreshold, math.NaN(), false}, {network.CheckMatchThreshold, math.Inf(-1), false},
	} {
		if err := tc.check(tc.v); (err == nil) != tc.ok {
			t.Errorf("%v: %v, want ok %v", tc.v, err, tc.ok)
		}
	}
	for _, s := range []string{"NaN", "Inf", "-Infinity", "1_000", "0x10", "1e3", "", " ", "-1", "+"} {
		if _, err := network.ParseMinWeight(s); err == nil {
			t.Errorf("ParseMinWeight(%q) accepted", s)
		}
	}
	built := 0
	s := network.NewServiceFunc(network.Options{}, func(context.Context, network.Request) (*network.Graph, error) {
		built++
		return &network.Graph{}, nil
	})
	defer s.Close()
	var pe *network.ParamError
	if _, err := s.Network(context.Background(), network.Request{MinWeight: math.NaN()}); !errors.As(err, &pe) || pe.Field != "minWeight" || built != 0 {
		t.Errorf("NaN minWeight: %v, %d builds", err, built)
	}
	if _, err := s.Series(context.Background(), network.SeriesRequest{Request: network.Request{MinWeight: 1}, MatchThreshold: math.NaN()}); !errors.As(err, &pe) || pe.Field != "matchThreshold" {
		t.Errorf("NaN matchThreshold: %v", err)
	}
}
