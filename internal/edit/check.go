package edit

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	entschema "github.com/teemaverkko/teemaverkko/ent/schema"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
)

// Use registers on c the checks that creates and updates through the API need beyond
// ent's field validators, so that each failure is a client error naming the input field
// instead of a database error. In this order, the cheap ones first:
//
//   - the fields' validators (ent's own, which would otherwise run only after the
//     checks below), and every string of a list field (a session's questions) within
//     its length limit;
//   - an outcome cites at least one source (see OutcomeSources);
//   - the ID an update or delete names is of the mutation's type (VALIDATION on "id",
//     not NOT_FOUND: the client sent the wrong kind of ID, not a stale one);
//   - every ID a mutation links to is the ID of an object of the edge's type
//     (VALIDATION) that exists (NOT_FOUND), checked with one query per edge;
//   - the rules between fields and objects (see rules.go): an end not before its
//     start, no cycle in the theme hierarchy, an outcome's session in its seminar.
//
// The checks are driven by the schemas: the limits by ent/schema's declarations, the
// edges by ent.EdgeRefs (generated from the schemas' edges). Register them once per
// client; transactions opened from it share them.
func Use(c *ent.Client) {
	c.Use(checkFields)
	c.Outcome.Use(checkOutcomeSources)
	c.Use(checkTarget)
	c.Use(checkReferences)
	c.Use(checkRules)
}

// MinOutcomeSources is the number of sources an outcome cites at least: the knowledge
// base states nothing that no document states.
const MinOutcomeSources = 1

var errNoSource = errors.New("an outcome must cite at least one source")

// OutcomeSources checks the number of sources an outcome would cite. It is the one
// statement of the rule: the API's createOutcome and updateOutcome (through Use),
// deleteDocument and the bundle validator all ask it.
func OutcomeSources(n int) error {
	if n < MinOutcomeSources {
		return errNoSource
	}
	return nil
}

type resolvedKey struct{}

// ReferencesResolved returns a context whose writes skip the reference check of Use:
// for a caller that has resolved every reference itself (a bundle import resolves them
// by natural key, one query per table, and would otherwise pay one more per edge of
// every object it writes).
func ReferencesResolved(ctx context.Context) context.Context {
	return context.WithValue(ctx, resolvedKey{}, true)
}

const writes = ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne

