package network

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"

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
	// DimensionTerm groups by the network term of the seminar.
	DimensionTerm Dimension = "TERM"
	// DimensionYear groups by the year of the seminar.
	DimensionYear Dimension = "YEAR"
	// DimensionRegion groups by the region of the municipalities named, on the date of
	// the seminar.
	DimensionRegion Dimension = "REGION"
)

// Bucket is what one group ties to one theme.
type Bucket struct {
	// Key identifies the group: the term's or region's ID, or the year ("2017"); ""
	// for the items with no term or no municipality.
	Key string
	// Label names the group: "USO 4 (2017–2018)", "2017", "Pohjois-Pohjanmaa";
	// "(no term)" or "(no region)" for the empty key.
	Label string
	// ThemeID is the theme.
	ThemeID pulid.ID
	// Outcomes, Sessions and Seminars on the theme in the group.
	Outcomes, Sessions, Seminars int
	// Municipalities named by the group's outcomes and seminars on the theme (in the
	// group's region, for REGION).
	Municipalities int
}

// groupInfo orders and labels a group.
type groupInfo struct {
	label string
	// rank orders groups: by network name and term number, year, or region code.
	rank []string
}

// StatsBy counts, per group of the dimension and theme, the outcomes, sessions, seminars
// and municipalities the filter keeps. Items are grouped by their seminar's term or
// year; by REGION, an outcome, session or seminar counts in the region of every
// municipality its place names (see the package documentation) as it was on the
// seminar's date, and a municipality in the region it belonged to then. Only non-empty
// (group, theme) rows are returned, ordered by group (term number, year, region code;
// the empty key last) then theme slug. It issues at most six SELECTs.
func StatsBy(ctx context.Context, client *ent.Client, f Filter, by Dimension) ([]Bucket, error) {
	switch by {
	case DimensionTerm, DimensionYear, DimensionRegion:
	default:
		return nil, fmt.Errorf("network: unknown dimension %q", string(by))
	}
	signals := []Signal{SignalOutcome, SignalSession, SignalSeminar, SignalMunicipality}
	n := needFor(f, signals)
	n.seminars = true
	n.periods = n.periods || by == DimensionRegion
	ds, err := load(ctx, client, n)
	if err != nil {
		return nil, fmt.Errorf("statistics by %s: %w", by, err)
	}
	groups := map[string]groupInfo{}
	switch by {
	case DimensionTerm:
		terms, err := client.NetworkTerm.Query().WithNetwork().All(ctx)
		if err != nil {
			return nil, fmt.Errorf("statistics by %s: query terms: %w", by, err)
		}
		for _, t := range terms {
			name := ""
			if t.Edges.Network != nil {
				name = t.Edges.Network.Name
			}
			years := strconv.Itoa(t.StartYear) + "–"
			if t.EndYear != nil {
				years += strconv.Itoa(*t.EndYear)
			}
			groups[string(t.ID)] = groupInfo{
				label: fmt.Sprintf("%s %d (%s)", name, t.Number, years),
				rank:  []string{name, fmt.Sprintf("%09d", t.Number)},
			}
		}
	case DimensionRegion:
		regions, err := client.Region.Query().Select(region.FieldID, region.FieldCode, region.FieldName).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("statistics by %s: query regions: %w", by, err)
		}
		for _, r := range regions {
			groups[string(r.ID)] = groupInfo{label: r.Name, rank: []string{r.Code}}
		}
	}

	sc := newScope(ds, f)
	ev := sc.evidence(signals)
	// keysOf returns the groups an item tied through seminar s falls in.
	keysOf := func(s Signal, item, sem pulid.ID) []string {
		row := ds.seminars[sem]
		switch by {
		case DimensionTerm:
			return []string{string(row.term)}
		case DimensionYear:
			return []string{strconv.Itoa(row.date.Year())}
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
	for _, s := range signals {
		si := s.index()
		for t, items := range ev.items[si] {
			for item, sems := range items {
				for _, sem := range sems {
					for _, k := range keysOf(s, item, sem) {
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
				}
			}
		}
	}

	out := make([]Bucket, 0, len(cells))
	for ck, c := range cells {
		b := Bucket{
			Key:            ck.key,
			ThemeID:        ds.themes[ck.theme].id,
			Outcomes:       len(c[SignalOutcome.index()]),
			Sessions:       len(c[SignalSession.index()]),
			Seminars:       len(c[SignalSeminar.index()]),
			Municipalities: len(c[SignalMunicipality.index()]),
		}
		switch {
		case ck.key == "" && by == DimensionTerm:
			b.Label = "(no term)"
		case ck.key == "" && by == DimensionRegion:
			b.Label = "(no region)"
		case by == DimensionYear:
			b.Label = ck.key
		default:
			b.Label = groups[ck.key].label
		}
		out = append(out, b)
	}
	rank := func(b Bucket) []string {
		if by == DimensionYear {
			return []string{fmt.Sprintf("%09s", b.Key)}
		}
		return groups[b.Key].rank
	}
	slug := func(id pulid.ID) string { return ds.themes[ds.themeIdx[id]].slug }
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Key == "") != (b.Key == "") {
			return b.Key == ""
		}
		if ra, rb := rank(a), rank(b); !equalStrings(ra, rb) {
			return lessStrings(ra, rb)
		}
		if a.Key != b.Key {
			return a.Key < b.Key
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
