package network

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// DefaultMatchThreshold is the Jaccard overlap of member sets at or above which a
// community of one slice matches a community of the next (Greene, Doyle & Cunningham
// 2010 found thresholds from 0.3 to 0.5 to track communities well).
const DefaultMatchThreshold = 0.3

// CommunityEvent is what happened to a community between the previous slice and its own.
type CommunityEvent string

// The community events, after Greene, Doyle & Cunningham (2010), "Tracking the evolution
// of communities in dynamic social networks" (ASONAM 2010), matching each slice with the
// one before it.
const (
	// EventAppear: the community matches no community of the previous slice (and every
	// community of the first slice).
	EventAppear CommunityEvent = "APPEAR"
	// EventPersist: it matches exactly one community of the previous slice, which
	// matches no other community of this slice.
	EventPersist CommunityEvent = "PERSIST"
	// EventSplit: it matches exactly one community of the previous slice, which also
	// matches other communities of this slice.
	EventSplit CommunityEvent = "SPLIT"
	// EventMerge: it matches two or more communities of the previous slice.
	EventMerge CommunityEvent = "MERGE"
)

// SeriesRequest names a series of theme networks: one network per term or year of
// the evidence Request's filter keeps, as Build would compute each with the slice added
// to the filter, and the threshold that matches communities across slices.
type SeriesRequest struct {
	// By is DimensionTerm or DimensionYear.
	By Dimension
	// Request is the filter, signals and minimum weight of every slice.
	Request
	// MatchThreshold is the least Jaccard overlap of two communities' themes for them
	// to match (0: DefaultMatchThreshold).
	MatchThreshold float64
}

func (r SeriesRequest) threshold() float64 {
	if r.MatchThreshold <= 0 {
		return DefaultMatchThreshold
	}
	return r.MatchThreshold
}

// key is the request in canonical form.
func (r SeriesRequest) key() (string, error) {
	k, err := r.Request.key()
	if err != nil {
		return "", err
	}
	if r.MatchThreshold != 0 {
		if err := CheckMatchThreshold(r.MatchThreshold); err != nil {
			return "", err
		}
	}
	return "series|" + string(r.By) + "|" + strconv.FormatFloat(r.threshold(), 'g', -1, 64) + "|" + k, nil
}

// Series is the theme network over time.
type Series struct {
	// By is what the network is sliced by.
	By Dimension
	// MatchThreshold is the overlap at which communities matched.
	MatchThreshold float64
	// Slices are the terms (by start year, network name and number) or years, in order.
	// Only terms and years with evidence under the filter are slices.
	Slices []Slice
	// Themes are the measures of every theme that is a node in any slice, by theme ID.
	Themes []ThemeSeries
}

// Slice is the network of one term or year.
type Slice struct {
	// Key is the year ("2017") or the term's number ("4").
	Key string
	// TermID is the term (TERM only).
	TermID pulid.ID
	// Label names the slice: "2017", "USO 4 (2017–2018)".
	Label string
	// Start and End are the slice's first and last day: the year, or the term's years
	// (an open term ends with the year of its last seminar).
	Start, End time.Time
	// Previous is the index of the slice its communities are matched with: the one
	// before it by year, or the previous term of the same network; -1 for none.
	Previous int
	// Graph is the slice's network.
	Graph *Graph
	// Communities are the slice's communities, by number, with their match to the
	// previous slice.
	Communities []SliceCommunity
	// Vanished are the communities of the Previous slice that match none of this one.
	Vanished []VanishedCommunity
}

// SliceCommunity is one community of a slice.
type SliceCommunity struct {
	// Community is the number of the community in the slice's Graph.
	Community int
	// Lineage is the dynamic community it belongs to: the same number in every slice
	// along the strongest one-to-one matches, numbered from 0 in order of appearance.
	Lineage int
	// Themes are its members, by ID.
	Themes []pulid.ID
	// Event is what happened to it since the previous slice.
	Event CommunityEvent
	// Predecessors are the communities of the previous slice it matches, by overlap
	// (highest first).
	Predecessors []Match
}

// Match is a community of the previous slice and its overlap with a community.
type Match struct {
	// Community is its number in the previous slice; Lineage its dynamic community.
	Community, Lineage int
	// Overlap is the Jaccard index of the two communities' themes.
	Overlap float64
}

// VanishedCommunity is a community of the previous slice that matches none of a slice.
type VanishedCommunity struct {
	// Community is its number in the previous slice; Lineage its dynamic community.
	Community, Lineage int
	// Themes are its members.
	Themes []pulid.ID
}