// checkFields runs the validators of the fields a mutation sets, and checks every string
// of a list field against the field's limit.
func checkFields(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Op().Is(writes) {
			if err := ent.ValidateFields(m); err != nil {
				return nil, err
			}
			for _, f := range entschema.StringFields(m.Type()) {
				if !f.List || f.Max == 0 {
					continue
				}
				v, _ := m.Field(f.Name)
				list, _ := v.([]string)
				for i, s := range list {
					if err := entschema.CheckString(s, f.Max); err != nil {
						name := apierr.FieldName(f.Name)
						return nil, apierr.Validationf(name, "%s[%d]: %v", name, i, err)
					}
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// checkReferences checks the IDs a create or update links to and unlinks.
func checkReferences(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Op().Is(writes) && ctx.Value(resolvedKey{}) == nil {
			if err := checkReferenceIDs(ctx, m); err != nil {
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}

// checkReferenceIDs checks, for every edge a mutation adds to, that each ID is of the
// edge's type (else VALIDATION) and names an object that exists (else NOT_FOUND, one
// query per edge), and, for every edge it removes from, that each ID is of the edge's
// type. Errors name the input field of the API's mutation ("seminarID", "themeIDs",
// "addThemeIDs", "removeThemeIDs").
func checkReferenceIDs(ctx context.Context, m ent.Mutation) error {
	refs := ent.EdgeRefs[m.Type()]
	create := m.Op().Is(ent.OpCreate)
	for _, name := range m.RemovedEdges() {
		ref, ok := refs[name]
		if !ok {
			continue
		}
		if _, err := ofType(ref.RemoveField, ref, m.RemovedIDs(name)); err != nil {
			return err
		}
	}
	client, ok := m.(interface{ Client() *ent.Client })
	if !ok {
		return fmt.Errorf("edit: %s mutation has no client", m.Type())
	}
	for _, name := range m.AddedEdges() {
		ref, ok := refs[name]
		if !ok {
			continue
		}
		field := ref.AddField
		if create {
			field = ref.CreateField
		}
		ids, err := ofType(field, ref, m.AddedIDs(name))
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			continue
		}
		found, err := client.Client().ExistingIDs(ctx, ref.Type, ids)
		if err != nil {
			return fmt.Errorf("edit: look up %s IDs of %s: %w", ref.Type, field, err)
		}
		for _, id := range ids {
			if !slices.Contains(found, id) {
				return apierr.NotFoundf(field, "%s: no %s has the ID %s", field, ref.Type, id)
			}
		}
	}
	return nil
}

// ofType returns the IDs, each once, or a VALIDATION error for the first that is not of
// the edge's type.
func ofType(field string, ref ent.EdgeRef, values []ent.Value) ([]pulid.ID, error) {
	ids := make([]pulid.ID, 0, len(values))
	for _, v := range values {
		id, _ := v.(pulid.ID)
		if id.Prefix() != ref.Prefix {
			got := "an ID of no known type"
			if typ, ok := ent.TypeOfPrefix[id.Prefix()]; ok {
				got = article(typ) + " " + typ + " ID"
			}
			return nil, apierr.Validationf(field, "%s: must be the ID of %s %s, got %s", field, article(ref.Type), ref.Type, got)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// article is the indefinite article of a type name.
func article(typ string) string {
	switch typ[0] {
	case 'A', 'E', 'I', 'O', 'U':
		return "an"
	}
	return "a"
}

// checkOutcomeSources refuses a create of an outcome without sources, and an update that
// would leave one without (clearSources, or removing the last).
func checkOutcomeSources(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, mut ent.Mutation) (ent.Value, error) {
		m, ok := mut.(*ent.OutcomeMutation)
		if !ok {
			return next.Mutate(ctx, mut)
		}
		ref := ent.EdgeRefs[ent.TypeOutcome][outcome.EdgeSources]
		switch {
		case m.Op().Is(ent.OpCreate):
			if err := OutcomeSources(len(m.SourcesIDs())); err != nil {
				return nil, apierr.Validationf(ref.CreateField, "%s: %v", ref.CreateField, err)
			}
		case m.Op().Is(ent.OpUpdateOne) && (m.SourcesCleared() || len(m.RemovedSourcesIDs()) > 0):
			id, _ := m.ID()
			old, err := m.Client().Outcome.Query().Where(outcome.ID(id)).WithSources().Only(ctx)
			if ent.IsNotFound(err) {
				break // the update answers NOT_FOUND
			}
			if err != nil {
				return nil, fmt.Errorf("edit: load sources of outcome %s: %w", id, err)
			}
			var left []pulid.ID
			if !m.SourcesCleared() {
				for _, d := range old.Edges.Sources {
					if !slices.Contains(m.RemovedSourcesIDs(), d.ID) {
						left = append(left, d.ID)
					}
				}
			}
			for _, id := range m.SourcesIDs() {
				if !slices.Contains(left, id) {
					left = append(left, id)
				}
			}
			if err := OutcomeSources(len(left)); err != nil {
				field := ref.RemoveField
				if m.SourcesCleared() {
					field = ref.ClearField
				}
				return nil, apierr.Validationf(field, "%s: %v; add another before removing the last", field, err)
			}
		}
		return next.Mutate(ctx, m)
	})
}

// checkTarget refuses an update or delete of one object whose ID is of another type.
func checkTarget(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne) {
			if withID, ok := m.(interface{ ID() (pulid.ID, bool) }); ok {
				if id, ok := withID.ID(); ok {
					if err := targetOfType(id, m.Type()); err != nil {
						return nil, err
					}
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// targetOfType returns a VALIDATION error on "id" when id is not the ID of a typ.
func targetOfType(id pulid.ID, typ string) error {
	got, ok := ent.TypeOfPrefix[id.Prefix()]
	if ok && got == typ {
		return nil
	}
	what := "an ID of no known type"
	if ok {
		what = article(got) + " " + got + " ID"
	}
	return apierr.Validationf("id", "id: must be the ID of %s %s, got %s", article(typ), typ, what)
}
