package edit

import (
	"context"
	"fmt"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/municipalityperiod"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
)

// The rules below hold between fields or objects, where no single field's validator
// can see them. The bundle validator states the same rules for bundles (a term ending
// before it starts, a theme that is its own ancestor); these hooks hold them for writes
// through the API, where an update may change one side of a pair and the other side is
// in the database.

// ordered is a pair of fields of one type whose first may not come after its second.
type ordered struct {
	typ, from, to string
}

var orderedFields = []ordered{
	{ent.TypeMunicipality, municipality.FieldValidFrom, municipality.FieldValidTo},
	{ent.TypeMunicipalityPeriod, municipalityperiod.FieldValidFrom, municipalityperiod.FieldValidTo},
	{ent.TypeNetworkTerm, networkterm.FieldStartYear, networkterm.FieldEndYear},
}

// maxThemeDepth bounds the walk up a theme's ancestors when a parent is set: deeper
// chains are refused rather than followed without end.
const maxThemeDepth = 64

// checkRules holds the rules between fields and objects for creates and updates of one
// object.
func checkRules(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
			for _, o := range orderedFields {
				if o.typ == m.Type() {
					if err := checkOrder(ctx, m, o); err != nil {
						return nil, err
					}
				}
			}
			switch mut := m.(type) {
			case *ent.ThemeMutation:
				if err := checkThemeParent(ctx, mut); err != nil {
					return nil, err
				}
			case *ent.OutcomeMutation:
				if err := checkOutcomeSession(ctx, mut); err != nil {
					return nil, err
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// value is a field's value after the mutation: the one it sets, none when it clears
// the field, else (on an update) the stored one.
func value(ctx context.Context, m ent.Mutation, name string) (ent.Value, error) {
	if v, ok := m.Field(name); ok {
		return v, nil
	}
	if m.FieldCleared(name) || !m.Op().Is(ent.OpUpdateOne) {
		return nil, nil
	}
	v, err := m.OldField(ctx, name)
	if ent.IsNotFound(err) {
		return nil, nil // the update itself answers NOT_FOUND
	}
	if err != nil {
		return nil, fmt.Errorf("edit: load %s.%s: %w", m.Type(), name, err)
	}
	return v, nil
}

// checkOrder refuses a pair of fields whose first comes after its second, naming the
// second (the one a client usually gets wrong: an end before the start).
func checkOrder(ctx context.Context, m ent.Mutation, o ordered) error {
	if _, set := m.Field(o.from); !set {
		if _, set := m.Field(o.to); !set {
			return nil
		}
	}
	from, err := value(ctx, m, o.from)
	if err != nil {
		return err
	}
	to, err := value(ctx, m, o.to)
	if err != nil {
		return err
	}
	field := apierr.FieldName(o.to)
	switch f := deref(from).(type) {
	case time.Time:
		if t, ok := deref(to).(time.Time); ok && t.Before(f) {
			return apierr.Validationf(field, "%s: %s is before %s %s", field, t.Format(time.DateOnly), apierr.FieldName(o.from), f.Format(time.DateOnly))
		}
	case int:
		if t, ok := deref(to).(int); ok && t < f {
			return apierr.Validationf(field, "%s: %d is before %s %d", field, t, apierr.FieldName(o.from), f)
		}
	}
	return nil
}

// deref returns what a pointer points to (old values of nillable fields are pointers),
// or nil for a nil pointer.
func deref(v ent.Value) ent.Value {
	switch p := v.(type) {
	case *time.Time:
		if p == nil {
			return nil
		}
		return *p
	case *int:
		if p == nil {
			return nil
		}
		return *p
	}
	return v
}

// checkThemeParent refuses a parent that is the theme itself or one of its descendants
// (a cycle in the hierarchy), and children that are the theme or one of its ancestors.
func checkThemeParent(ctx context.Context, m *ent.ThemeMutation) error {
	self, hasID := m.ID()
	if !hasID {
		return nil // a new theme has no descendants yet
	}
	client := m.Client()
	if parent, ok := m.ParentID(); ok {
		if parent == self {
			return apierr.Validationf("parentID", "parentID: a theme cannot be its own parent")
		}
		if err := notAncestor(ctx, client, self, parent, "parentID"); err != nil {
			return err
		}
	}
	for _, child := range m.ChildrenIDs() {
		if child == self {
			return apierr.Validationf("addChildIDs", "addChildIDs: a theme cannot be its own child")
		}
		if err := notAncestor(ctx, client, child, self, "addChildIDs"); err != nil {
			return err
		}
	}
	return nil
}

// notAncestor refuses when node is one of start's ancestors: making start (or a
// descendant of it) the parent of node would close a cycle.
func notAncestor(ctx context.Context, client *ent.Client, node, start pulid.ID, field string) error {
	cur := start
	for range maxThemeDepth {
		t, err := client.Theme.Query().Where(theme.ID(cur)).Select(theme.FieldParentID).Only(ctx)
		if ent.IsNotFound(err) {
			return nil // the reference check answers NOT_FOUND
		}
		if err != nil {
			return fmt.Errorf("edit: load the parent of theme %s: %w", cur, err)
		}
		if t.ParentID == nil {
			return nil
		}
		if *t.ParentID == node {
			return apierr.Validationf(field, "%s: the theme %s is already below %s; the hierarchy cannot have a cycle", field, start, node)
		}
		cur = *t.ParentID
	}
	return apierr.Validationf(field, "%s: the hierarchy above %s is deeper than %d levels", field, start, maxThemeDepth)
}

// checkOutcomeSession refuses an outcome whose session belongs to another seminar than
// the outcome's own.
func checkOutcomeSession(ctx context.Context, m *ent.OutcomeMutation) error {
	_, setSeminar := m.SeminarID()
	_, setSession := m.SessionID()
	if !setSeminar && !setSession {
		return nil
	}
	sem, err := value(ctx, m, outcome.FieldSeminarID)
	if err != nil {
		return err
	}
	ses, err := value(ctx, m, outcome.FieldSessionID)
	if err != nil {
		return err
	}
	seminarID, _ := derefID(sem)
	sessionID, ok := derefID(ses)
	if !ok || seminarID == "" {
		return nil
	}
	s, err := m.Client().Session.Query().Where(session.ID(sessionID)).Select(session.FieldSeminarID).Only(ctx)
	if ent.IsNotFound(err) {
		return nil // the reference check answers NOT_FOUND
	}
	if err != nil {
		return fmt.Errorf("edit: load the seminar of session %s: %w", sessionID, err)
	}
	if s.SeminarID != seminarID {
		return apierr.Validationf("sessionID", "sessionID: the session %s belongs to another seminar than the outcome's (%s)", sessionID, seminarID)
	}
	return nil
}

// derefID returns an ID value, plain or through a pointer.
func derefID(v ent.Value) (pulid.ID, bool) {
	switch id := v.(type) {
	case pulid.ID:
		return id, id != ""
	case *pulid.ID:
		if id != nil {
			return *id, *id != ""
		}
	}
	return "", false
}
