package network

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The numeric parameters of a network, checked by one rule wherever they come from (the
// API's themeNetwork and themeNetworkSeries, GET /export/network, export-network):
//
//   - minWeight is a finite number at least 0;
//   - matchThreshold is a finite number above 0 and at most 1;
//   - as text (the export's parameters and flags) either is a plain decimal number:
//     digits with an optional sign, point and fraction (2, 0.5, .5); no exponent,
//     underscores (1_000), hex (0x10), NaN or Inf, which strconv.ParseFloat would take.
//
// NaN, which compares false with everything, would otherwise keep no edge and match no
// community, and give every request its own entry in the service's cache.

// ParamError is a parameter of a network that breaks the rule.
type ParamError struct {
	// Field is the parameter, as the API and the export name it: "minWeight" or
	// "matchThreshold".
	Field string
	// Message says what is wrong, for a person.
	Message string
}

// Error returns the field and the message.
func (e *ParamError) Error() string { return e.Field + ": " + e.Message }

// BadInput marks the error as the client's to fix (BAD_USER_INPUT).
func (e *ParamError) BadInput() bool { return true }

const (
	minWeightRule      = "a finite number at least 0"
	matchThresholdRule = "a finite number above 0 and at most 1"
)

// CheckMinWeight checks a minimum edge weight.
func CheckMinWeight(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return &ParamError{Field: "minWeight", Message: fmt.Sprintf("%v is not %s", v, minWeightRule)}
	}
	return nil
}

// CheckMatchThreshold checks the overlap at which communities match across slices.
func CheckMatchThreshold(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v > 1 {
		return &ParamError{Field: "matchThreshold", Message: fmt.Sprintf("%v is not %s", v, matchThresholdRule)}
	}
	return nil
}

// ParseMinWeight reads a minimum edge weight written as text.
func ParseMinWeight(s string) (float64, error) {
	return parseParam("minWeight", minWeightRule, s, CheckMinWeight)
}

// ParseMatchThreshold reads a match threshold written as text.
func ParseMatchThreshold(s string) (float64, error) {
	return parseParam("matchThreshold", matchThresholdRule, s, CheckMatchThreshold)
}

// plainDecimal is the only text form of a number the parameters take.
var plainDecimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$`)

func parseParam(field, rule, s string, check func(float64) error) (float64, error) {
	t := strings.TrimSpace(s)
	if !plainDecimal.MatchString(t) {
		return 0, &ParamError{Field: field, Message: fmt.Sprintf("%q is not a plain decimal number (such as 2 or 0.5) that is %s", s, rule)}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		// Only a number too large for a float64 (infinite) gets here.
		return 0, &ParamError{Field: field, Message: fmt.Sprintf("%q is not %s", s, rule)}
	}
	if err := check(v); err != nil {
		return 0, &ParamError{Field: field, Message: fmt.Sprintf("%q is not %s", s, rule)}
	}
	return v, nil
}