// ThemeSeries is one theme's measures in every slice.
type ThemeSeries struct {
	// ThemeID is the theme.
	ThemeID pulid.ID
	// Points has one entry per slice, in the order of Slices.
	Points []ThemePoint
}

// ThemePoint is a theme's measures in one slice.
type ThemePoint struct {
	// Present reports whether the theme is a node of the slice; the rest is zero when not.
	Present bool
	// Items is the number of items of the chosen signals tied to the theme.
	Items int
	// Degree is the number of its edges; WeightedDegree, Betweenness and Community are
	// as in Node; Lineage is its community's dynamic community.
	Degree         int
	WeightedDegree float64
	Betweenness    float64
	Community      int
	Lineage        int
}

// sliceDef is a slice before it is built.
type sliceDef struct {
	key, label  string
	term        pulid.ID
	track       pulid.ID // the term's network: communities are matched within it
	start, end  time.Time
	filter      Filter
	rank        []string
	hasEvidence bool
}

// BuildSeries computes the network of every term or year in one pass over the data:
// it loads the links once (at most six SELECT statements, whatever the number of
// slices) and builds each slice in Go, with the same filter, signals and minimum weight
// as Build. A slice's network is exactly Build's with the slice added to the filter: a
// term adds the term to TermIDs (documents, which have no term, drop out), a year
// narrows From and To to the year (documents count by their publication date).
func BuildSeries(ctx context.Context, client *ent.Client, r SeriesRequest) (*Series, error) {
	if r.By != DimensionTerm && r.By != DimensionYear {
		return nil, fmt.Errorf("network: a series is by TERM or YEAR, not %q", string(r.By))
	}
	signals, err := normalizeSignals(r.Signals)
	if err != nil {
		return nil, err
	}
	n := needFor(r.Filter, signals)
	n.links = evidenceLinksFor(r.Filter, signals, true) // the slices filter by seminar
	n.seminars = true
	n.documentDates = r.By == DimensionYear && slices.Contains(signals, SignalDocument)
	ds, err := load(ctx, client, n)
	if err != nil {
		return nil, fmt.Errorf("build series: %w", err)
	}
	var defs []sliceDef
	switch r.By {
	case DimensionTerm:
		terms, err := client.NetworkTerm.Query().
			Select(networkterm.FieldID, networkterm.FieldNumber, networkterm.FieldStartYear, networkterm.FieldEndYear, networkterm.FieldNetworkID).
			WithNetwork().All(ctx)
		if err != nil {
			return nil, fmt.Errorf("build series: query terms: %w", err)
		}
		defs = termSlices(ds, r.Filter, terms)
	case DimensionYear:
		defs = yearSlices(ds, r.Filter, signals)
	}
	s := &Series{By: r.By, MatchThreshold: r.threshold(), Slices: make([]Slice, 0, len(defs))}
	last := map[pulid.ID]int{} // the last slice of each track
	for _, d := range defs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		g := cooccurrence(ds, newScope(ds, d.filter).evidence(signals), signals, r.MinWeight, EvidenceCap)
		if len(g.Nodes) == 0 {
			continue
		}
		g.measure()
		prev, ok := last[d.track]
		if !ok {
			prev = -1
		}
		last[d.track] = len(s.Slices)
		s.Slices = append(s.Slices, Slice{Key: d.key, TermID: d.term, Label: d.label, Start: d.start, End: d.end, Graph: g, Previous: prev})
	}
	s.matchCommunities()
	s.themeSeries()
	return s, nil
}

// intersect narrows a list filter to one ID: nil when the list excludes it.
func intersect(list []pulid.ID, id pulid.ID) ([]pulid.ID, bool) {
	if len(list) > 0 && !slices.Contains(list, id) {
		return nil, false
	}
	return []pulid.ID{id}, true
}

