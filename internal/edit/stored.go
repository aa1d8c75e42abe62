package edit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/municipalityperiod"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/predicate"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/termmembership"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/timeline"
)

// CheckStored holds the stored knowledge base to the rules between objects that the
// mutations' hooks keep (checkRules, OutcomeSources), for a write that bypasses them: a
// restore writes an object's past state with its own SQL, and the past state may not fit
// what was written since (a parent that became a descendant, the one source of an
// outcome deleted since, a session moved to another seminar). Run in the writing
// transaction after the write, it reads the whole knowledge base in six statements (the
// rules are global: a restored theme's children or a restored document's outcomes change
// too) and refuses the first rule broken with BAD_USER_INPUT on field, naming the rule,
// the objects and what to do first. what says what was written ("restoring Theme th01…
// as of version 12").
func CheckStored(ctx context.Context, client *ent.Client, field, what string) error {
	refuse := func(format string, args ...any) error {
		return apierr.BadInputf(field, "%s would break a rule: %s", what, fmt.Sprintf(format, args...))
	}
	// An outcome cites at least one source.
	if id, err := client.Outcome.Query().Where(outcome.Not(outcome.HasSources())).FirstID(ctx); err == nil {
		return refuse("outcome %s would cite no source; give it a source first", id)
	} else if !ent.IsNotFound(err) {
		return fmt.Errorf("edit: check outcome sources: %w", err)
	}
	// An outcome's session is of the outcome's seminar.
	if id, err := client.Outcome.Query().Where(func(s *sql.Selector) {
		t := sql.Table(session.Table)
		s.Join(t).On(s.C(outcome.FieldSessionID), t.C(session.FieldID)).
			Where(sql.ColumnsNEQ(s.C(outcome.FieldSeminarID), t.C(session.FieldSeminarID)))
	}).FirstID(ctx); err == nil {
		return refuse("outcome %s would be in another seminar than its session; move or detach the session first", id)
	} else if !ent.IsNotFound(err) {
		return fmt.Errorf("edit: check outcome sessions: %w", err)
	}
	// An appearance is anchored once, as its role says.
	inSession := []appearance.Role{appearance.RoleSPEAKER, appearance.RoleMODERATOR}
	if id, err := client.Appearance.Query().Where(appearance.Or(
		appearance.And(appearance.RoleIn(inSession...), appearance.Or(appearance.SessionIDIsNil(), appearance.DocumentIDNotNil())),
		appearance.And(appearance.RoleNotIn(inSession...), appearance.Or(appearance.DocumentIDIsNil(), appearance.SessionIDNotNil())),
	)).FirstID(ctx); err == nil {
		return refuse("appearance %s would not be anchored as its role says (a speaker or moderator in one session, any other role in one document)", id)
	} else if !ent.IsNotFound(err) {
		return fmt.Errorf("edit: check appearance anchors: %w", err)
	}
	// A membership names a municipality of its term.
	if m, err := client.TermMembership.Query().Where(func(s *sql.Selector) {
		t := sql.Table(networkterm.MunicipalitiesTable)
		s.Where(sql.Not(sql.Exists(sql.Select(t.C(networkterm.MunicipalitiesPrimaryKey[0])).From(t).Where(sql.And(
			sql.ColumnsEQ(t.C(networkterm.MunicipalitiesPrimaryKey[0]), s.C(termmembership.FieldTermID)),
			sql.ColumnsEQ(t.C(networkterm.MunicipalitiesPrimaryKey[1]), s.C(termmembership.FieldMunicipalityID)),
		)))))
	}).First(ctx); err == nil {
		return refuse("membership %s names municipality %s, which term %s no longer lists; add it to the term (addMunicipalityIDs) first", m.ID, m.MunicipalityID, m.TermID)
	} else if !ent.IsNotFound(err) {
		return fmt.Errorf("edit: check term memberships: %w", err)
	}
	// No cycle in the theme hierarchy.
	themes, err := client.Theme.Query().Select(theme.FieldID, theme.FieldParentID).All(ctx)
	if err != nil {
		return fmt.Errorf("edit: read the theme hierarchy: %w", err)
	}
	if cycle := themeCycle(themes); cycle != nil {
		return refuse("the theme hierarchy would have a cycle (%s); change the parents first", strings.Join(cycle, " → "))
	}
	// A municipality's periods share no day.
	periods, err := client.MunicipalityPeriod.Query().
		Select(municipalityperiod.FieldID, municipalityperiod.FieldMunicipalityID, municipalityperiod.FieldValidFrom, municipalityperiod.FieldValidTo).
		All(ctx)
	if err != nil {
		return fmt.Errorf("edit: read municipality periods: %w", err)
	}
	if a, b := overlappingPeriods(periods); a != "" {
		return refuse("municipality periods %s and %s would share days; change the periods' dates first", a, b)
	}
	return nil
}

