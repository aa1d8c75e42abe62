package network

import (
	"context"
	"fmt"
	"sort"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// DefaultRelated is the number of related themes Related returns when first is not
// positive.
const DefaultRelated = 10

// Related returns the themes most strongly connected to a theme over the chosen signals
// (nil or empty: DefaultSignals), over all the evidence: the theme's edges with Source set to
// themeID, ranked by Strength, then Weight (both descending), then the other theme's
// slug. At most first edges are returned (DefaultRelated when first is not positive).
// A theme with no evidence, or an ID that names no theme, has no related themes. It
// issues two SELECT statements.
func Related(ctx context.Context, client *ent.Client, themeID pulid.ID, signals []Signal, first int) ([]Edge, error) {
	signals, err := normalizeSignals(signals)
	if err != nil {
		return nil, err
	}
	if first <= 0 {
		first = DefaultRelated
	}
	ds, err := load(ctx, client, needFor(Filter{}, signals))
	if err != nil {
		return nil, fmt.Errorf("related themes: %w", err)
	}
	g := cooccurrence(ds, newScope(ds, Filter{}).evidence(signals), signals, 0, EvidenceCap)
	slug := func(id pulid.ID) string {
		if i, ok := ds.themeIdx[id]; ok {
			return ds.themes[i].slug
		}
		return ""
	}
	out := []Edge{}
	for _, e := range g.Edges {
		switch themeID {
		case e.Source:
			out = append(out, e)
		case e.Target:
			e.Source, e.Target = e.Target, e.Source
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Strength != b.Strength {
			return a.Strength > b.Strength
		}
		if a.Weight != b.Weight {
			return a.Weight > b.Weight
		}
		if sa, sb := slug(a.Target), slug(b.Target); sa != sb {
			return sa < sb
		}
		return a.Target < b.Target
	})
	if len(out) > first {
		out = out[:first]
	}
	return out, nil
}
