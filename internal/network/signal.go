package network

import (
	"fmt"
	"time"

	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Signal is a kind of item two themes can share.
type Signal string

// The signals, in their canonical order.
const (
	// SignalOutcome: an outcome on both themes.
	SignalOutcome Signal = "OUTCOME"
	// SignalSession: a session on both themes.
	SignalSession Signal = "SESSION"
	// SignalSeminar: a seminar on both themes.
	SignalSeminar Signal = "SEMINAR"
	// SignalExpert: a person with expertise in, talks on or statements on both themes.
	SignalExpert Signal = "EXPERT"
	// SignalMunicipality: a municipality named by outcomes or seminars on both themes.
	SignalMunicipality Signal = "MUNICIPALITY"
	// SignalDocument: a document that discusses both themes.
	SignalDocument Signal = "DOCUMENT"
)

const numSignals = 6

// AllSignals lists every signal in canonical order.
var AllSignals = []Signal{SignalOutcome, SignalSession, SignalSeminar, SignalExpert, SignalMunicipality, SignalDocument}

// DefaultSignals are the signals that count when none are chosen: what the seminars
// discussed (statements, agenda items, the seminars' own themes). The other three
// measure something else: DOCUMENT how documents were tagged (in the seed knowledge one
// article tagged with 19 themes makes a 171-edge clique, and documents alone make most of
// the edges over all signals: see the README), EXPERT people's stated profiles as much as
// their talks, MUNICIPALITY where things happened. They count when asked for.
var DefaultSignals = []Signal{SignalOutcome, SignalSession, SignalSeminar}

// index returns the signal's position in AllSignals, or -1.
func (s Signal) index() int {
	for i, a := range AllSignals {
		if a == s {
			return i
		}
	}
	return -1
}

// Valid reports whether s is one of the signals.
func (s Signal) Valid() bool { return s.index() >= 0 }

// String implements fmt.Stringer.
func (s Signal) String() string { return string(s) }

// Chosen returns the signals that count for a choice: the chosen ones deduplicated in
// canonical order, or DefaultSignals when nil or empty. An unknown signal is an error.
func Chosen(signals []Signal) ([]Signal, error) { return normalizeSignals(signals) }

// normalizeSignals returns the chosen signals deduplicated in canonical order; nil or
// empty means DefaultSignals. An unknown signal is an error.
func normalizeSignals(signals []Signal) ([]Signal, error) {
	if len(signals) == 0 {
		return DefaultSignals, nil
	}
	var chosen [numSignals]bool
	for _, s := range signals {
		i := s.index()
		if i < 0 {
			return nil, fmt.Errorf("network: unknown signal %q", string(s))
		}
		chosen[i] = true
	}
	out := make([]Signal, 0, len(signals))
	for i, s := range AllSignals {
		if chosen[i] {
			out = append(out, s)
		}
	}
	return out, nil
}

// Filter restricts the evidence the network and the statistics count. The zero Filter
// counts everything. Each list holds alternatives; the fields combine with AND. See the
// package documentation for how each kind of item is dated and placed.
type Filter struct {
	// SeminarIDs keeps evidence from these seminars.
	SeminarIDs []pulid.ID
	// TermIDs keeps evidence from seminars of these network terms.
	TermIDs []pulid.ID
	// MunicipalityIDs keeps evidence that names one of these municipalities.
	MunicipalityIDs []pulid.ID
	// RegionIDs keeps evidence that names a municipality that belonged to one of these
	// regions on the date of the seminar.
	RegionIDs []pulid.ID
	// From keeps evidence from seminars held on or after this calendar date.
	From *time.Time
	// To keeps evidence from seminars held on or before this calendar date.
	To *time.Time
}

// IsZero reports whether the filter keeps everything.
func (f Filter) IsZero() bool { return !f.seminarScoped() && !f.placeScoped() }

// seminarScoped reports whether the filter selects seminars (by ID, term or date).
func (f Filter) seminarScoped() bool {
	return len(f.SeminarIDs) > 0 || len(f.TermIDs) > 0 || f.dated()
}

// dated reports whether the filter has a date range.
func (f Filter) dated() bool { return f.From != nil || f.To != nil }

// placeScoped reports whether the filter selects places.
func (f Filter) placeScoped() bool { return len(f.MunicipalityIDs) > 0 || len(f.RegionIDs) > 0 }

// inRange reports whether the calendar date d lies within [From, To].
func (f Filter) inRange(d time.Time) bool {
	d = calendar.Normalize(d)
	if f.From != nil && d.Before(calendar.Normalize(*f.From)) {
		return false
	}
	if f.To != nil && d.After(calendar.Normalize(*f.To)) {
		return false
	}
	return true
}

// idSet is a set of IDs.
type idSet map[pulid.ID]struct{}

func setOf(ids []pulid.ID) idSet {
	if len(ids) == 0 {
		return nil
	}
	s := make(idSet, len(ids))
	for _, id := range ids {
		s[id] = struct{}{}
	}
	return s
}

func (s idSet) has(id pulid.ID) bool {
	_, ok := s[id]
	return ok
}