// termSlices returns a slice per term that has a seminar, ordered by start year,
// network name and number.
func termSlices(ds *dataset, f Filter, terms []*ent.NetworkTerm) []sliceDef {
	lastSeminar := map[pulid.ID]int{}
	for _, row := range ds.seminars {
		if row.term != "" && row.date.Year() > lastSeminar[row.term] {
			lastSeminar[row.term] = row.date.Year()
		}
	}
	var defs []sliceDef
	for _, t := range terms {
		if _, ok := lastSeminar[t.ID]; !ok {
			continue
		}
		ids, ok := intersect(f.TermIDs, t.ID)
		if !ok {
			continue
		}
		sf := f
		sf.TermIDs = ids
		name := ""
		if t.Edges.Network != nil {
			name = t.Edges.Network.Name
		}
		endYear := max(t.StartYear, lastSeminar[t.ID])
		years := strconv.Itoa(t.StartYear) + "–"
		if t.EndYear != nil {
			endYear = *t.EndYear
			years += strconv.Itoa(*t.EndYear)
		}
		defs = append(defs, sliceDef{
			key: strconv.Itoa(t.Number), term: t.ID, track: t.NetworkID,
			label:  fmt.Sprintf("%s %d (%s)", name, t.Number, years),
			start:  time.Date(t.StartYear, 1, 1, 0, 0, 0, 0, time.UTC),
			end:    time.Date(endYear, 12, 31, 0, 0, 0, 0, time.UTC),
			filter: sf,
			rank:   []string{fmt.Sprintf("%09d", t.StartYear), name, fmt.Sprintf("%09d", t.Number)},
		})
	}
	sort.SliceStable(defs, func(i, j int) bool { return lessStrings(defs[i].rank, defs[j].rank) })
	return defs
}

