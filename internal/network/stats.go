package network

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/region"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// ThemeStat is what the knowledge base ties to one theme under a filter.
type ThemeStat struct {
	// ThemeID, Slug and Name identify the theme.
	ThemeID    pulid.ID
	Slug, Name string
	// Outcomes, Sessions and Seminars on the theme.
	Outcomes, Sessions, Seminars int
	// Experts tied to the theme (expertise, talks, statements).
	Experts int
	// Municipalities named by outcomes and seminars on the theme.
	Municipalities int
	// Documents that discuss the theme.
	Documents int
}

// ThemeStats counts, for every theme (also those with nothing tied to them), the items
// of each signal the filter keeps, sorted by slug. It issues at most five SELECTs.
func ThemeStats(ctx context.Context, client *ent.Client, f Filter) ([]ThemeStat, error) {
	ds, err := load(ctx, client, needFor(f, AllSignals))
	if err != nil {
		return nil, fmt.Errorf("theme statistics: %w", err)
	}
	ev := newScope(ds, f).evidence(AllSignals)
	out := make([]ThemeStat, len(ds.themes))
	for t, th := range ds.themes {
		out[t] = ThemeStat{
			ThemeID: th.id, Slug: th.slug, Name: th.name,
			Outcomes:       ev.count(SignalOutcome, t),
			Sessions:       ev.count(SignalSession, t),
			Seminars:       ev.count(SignalSeminar, t),
			Experts:        ev.count(SignalExpert, t),
			Municipalities: ev.count(SignalMunicipality, t),
			Documents:      ev.count(SignalDocument, t),
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out, nil
}

// Dimension is what StatsBy groups by.
type Dimension string

// The dimensions.
const (
	// DimensionTerm groups by network term: a seminar's own term; a seminar without one,
	// and a document, by the year of its date (see StatsBy).
	DimensionTerm Dimension = "TERM"
	// DimensionYear groups by the year of the seminar or of the document.
	DimensionYear Dimension = "YEAR"
	// DimensionRegion groups by the region of the municipalities named, on the date of
	// the seminar.
	DimensionRegion Dimension = "REGION"
)

// GroupKind says what a bucket's key stands for.
type GroupKind string

// The kinds of groups.
const (
	// GroupTerm is a network term: the key is its number.
	GroupTerm GroupKind = "TERM"
	// GroupPeriod is a stretch of years no term covers: the key is its years ("2019-2020",
	// "2023-" after the last term, "-2010" before the first).
	GroupPeriod GroupKind = "PERIOD"
	// GroupYear is a calendar year: the key is the year.
	GroupYear GroupKind = "YEAR"
	// GroupRegion is a region: the key is its two-digit code.
	GroupRegion GroupKind = "REGION"
	// GroupNone holds what the dimension cannot place: undated documents (TERM, YEAR),
	// items naming no municipality (REGION). The key is empty.
	GroupNone GroupKind = "NONE"
)

// Bucket is what one group ties to one theme.
type Bucket struct {
	// Key is what the schema promises: the term's number, the period's years, the year
	// ("2017") or the region's code; "" for the GroupNone bucket.
	Key string
	// Kind says what Key stands for.
	Kind GroupKind
	// GroupID is the term's or region's ID; "" for the other kinds.
	GroupID pulid.ID
	// Label names the group: "USO 4 (2017–2018)", "2023– (after USO 6)", "2017",
	// "Pohjois-Pohjanmaa"; "(undated)" or "(no region)" for GroupNone.
	Label string
	// StartYear and EndYear bound a term, period or year; nil when open or not a span of
	// years (regions, GroupNone).
	StartYear, EndYear *int
	// ThemeID is the theme.
	ThemeID pulid.ID
	// Outcomes, Sessions and Seminars on the theme in the group.
	Outcomes, Sessions, Seminars int
	// Municipalities named by the group's outcomes and seminars on the theme (in the
	// group's region, for REGION).
	Municipalities int
	// Documents that discuss the theme, placed by their publication date (never by REGION).
	Documents int
}

// group is one bucket's group, before the themes.
type group struct {
	key                string
	kind               GroupKind
	id                 pulid.ID
	label              string
	startYear, endYear *int
	// rank orders groups: chronologically (then by network name and term number) for
	// terms and periods, by year, or by region code; GroupNone last.
	rank []string
}

// termSpan is a network term with the years it covers.
type termSpan struct {
	id        pulid.ID
	network   string
	number    int
	start     int
	end       *int // nil: open-ended (the last term of its network, without endYear)
	label     string
	short     string // "USO 6"
	statedEnd *int
}

// timeline places years in terms and in the periods between them.
type timeline struct {
	terms   []termSpan // by start year, network name, number
	periods map[string]*group
}

// newTimeline reads the terms' years. A term without an endYear lasts until the year
// before the next term of its network starts, or without end when it is the last.
func newTimeline(terms []*ent.NetworkTerm) *timeline {
	byNetwork := map[string][]termSpan{}
	for _, t := range terms {
		name := ""
		if t.Edges.Network != nil {
			name = t.Edges.Network.Name
		}
		years := strconv.Itoa(t.StartYear) + "–"
		if t.EndYear != nil {
			years += strconv.Itoa(*t.EndYear)
		}
		short := strings.TrimSpace(fmt.Sprintf("%s %d", name, t.Number))
		byNetwork[name] = append(byNetwork[name], termSpan{
			id: t.ID, network: name, number: t.Number, start: t.StartYear, end: t.EndYear,
			statedEnd: t.EndYear, label: fmt.Sprintf("%s (%s)", short, years), short: short,
		})
	}
	tl := &timeline{periods: map[string]*group{}}
	for _, ts := range byNetwork {
		sort.Slice(ts, func(i, j int) bool {
			if ts[i].start != ts[j].start {
				return ts[i].start < ts[j].start
			}
			return ts[i].number < ts[j].number
		})
		for i := range ts {
			if ts[i].end == nil && i+1 < len(ts) && ts[i+1].start > ts[i].start {
				e := ts[i+1].start - 1
				ts[i].end = &e
			}
		}
		tl.terms = append(tl.terms, ts...)
	}
	sort.Slice(tl.terms, func(i, j int) bool {
		a, b := tl.terms[i], tl.terms[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.network != b.network {
			return a.network < b.network
		}
		return a.number < b.number
	})
	return tl
}

// termGroup is the group of a term.
func (tl *timeline) termGroup(t termSpan) group {
	start := t.start
	return group{
		key: strconv.Itoa(t.number), kind: GroupTerm, id: t.id, label: t.label,
		startYear: &start, endYear: t.statedEnd,
		rank: []string{fmt.Sprintf("%09d", t.start), t.network, fmt.Sprintf("%09d", t.number)},
	}
}

// groupsOfYear returns the groups year y falls in: every term whose years contain it,
// or else the one period between terms that does.
func (tl *timeline) groupsOfYear(y int) []group {
	var out []group
	for _, t := range tl.terms {
		if y >= t.start && (t.end == nil || y <= *t.end) {
			out = append(out, tl.termGroup(t))
		}
	}
	if len(out) > 0 {
		return out
	}
	var before, after *termSpan // the term ending last before y, starting first after y
	for i := range tl.terms {
		t := &tl.terms[i]
		if t.end != nil && *t.end < y && (before == nil || *t.end > *before.end ||
			*t.end == *before.end && t.start > before.start) {
			before = t
		}
		if t.start > y && (after == nil || t.start < after.start) {
			after = t
		}
	}
	var start, end *int
	var note string
	switch {
	case before != nil && after != nil:
		s, e := *before.end+1, after.start-1
		start, end = &s, &e
		note = fmt.Sprintf("between %s and %s", before.short, after.short)
	case before != nil:
		s := *before.end + 1
		start = &s
		note = "after " + before.short
	case after != nil:
		e := after.start - 1
		end = &e
		note = "before " + after.short
	}
	key, years := yearSpan(start, end)
	label := "(no term)"
	if note != "" {
		label = years + " (" + note + ")"
	}
	rankStart := 0
	if start != nil {
		rankStart = *start
	}
	return []group{{key: key, kind: GroupPeriod, label: label, startYear: start, endYear: end,
		rank: []string{fmt.Sprintf("%09d", rankStart)}}}
}

// yearSpan writes a span of years as a key ("2019-2020", "2023-", "-2010", "2019" for
// one year) and as text ("2019–2020", "2023–", "–2010", "2019").
func yearSpan(start, end *int) (key, text string) {
	s, e := "", ""
	if start != nil {
		s = strconv.Itoa(*start)
	}
	if end != nil {
		e = strconv.Itoa(*end)
	}
	if start != nil && end != nil && *start == *end {
		return s, s
	}
	return s + "-" + e, s + "–" + e
}

// yearGroup is the group of a calendar year.
func yearGroup(y int) group {
	k := strconv.Itoa(y)
	return group{key: k, kind: GroupYear, label: k, startYear: &y, endYear: &y,
		rank: []string{fmt.Sprintf("%09d", y)}}
}

// StatsBy counts, per group of the dimension and theme, the outcomes, sessions, seminars,
// municipalities and documents the filter keeps.
//
// By TERM, an outcome, session or seminar counts in its seminar's term; one of a seminar
// without a term, and a document, counts in every term whose years contain the year of
// its date (a term without an endYear lasting until the next term of its network
// starts), or else in the period between terms that contains it (GroupPeriod). By YEAR,
// everything counts in the year of its seminar's or its own date. A date counts by its
// year whatever its precision: a date known to the month or the year still names its
// year, and terms are known only by their years. Undated documents count in the
// GroupNone bucket ("(undated)").
//
// By REGION, an outcome, session or seminar counts in the region of every municipality
// its place names (see the package documentation) as it was on the seminar's date, and
// a municipality in the region it belonged to then; documents, which name no place, do
// not count.
//
// Only non-empty (group, theme) rows are returned, ordered by group (terms and periods
// chronologically, years, region codes; GroupNone last) then theme slug. It issues at
// most seven SELECTs.
func StatsBy(ctx context.Context, client *ent.Client, f Filter, by Dimension) ([]Bucket, error) {
	switch by {
	case DimensionTerm, DimensionYear, DimensionRegion:
	default:
		return nil, fmt.Errorf("network: unknown dimension %q", string(by))
	}
	signals := []Signal{SignalOutcome, SignalSession, SignalSeminar, SignalMunicipality}
	if by != DimensionRegion {
		signals = append(signals, SignalDocument)
	}
	n := needFor(f, signals)
	n.links = evidenceLinksFor(f, signals, true)
	n.seminars = true
	n.periods = n.periods || by == DimensionRegion
	n.documentDates = n.documentDates || by != DimensionRegion
	ds, err := load(ctx, client, n)
	if err != nil {
		return nil, fmt.Errorf("statistics by %s: %w", by, err)
	}
	groups := map[string]group{}
	var tl *timeline
	switch by {
	case DimensionTerm:
		terms, err := client.NetworkTerm.Query().WithNetwork().All(ctx)
		if err != nil {
			return nil, fmt.Errorf("statistics by %s: query terms: %w", by, err)
		}
		tl = newTimeline(terms)
		for _, t := range tl.terms {
			groups[string(t.id)] = tl.termGroup(t)
		}
	case DimensionRegion:
		regions, err := client.Region.Query().Select(region.FieldID, region.FieldCode, region.FieldName).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("statistics by %s: query regions: %w", by, err)
		}
		for _, r := range regions {
			groups[string(r.ID)] = group{key: r.Code, kind: GroupRegion, id: r.ID, label: r.Name, rank: []string{r.Code}}
		}
	}
	none := group{kind: GroupNone, label: "(undated)"}
	if by == DimensionRegion {
		none.label = "(no region)"
	}
	// byYear returns the groups of a year, remembering the groups it makes.
	yearKeys := map[int][]string{}
	byYear := func(y int) []string {
		if keys, ok := yearKeys[y]; ok {
			return keys
		}
		var gs []group
		if by == DimensionYear {
			gs = []group{yearGroup(y)}
		} else {
			gs = tl.groupsOfYear(y)
		}
		keys := make([]string, len(gs))
		for i, g := range gs {
			k := g.key
			if g.kind == GroupTerm {
				k = string(g.id)
			} else {
				k = string(g.kind) + ":" + g.key
			}
			if _, ok := groups[k]; !ok {
				groups[k] = g
			}
			keys[i] = k
		}
		yearKeys[y] = keys
		return keys
	}

	sc := newScope(ds, f)
	sc.witness = true // buckets by the seminar each item is tied through
	ev := sc.evidence(signals)
	// keysOf returns the groups an item tied through seminar sem ("" for a document)
	// falls in.
	keysOf := func(s Signal, item, sem pulid.ID) []string {
		if s == SignalDocument {
			d := ds.docDates[item]
			if d == nil {
				return []string{""}
			}
			return byYear(d.Year())
		}
		row := ds.seminars[sem]
		switch by {
		case DimensionTerm:
			if row.term != "" {
				return []string{string(row.term)}
			}
			return byYear(row.date.Year())
		case DimensionYear:
			return byYear(row.date.Year())
		}
		var place []pulid.ID
		switch s {
		case SignalOutcome:
			place = sc.outcomePlace(item)
		case SignalSession:
			place = sc.sessionPlace(item)
		case SignalSeminar:
			place = sc.seminarPlace(item)
		case SignalMunicipality:
			place = []pulid.ID{item}
		}
		seen := map[string]bool{}
		var keys []string
		for _, m := range place {
			if f.placeScoped() && !sc.municipalityMatches(m, sem) {
				continue
			}
			k := string(ds.regionOn(m, row.date))
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			keys = []string{""}
		}
		return keys
	}

	type cellKey struct {
		key   string
		theme int
	}
	cells := map[cellKey]*[numSignals]map[pulid.ID]bool{}
	add := func(k string, t, si int, item pulid.ID) {
		ck := cellKey{k, t}
		c := cells[ck]
		if c == nil {
			c = &[numSignals]map[pulid.ID]bool{}
			cells[ck] = c
		}
		if c[si] == nil {
			c[si] = map[pulid.ID]bool{}
		}
		c[si][item] = true
	}
	for _, s := range signals {
		si := s.index()
		for t, items := range ev.items[si] {
			for item, sems := range items {
				if s == SignalDocument {
					for _, k := range keysOf(s, item, "") {
						add(k, t, si, item)
					}
					continue
				}
				for _, sem := range sems {
					for _, k := range keysOf(s, item, sem) {
						add(k, t, si, item)
					}
				}
			}
		}
	}

	out := make([]Bucket, 0, len(cells))
	ranks := make(map[string][]string, len(groups))
	for ck, c := range cells {
		g, ok := groups[ck.key]
		if ck.key == "" || !ok {
			g = none
		}
		ranks[g.key+"\x00"+string(g.kind)+"\x00"+string(g.id)] = g.rank
		out = append(out, Bucket{
			Key: g.key, Kind: g.kind, GroupID: g.id, Label: g.label,
			StartYear: g.startYear, EndYear: g.endYear,
			ThemeID:        ds.themes[ck.theme].id,
			Outcomes:       len(c[SignalOutcome.index()]),
			Sessions:       len(c[SignalSession.index()]),
			Seminars:       len(c[SignalSeminar.index()]),
			Municipalities: len(c[SignalMunicipality.index()]),
			Documents:      len(c[SignalDocument.index()]),
		})
	}
	rank := func(b Bucket) []string { return ranks[b.Key+"\x00"+string(b.Kind)+"\x00"+string(b.GroupID)] }
	slug := func(id pulid.ID) string { return ds.themes[ds.themeIdx[id]].slug }
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Kind == GroupNone) != (b.Kind == GroupNone) {
			return b.Kind == GroupNone
		}
		if ra, rb := rank(a), rank(b); !equalStrings(ra, rb) {
			return lessStrings(ra, rb)
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.GroupID != b.GroupID {
			return a.GroupID < b.GroupID
		}
		return slug(a.ThemeID) < slug(b.ThemeID)
	})
	return out, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func lessStrings(a, b []string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// DefaultMunicipalities is the number of municipalities EngagedMunicipalities and
// SimilarMunicipalities return when first is not positive.
const DefaultMunicipalities = 10

// MunicipalityScore is a municipality ranked by engagement in a theme or by similarity
// to another municipality.
type MunicipalityScore struct {
	// MunicipalityID, Code and Name identify the municipality.
	MunicipalityID pulid.ID
	Code, Name     string
	// Score is the ranking score: for EngagedMunicipalities the number of outcomes,
	// seminars and terms that tie the municipality to the theme (Outcomes + Seminars +
	// Terms); for SimilarMunicipalities the cosine similarity of the two theme profiles,
	// in (0, 1].
	Score float64
	// Outcomes, Seminars and Terms that name the municipality: on the theme or its
	// descendants for EngagedMunicipalities; on any theme for SimilarMunicipalities.
	Outcomes, Seminars, Terms int
	// Themes is, for EngagedMunicipalities, how many of the theme and its descendants
	// tie the municipality; for SimilarMunicipalities, how many themes the two
	// municipalities' profiles share.
	Themes int
}

// engagement indexes the ties of municipalities to themes through outcomes, seminars
// and network terms.
type engagement struct {
	ds *dataset
	// ties[kind][municipality][theme] = the items of that kind tying them.
	ties [3]map[pulid.ID]map[int][]pulid.ID
}

const (
	tieOutcome = iota
	tieSeminar
	tieTerm
)

func newEngagement(ds *dataset) *engagement {
	e := &engagement{ds: ds}
	l := ds.links
	kinds := [3][2]linkKind{
		tieOutcome: {lkOutcomeTheme, lkOutcomeMunicipality},
		tieSeminar: {lkSeminarTheme, lkSeminarMunicipality},
		tieTerm:    {lkTermTheme, lkTermMunicipality},
	}
	for i, k := range kinds {
		themesOf := map[pulid.ID][]int{}
		for _, p := range l[k[0]] {
			if t, ok := ds.themeIdx[p[1]]; ok {
				themesOf[p[0]] = append(themesOf[p[0]], t)
			}
		}
		e.ties[i] = map[pulid.ID]map[int][]pulid.ID{}
		for _, p := range l[k[1]] {
			item, m := p[0], p[1]
			for _, t := range themesOf[item] {
				if e.ties[i][m] == nil {
					e.ties[i][m] = map[int][]pulid.ID{}
				}
				e.ties[i][m][t] = append(e.ties[i][m][t], item)
			}
		}
	}
	return e
}

// municipalities returns the IDs of every municipality with a tie.
func (e *engagement) municipalities() []pulid.ID {
	set := map[pulid.ID]bool{}
	for _, byM := range e.ties {
		for m := range byM {
			set[m] = true
		}
	}
	return sortedKeys(set)
}

// names fetches the codes and names of the municipalities in one statement.
func names(ctx context.Context, client *ent.Client, scores []MunicipalityScore) error {
	if len(scores) == 0 {
		return nil
	}
	ids := make([]pulid.ID, len(scores))
	for i, s := range scores {
		ids[i] = s.MunicipalityID
	}
	ms, err := client.Municipality.Query().
		Where(municipality.IDIn(ids...)).
		Select(municipality.FieldID, municipality.FieldCode, municipality.FieldName).
		All(ctx)
	if err != nil {
		return fmt.Errorf("query municipalities: %w", err)
	}
	byID := make(map[pulid.ID]*ent.Municipality, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	for i := range scores {
		if m := byID[scores[i].MunicipalityID]; m != nil {
			scores[i].Code, scores[i].Name = m.Code, m.Name
		}
	}
	return nil
}

// rankScores sorts by score (descending), then name, then ID, and keeps the first.
func rankScores(scores []MunicipalityScore, first int) []MunicipalityScore {
	sort.Slice(scores, func(i, j int) bool {
		a, b := scores[i], scores[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.MunicipalityID < b.MunicipalityID
	})
	if len(scores) > first {
		scores = scores[:first]
	}
	return scores
}

// EngagedMunicipalities returns the municipalities most engaged in a theme: those that
// the most outcomes, seminars and network terms on the theme name. The theme's
// descendants (narrower themes, at any depth) count as the theme: a municipality that
// works on "digital health" works on "digitalisation"; an item on several of them
// counts once. At most first municipalities (DefaultMunicipalities when not positive)
// are returned, ranked by score, then name. An ID that names no theme gives none. It
// issues at most three SELECTs.
func EngagedMunicipalities(ctx context.Context, client *ent.Client, themeID pulid.ID, first int) ([]MunicipalityScore, error) {
	if first <= 0 {
		first = DefaultMunicipalities
	}
	ds, err := load(ctx, client, need{themes: true, links: engagementLinks})
	if err != nil {
		return nil, fmt.Errorf("engaged municipalities: %w", err)
	}
	root, ok := ds.themeIdx[themeID]
	if !ok {
		return []MunicipalityScore{}, nil
	}
	subtree := ds.subtree(root)
	e := newEngagement(ds)
	scores := []MunicipalityScore{}
	for _, m := range e.municipalities() {
		var items [3]map[pulid.ID]bool
		themes := map[int]bool{}
		for kind := range e.ties {
			items[kind] = map[pulid.ID]bool{}
			for t, its := range e.ties[kind][m] {
				if !subtree[t] {
					continue
				}
				themes[t] = true
				for _, it := range its {
					items[kind][it] = true
				}
			}
		}
		s := MunicipalityScore{
			MunicipalityID: m,
			Outcomes:       len(items[tieOutcome]),
			Seminars:       len(items[tieSeminar]),
			Terms:          len(items[tieTerm]),
			Themes:         len(themes),
		}
		s.Score = float64(s.Outcomes + s.Seminars + s.Terms)
		if s.Score > 0 {
			scores = append(scores, s)
		}
	}
	if err := names(ctx, client, scores); err != nil {
		return nil, fmt.Errorf("engaged municipalities: %w", err)
	}
	return rankScores(scores, first), nil
}

// subtree returns the theme and its descendants, by index.
func (ds *dataset) subtree(root int) map[int]bool {
	children := map[pulid.ID][]int{}
	for i, t := range ds.themes {
		if t.parent != "" {
			children[t.parent] = append(children[t.parent], i)
		}
	}
	in := map[int]bool{root: true}
	queue := []int{root}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, c := range children[ds.themes[t].id] {
			if !in[c] {
				in[c] = true
				queue = append(queue, c)
			}
		}
	}
	return in
}

// SimilarMunicipalities returns the municipalities whose theme profiles are most like
// the given municipality's. A profile is a vector over themes: the number of outcomes,
// seminars and network terms that tie the municipality to each theme (themes as they
// are, without rolling narrower themes up). Similarity is the cosine of the two
// vectors, which ignores how much a municipality appears overall and compares only
// the mix of its themes. Municipalities with nothing in common (cosine 0) are left out.
// At most first municipalities (DefaultMunicipalities when not positive) are returned,
// ranked by similarity, then name. It issues at most three SELECTs.
func SimilarMunicipalities(ctx context.Context, client *ent.Client, municipalityID pulid.ID, first int) ([]MunicipalityScore, error) {
	if first <= 0 {
		first = DefaultMunicipalities
	}
	ds, err := load(ctx, client, need{themes: true, links: engagementLinks})
	if err != nil {
		return nil, fmt.Errorf("similar municipalities: %w", err)
	}
	e := newEngagement(ds)
	profile := func(m pulid.ID) map[int]float64 {
		v := map[int]float64{}
		for kind := range e.ties {
			for t, its := range e.ties[kind][m] {
				v[t] += float64(len(its))
			}
		}
		return v
	}
	norm := func(v map[int]float64) float64 {
		var s float64
		for _, t := range sortedInts(v) {
			s += v[t] * v[t]
		}
		return math.Sqrt(s)
	}
	target := profile(municipalityID)
	targetNorm := norm(target)
	scores := []MunicipalityScore{}
	if targetNorm == 0 {
		return scores, nil
	}
	for _, m := range e.municipalities() {
		if m == municipalityID {
			continue
		}
		v := profile(m)
		var dot float64
		shared := 0
		for _, t := range sortedInts(v) {
			if x, ok := target[t]; ok {
				dot += x * v[t]
				shared++
			}
		}
		if dot == 0 {
			continue
		}
		s := MunicipalityScore{MunicipalityID: m, Score: dot / (targetNorm * norm(v)), Themes: shared}
		var items [3]map[pulid.ID]bool
		for kind := range e.ties {
			items[kind] = map[pulid.ID]bool{}
			for _, its := range e.ties[kind][m] {
				for _, it := range its {
					items[kind][it] = true
				}
			}
		}
		s.Outcomes, s.Seminars, s.Terms = len(items[tieOutcome]), len(items[tieSeminar]), len(items[tieTerm])
		scores = append(scores, s)
	}
	if err := names(ctx, client, scores); err != nil {
		return nil, fmt.Errorf("similar municipalities: %w", err)
	}
	return rankScores(scores, first), nil
}

// sortedInts returns the keys of m in order.
func sortedInts[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