// themeCycle returns the IDs around a cycle of parents, the first repeated, or nil.
func themeCycle(themes []*ent.Theme) []string {
	parent := make(map[pulid.ID]pulid.ID, len(themes))
	for _, t := range themes {
		if t.ParentID != nil {
			parent[t.ID] = *t.ParentID
		}
	}
	done := map[pulid.ID]bool{} // known to reach a root
	for _, t := range themes {
		onPath := map[pulid.ID]bool{}
		var path []pulid.ID
		for id := t.ID; id != "" && !done[id]; id = parent[id] {
			if onPath[id] {
				start := slices.Index(path, id)
				out := make([]string, 0, len(path)-start+1)
				for _, p := range path[start:] {
					out = append(out, string(p))
				}
				return append(out, string(id))
			}
			onPath[id] = true
			path = append(path, id)
		}
		for _, id := range path {
			done[id] = true
		}
	}
	return nil
}

// overlappingPeriods returns two periods of one municipality that share a day, or "".
func overlappingPeriods(periods []*ent.MunicipalityPeriod) (pulid.ID, pulid.ID) {
	byMunicipality := map[pulid.ID][]*ent.MunicipalityPeriod{}
	for _, p := range periods {
		byMunicipality[p.MunicipalityID] = append(byMunicipality[p.MunicipalityID], p)
	}
	from := func(p *ent.MunicipalityPeriod) time.Time {
		if p.ValidFrom == nil {
			return time.Time{}
		}
		return *p.ValidFrom
	}
	for _, ps := range byMunicipality {
		slices.SortFunc(ps, func(a, b *ent.MunicipalityPeriod) int { return from(a).Compare(from(b)) })
		for i := 1; i < len(ps); i++ {
			prev := ps[i-1]
			if prev.ValidTo == nil || !prev.ValidTo.Before(from(ps[i])) {
				return prev.ID, ps[i].ID
			}
		}
	}
	return "", ""
}

// Restored brings what depends on a restored object up to date and holds the result to
// the rules (CheckStored, field "id"): the derived dates of the appearances it anchors or
// dates (a seminar's, a session's, a document's, its own), which the past state would
// otherwise carry from then.
func Restored(ctx context.Context, client *ent.Client, id pulid.ID, version int) error {
	var where predicate.Appearance
	switch ent.TypeOfPrefix[id.Prefix()] {
	case ent.TypeAppearance:
		where = appearance.ID(id)
	case ent.TypeSession:
		where = appearance.SessionID(id)
	case ent.TypeSeminar:
		where = appearance.HasSessionWith(session.SeminarID(id))
	case ent.TypeDocument:
		where = appearance.DocumentID(id)
	}
	if where != nil {
		if _, err := timeline.Refresh(ctx, client, where); err != nil {
			return fmt.Errorf("edit: restore: %w", err)
		}
	}
	return CheckStored(ctx, client, "id", fmt.Sprintf("restoring %s as of version %d", id, version))
}
