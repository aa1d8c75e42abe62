package main

import (
	"regexp"
	"strings"

	"github.com/teemaverkko/teemaverkko/graph/gqlgen/resolvers"
)

var (
	// marshalList is the head of a generated function that marshals a list of GraphQL
	// type T: func (ec *executionContext) marshalNT2ᚕ… or marshalOT2ᚕ…
	marshalList = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) marshal[NO](\w+?)2ᚕ`)
	// resolverInterface is the interface of an object type with field resolvers, with
	// its methods.
	resolverInterface = regexp.MustCompile(`(?ms)^type (\w+)Resolver interface \{(.*?)^\}`)
	// resolverMethod is a method of a resolver interface.
	resolverMethod = regexp.MustCompile(`(?m)^\t(\w+)\(`)
)

const (
	concurrent = "graphql.MarshalSliceConcurrently("
	sequential = "marshalSliceInOrder("
)

// inOrder replaces the concurrent marshaling of every list in the generated executor src
// by marshalSliceInOrder (same arguments), but for lists of an object type with field
// resolvers that may go to the database (resolvers.MayWait), or of its edges; n is how many
// it replaced.
func inOrder(src string) (out string, n int) {
	waits := map[string]bool{}
	for _, m := range resolverInterface.FindAllStringSubmatch(src, -1) {
		for _, f := range resolverMethod.FindAllStringSubmatch(m[2], -1) {
			if resolvers.MayWait(f[1]) {
				waits[m[1]] = true
			}
		}
	}
	heads := marshalList.FindAllStringSubmatchIndex(src, -1)
	var b strings.Builder
	last := 0
	for i, h := range heads {
		end := len(src)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		typ := src[h[2]:h[3]]
		if waits[typ] || waits[strings.TrimSuffix(typ, "Edge")] {
			continue
		}
		body := src[h[0]:end]
		if k := strings.Count(body, concurrent); k > 0 {
			b.WriteString(src[last:h[0]])
			b.WriteString(strings.ReplaceAll(body, concurrent, sequential))
			last = end
			n += k
		}
	}
	b.WriteString(src[last:])
	return b.String(), n
}
