package network

import (
	"sort"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// witnessed maps an item tied to a theme to the seminars through which it is tied
// (empty for undated ties: stated expertise, documents).
type witnessed map[pulid.ID][]pulid.ID

// add records that item is tied through seminar s ("" for none).
func (w witnessed) add(item, s pulid.ID) {
	seen := w[item]
	if s == "" {
		if _, ok := w[item]; !ok {
			w[item] = nil
		}
		return
	}
	for _, x := range seen {
		if x == s {
			return
		}
	}
	w[item] = append(seen, s)
}

// evidence is what ties items to themes under a filter: for each signal and each theme
// (by index into dataset.themes), the items and the seminars they are tied through.
type evidence struct {
	items [numSignals]map[int]witnessed
}

func (ev *evidence) add(s Signal, t int, item, seminar pulid.ID) {
	i := s.index()
	if ev.items[i] == nil {
		ev.items[i] = map[int]witnessed{}
	}
	w := ev.items[i][t]
	if w == nil {
		w = witnessed{}
		ev.items[i][t] = w
	}
	w.add(item, seminar)
}

// count returns how many items of signal s are tied to theme t.
func (ev *evidence) count(s Signal, t int) int { return len(ev.items[s.index()][t]) }

// scope evaluates a filter over a dataset, with the indexes it needs.
type scope struct {
	ds *dataset
	f  Filter
	// witness makes the evidence record the seminars each item is tied through (for
	// StatsBy, which groups by them); without it they are left out.
	witness bool

	seminarIDs, termIDs, municipalityIDs, regionIDs idSet

	// The indexes are built from the links on first use: a build makes only those its
	// signals and filter read.
	outcomeSeminar, sessionSeminar               lazy[pulid.ID]
	outcomeMunicipalities, seminarMunicipalities lazy[[]pulid.ID]
	outcomesOfSeminar, outcomesOfSession         lazy[[]pulid.ID]
	themesOfOutcome, themesOfSession             lazy[[]int]
	themesOfSeminar                              lazy[[]int]

	seminarOK, outcomeOK, sessionOK, seminarItemOK map[pulid.ID]bool
}

// lazy is an index by ID, built on first use.
type lazy[V any] struct {
	m     map[pulid.ID]V
	build func() map[pulid.ID]V
}

// get returns the value of id, building the index the first time.
func (z *lazy[V]) get(id pulid.ID) V {
	if z.m == nil {
		z.m = z.build()
	}
	return z.m[id]
}

func newScope(ds *dataset, f Filter) *scope {
	sc := &scope{
		ds: ds, f: f,
		seminarIDs:      setOf(f.SeminarIDs),
		termIDs:         setOf(f.TermIDs),
		municipalityIDs: setOf(f.MunicipalityIDs),
		regionIDs:       setOf(f.RegionIDs),
		seminarOK:       map[pulid.ID]bool{},
		outcomeOK:       map[pulid.ID]bool{},
		sessionOK:       map[pulid.ID]bool{},
		seminarItemOK:   map[pulid.ID]bool{},
	}
	l := ds.links
	pairs := func(k linkKind) func() map[pulid.ID]pulid.ID {
		return func() map[pulid.ID]pulid.ID { return pairMap(l[k]) }
	}
	multi := func(k linkKind, reversed bool) func() map[pulid.ID][]pulid.ID {
		return func() map[pulid.ID][]pulid.ID { return multiMap(l[k], reversed) }
	}
	themes := func(k linkKind) func() map[pulid.ID][]int {
		return func() map[pulid.ID][]int { return sc.themeMap(l[k]) }
	}
	sc.outcomeSeminar.build = pairs(lkOutcomeSeminar)
	sc.sessionSeminar.build = pairs(lkSessionSeminar)
	sc.outcomeMunicipalities.build = multi(lkOutcomeMunicipality, false)
	sc.seminarMunicipalities.build = multi(lkSeminarMunicipality, false)
	sc.outcomesOfSeminar.build = multi(lkOutcomeSeminar, true)
	sc.outcomesOfSession.build = multi(lkOutcomeSession, true)
	sc.themesOfOutcome.build = themes(lkOutcomeTheme)
	sc.themesOfSession.build = themes(lkSessionTheme)
	sc.themesOfSeminar.build = themes(lkSeminarTheme)
	return sc
}

func pairMap(pairs [][2]pulid.ID) map[pulid.ID]pulid.ID {
	m := make(map[pulid.ID]pulid.ID, len(pairs))
	for _, p := range pairs {
		m[p[0]] = p[1]
	}
	return m
}

// multiMap maps left to rights (or, reversed, right to lefts).
func multiMap(pairs [][2]pulid.ID, reversed bool) map[pulid.ID][]pulid.ID {
	m := make(map[pulid.ID][]pulid.ID)
	for _, p := range pairs {
		if reversed {
			m[p[1]] = append(m[p[1]], p[0])
		} else {
			m[p[0]] = append(m[p[0]], p[1])
		}
	}
	return m
}

// themeMap maps an item to the indexes of its themes (pairs are item, theme).
func (sc *scope) themeMap(pairs [][2]pulid.ID) map[pulid.ID][]int {
	m := make(map[pulid.ID][]int)
	for _, p := range pairs {
		if t, ok := sc.ds.themeIdx[p[1]]; ok {
			m[p[0]] = append(m[p[0]], t)
		}
	}
	return m
}

// passSeminar reports whether the seminar passes the seminar, term and date filters.
func (sc *scope) passSeminar(s pulid.ID) bool {
	if !sc.f.seminarScoped() {
		return true
	}
	return memo(sc.seminarOK, s, func() bool {
		row, found := sc.ds.seminars[s]
		return found &&
			(sc.seminarIDs == nil || sc.seminarIDs.has(s)) &&
			(sc.termIDs == nil || sc.termIDs.has(row.term)) &&
			sc.f.inRange(row.date)
	})
}

// municipalityMatches reports whether municipality m, named at seminar s, matches the
// place filter: it is one of the municipalities and belonged to one of the regions on
// the seminar's date.
func (sc *scope) municipalityMatches(m, s pulid.ID) bool {
	if sc.municipalityIDs != nil && !sc.municipalityIDs.has(m) {
		return false
	}
	if sc.regionIDs != nil {
		row, ok := sc.ds.seminars[s]
		if !ok || !sc.regionIDs.has(sc.ds.regionOn(m, row.date)) {
			return false
		}
	}
	return true
}

// placeMatches reports whether any of the municipalities matches the place filter.
func (sc *scope) placeMatches(ms []pulid.ID, s pulid.ID) bool {
	if !sc.f.placeScoped() {
		return true
	}
	for _, m := range ms {
		if sc.municipalityMatches(m, s) {
			return true
		}
	}
	return false
}

// outcomePlace is the municipalities an outcome names.
func (sc *scope) outcomePlace(o pulid.ID) []pulid.ID { return sc.outcomeMunicipalities.get(o) }

// seminarPlace is the municipalities a seminar and its outcomes name.
func (sc *scope) seminarPlace(s pulid.ID) []pulid.ID {
	out := append([]pulid.ID(nil), sc.seminarMunicipalities.get(s)...)
	for _, o := range sc.outcomesOfSeminar.get(s) {
		out = append(out, sc.outcomeMunicipalities.get(o)...)
	}
	return out
}

// sessionPlace is the municipalities a session's outcomes and its seminar name.
func (sc *scope) sessionPlace(ss pulid.ID) []pulid.ID {
	out := append([]pulid.ID(nil), sc.seminarMunicipalities.get(sc.sessionSeminar.get(ss))...)
	for _, o := range sc.outcomesOfSession.get(ss) {
		out = append(out, sc.outcomeMunicipalities.get(o)...)
	}
	return out
}

// memo returns cache[id], computing it with fn the first time.
func memo(cache map[pulid.ID]bool, id pulid.ID, fn func() bool) bool {
	if ok, seen := cache[id]; seen {
		return ok
	}
	ok := fn()
	cache[id] = ok
	return ok
}

// passOutcome reports whether an outcome counts under the filter.
func (sc *scope) passOutcome(o pulid.ID) bool {
	if sc.f.IsZero() {
		return true
	}
	return memo(sc.outcomeOK, o, func() bool {
		s := sc.outcomeSeminar.get(o)
		return sc.passSeminar(s) && sc.placeMatches(sc.outcomePlace(o), s)
	})
}

// passSession reports whether a session counts under the filter.
func (sc *scope) passSession(ss pulid.ID) bool {
	if sc.f.IsZero() {
		return true
	}
	return memo(sc.sessionOK, ss, func() bool {
		s := sc.sessionSeminar.get(ss)
		return sc.passSeminar(s) && (!sc.f.placeScoped() || sc.placeMatches(sc.sessionPlace(ss), s))
	})
}

// passSeminarItem reports whether a seminar counts under the filter.
func (sc *scope) passSeminarItem(s pulid.ID) bool {
	if sc.f.IsZero() {
		return true
	}
	return memo(sc.seminarItemOK, s, func() bool {
		return sc.passSeminar(s) && (!sc.f.placeScoped() || sc.placeMatches(sc.seminarPlace(s), s))
	})
}

// passDocument reports whether a document's ties count under the filter.
func (sc *scope) passDocument(d pulid.ID) bool {
	f := sc.f
	if len(f.SeminarIDs) > 0 || len(f.TermIDs) > 0 || f.placeScoped() {
		return false
	}
	if !f.dated() {
		return true
	}
	date := sc.ds.docDates[d]
	return date != nil && f.inRange(*date)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[pulid.ID]V) []pulid.ID {
	keys := make([]pulid.ID, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// evidence computes, for the chosen signals, which items are tied to which themes
// under the filter.
func (sc *scope) evidence(signals []Signal) *evidence {
	ev := &evidence{}
	l := sc.ds.links
	theme := func(id pulid.ID) (int, bool) {
		t, ok := sc.ds.themeIdx[id]
		return t, ok
	}
	// seminarOf is the seminar an item is tied through, when the evidence records them.
	seminarOf := func(z *lazy[pulid.ID], id pulid.ID) pulid.ID {
		if !sc.witness {
			return ""
		}
		return z.get(id)
	}
	witness := func(sem pulid.ID) pulid.ID {
		if !sc.witness {
			return ""
		}
		return sem
	}
	for _, s := range signals {
		switch s {
		case SignalOutcome:
			for _, p := range l[lkOutcomeTheme] {
				if t, ok := theme(p[1]); ok && sc.passOutcome(p[0]) {
					ev.add(s, t, p[0], seminarOf(&sc.outcomeSeminar, p[0]))
				}
			}
		case SignalSession:
			for _, p := range l[lkSessionTheme] {
				if t, ok := theme(p[1]); ok && sc.passSession(p[0]) {
					ev.add(s, t, p[0], seminarOf(&sc.sessionSeminar, p[0]))
				}
			}
		case SignalSeminar:
			for _, p := range l[lkSeminarTheme] {
				if t, ok := theme(p[1]); ok && sc.passSeminarItem(p[0]) {
					ev.add(s, t, p[0], witness(p[0]))
				}
			}
		case SignalExpert:
			if sc.f.IsZero() {
				for _, p := range l[lkExpertTheme] {
					if t, ok := theme(p[1]); ok {
						ev.add(s, t, p[0], "")
					}
				}
			}
			for _, p := range l[lkSessionSpeaker] {
				if !sc.passSession(p[0]) {
					continue
				}
				for _, t := range sc.themesOfSession.get(p[0]) {
					ev.add(s, t, p[1], seminarOf(&sc.sessionSeminar, p[0]))
				}
			}
			for _, p := range l[lkOutcomeExpert] {
				if !sc.passOutcome(p[0]) {
					continue
				}
				for _, t := range sc.themesOfOutcome.get(p[0]) {
					ev.add(s, t, p[1], seminarOf(&sc.outcomeSeminar, p[0]))
				}
			}
		case SignalMunicipality:
			for _, p := range l[lkOutcomeMunicipality] {
				o, m := p[0], p[1]
				if !sc.passOutcome(o) {
					continue
				}
				var sem pulid.ID
				if sc.witness || sc.f.placeScoped() {
					sem = sc.outcomeSeminar.get(o)
				}
				if sc.f.placeScoped() && !sc.municipalityMatches(m, sem) {
					continue
				}
				for _, t := range sc.themesOfOutcome.get(o) {
					ev.add(s, t, m, witness(sem))
				}
			}
			for _, p := range l[lkSeminarMunicipality] {
				sem, m := p[0], p[1]
				if !sc.passSeminarItem(sem) || (sc.f.placeScoped() && !sc.municipalityMatches(m, sem)) {
					continue
				}
				for _, t := range sc.themesOfSeminar.get(sem) {
					ev.add(s, t, m, witness(sem))
				}
			}
		case SignalDocument:
			for _, p := range l[lkDocumentTheme] {
				if t, ok := theme(p[1]); ok && sc.passDocument(p[0]) {
					ev.add(s, t, p[0], "")
				}
			}
		}
	}
	return ev
}
