// Package pagesize is the page-size setting of every connection, search included: the
// default page and the largest first or last. It is the one source of both numbers;
// graph/pagelimit applies them to GraphQL operations, and the server's flags default to
// them.
package pagesize

import "fmt"

// Limits are the page-size bounds.
type Limits struct {
	// Default is the page size of a connection asked for without first or last.
	Default int
	// Max is the largest first or last accepted.
	Max int
}

// DefaultLimits are the page sizes of every connection, search included, unless the
// server is configured otherwise (-default-page-size, -max-page-size): the one source
// of both numbers.
var DefaultLimits = Limits{Default: 20, Max: 100}

// Validate checks that the limits make sense.
func (l Limits) Validate() error {
	if l.Max < 1 {
		return fmt.Errorf("maximum page size must be at least 1, got %d", l.Max)
	}
	if l.Default < 1 || l.Default > l.Max {
		return fmt.Errorf("default page size must be between 1 and the maximum %d, got %d", l.Max, l.Default)
	}
	return nil
}