// yearSlices returns a slice per year with a seminar (or, with the DOCUMENT signal, a
// dated document) within the filter's dates, in order.
func yearSlices(ds *dataset, f Filter, signals []Signal) []sliceDef {
	years := map[int]bool{}
	for _, row := range ds.seminars {
		years[row.date.Year()] = true
	}
	if slices.Contains(signals, SignalDocument) {
		for _, d := range ds.docDates {
			if d != nil {
				years[d.Year()] = true
			}
		}
	}
	var defs []sliceDef
	for _, y := range slices.Sorted(mapKeys(years)) {
		start := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		end := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
		sf := f
		from, to := start, end
		if f.From != nil && f.From.After(from) {
			from = *f.From
		}
		if f.To != nil && f.To.Before(to) {
			to = *f.To
		}
		if to.Before(from) {
			continue
		}
		sf.From, sf.To = &from, &to
		defs = append(defs, sliceDef{key: strconv.Itoa(y), label: strconv.Itoa(y), start: start, end: end, filter: sf})
	}
	return defs
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// communitiesOf returns the member sets of g's communities, by community number.
func communitiesOf(g *Graph) [][]pulid.ID {
	var out [][]pulid.ID
	for _, n := range g.Nodes {
		for len(out) <= n.Community {
			out = append(out, nil)
		}
		out[n.Community] = append(out[n.Community], n.ThemeID)
	}
	return out
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted ID lists.
func jaccard(a, b []pulid.ID) float64 {
	i, j, common := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - common
	if union == 0 {
		return 0
	}
	return float64(common) / float64(union)
}

// MatchCommunities matches the communities of consecutive slices (prev, next: member
// sets, each sorted) by the Jaccard overlap of their members at or above threshold, and
// classifies each community of next (see CommunityEvent). prevLineage gives the
// lineages of prev's communities; newLineage numbers a lineage that begins. It returns
// each next community's event, predecessors and lineage, and prev's communities that
// match none of next (vanished).
//
// Lineages continue along the strongest matches one-to-one (pairs taken by overlap,
// highest first, ties by community numbers): in a split, the part that overlaps the
// old community most keeps its lineage and the others begin new ones; in a merge, the
// merged community keeps the lineage of the part it overlaps most.
func MatchCommunities(prev, next [][]pulid.ID, prevLineage []int, threshold float64, newLineage func() int) (events []CommunityEvent, preds [][]Match, lineage []int, vanished []int) {
	type pair struct {
		p, n int
		j    float64
	}
	var pairs []pair
	succ := make([]int, len(prev))
	preds = make([][]Match, len(next))
	for ni, nm := range next {
		for pi, pm := range prev {
			if j := jaccard(pm, nm); j >= threshold && j > 0 {
				pairs = append(pairs, pair{pi, ni, j})
				succ[pi]++
				preds[ni] = append(preds[ni], Match{Community: pi, Lineage: prevLineage[pi], Overlap: round9(j)})
			}
		}
		sort.SliceStable(preds[ni], func(a, b int) bool { return preds[ni][a].Overlap > preds[ni][b].Overlap })
	}
	events = make([]CommunityEvent, len(next))
	for ni := range next {
		switch {
		case len(preds[ni]) == 0:
			events[ni] = EventAppear
		case len(preds[ni]) > 1:
			events[ni] = EventMerge
		case succ[preds[ni][0].Community] > 1:
			events[ni] = EventSplit
		default:
			events[ni] = EventPersist
		}
	}
	sort.SliceStable(pairs, func(a, b int) bool {
		return cmp.Or(cmp.Compare(pairs[b].j, pairs[a].j), cmp.Compare(pairs[a].p, pairs[b].p), cmp.Compare(pairs[a].n, pairs[b].n)) < 0
	})
	lineage = make([]int, len(next))
	for i := range lineage {
		lineage[i] = -1
	}
	taken := make([]bool, len(prev))
	for _, pr := range pairs {
		if taken[pr.p] || lineage[pr.n] >= 0 {
			continue
		}
		taken[pr.p] = true
		lineage[pr.n] = prevLineage[pr.p]
	}
	for ni := range lineage {
		if lineage[ni] < 0 {
			lineage[ni] = newLineage()
		}
	}
	for pi := range prev {
		if succ[pi] == 0 {
			vanished = append(vanished, pi)
		}
	}
	return events, preds, lineage, vanished
}

// matchCommunities fills in every slice's communities, matching each slice with its
// Previous.
func (s *Series) matchCommunities() {
	next := 0
	newLineage := func() int { next++; return next - 1 }
	members := make([][][]pulid.ID, len(s.Slices))
	lineages := make([][]int, len(s.Slices))
	for i := range s.Slices {
		sl := &s.Slices[i]
		comms := communitiesOf(sl.Graph)
		var prev [][]pulid.ID
		var prevLineage []int
		if sl.Previous >= 0 {
			prev, prevLineage = members[sl.Previous], lineages[sl.Previous]
		}
		events, preds, lineage, vanished := MatchCommunities(prev, comms, prevLineage, s.MatchThreshold, newLineage)
		sl.Communities = make([]SliceCommunity, len(comms))
		for c, members := range comms {
			sl.Communities[c] = SliceCommunity{Community: c, Lineage: lineage[c], Themes: members, Event: events[c], Predecessors: preds[c]}
		}
		for _, pi := range vanished {
			sl.Vanished = append(sl.Vanished, VanishedCommunity{Community: pi, Lineage: prevLineage[pi], Themes: prev[pi]})
		}
		members[i], lineages[i] = comms, lineage
	}
}

// Overlapping reports whether two slices share days (terms of different networks do),
// which a dynamic GEXF cannot show: a theme would have two values at once.
func (s *Series) Overlapping() bool {
	for i := range s.Slices {
		for j := i + 1; j < len(s.Slices); j++ {
			a, b := s.Slices[i], s.Slices[j]
			if !a.End.Before(b.Start) && !b.End.Before(a.Start) {
				return true
			}
		}
	}
	return false
}

// themeSeries fills in every theme's measures over the slices.
func (s *Series) themeSeries() {
	byTheme := map[pulid.ID]*ThemeSeries{}
	for i, sl := range s.Slices {
		degree := map[pulid.ID]int{}
		for _, e := range sl.Graph.Edges {
			degree[e.Source]++
			degree[e.Target]++
		}
		for _, n := range sl.Graph.Nodes {
			ts := byTheme[n.ThemeID]
			if ts == nil {
				ts = &ThemeSeries{ThemeID: n.ThemeID, Points: make([]ThemePoint, len(s.Slices))}
				byTheme[n.ThemeID] = ts
			}
			items := 0
			for _, c := range n.Counts {
				items += c
			}
			ts.Points[i] = ThemePoint{
				Present: true, Items: items, Degree: degree[n.ThemeID], WeightedDegree: n.WeightedDegree,
				Betweenness: n.Betweenness, Community: n.Community, Lineage: sl.Communities[n.Community].Lineage,
			}
		}
	}
	s.Themes = make([]ThemeSeries, 0, len(byTheme))
	for _, id := range sortedKeys(byTheme) {
		s.Themes = append(s.Themes, *byTheme[id])
	}
}

// sizeEstimate is an upper estimate of the memory the series holds.
func (s *Series) sizeEstimate() int64 {
	n := int64(0)
	for _, sl := range s.Slices {
		n += sl.Graph.sizeEstimate() + 256
		for _, c := range sl.Communities {
			n += 96 + int64(len(c.Themes))*40 + int64(len(c.Predecessors))*32
		}
	}
	for _, t := range s.Themes {
		n += 64 + int64(len(t.Points))*64
	}
	return n
}
