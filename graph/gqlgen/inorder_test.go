package main

import (
	"strings"
	"testing"
)

func TestInOrder(t *testing.T) {
	src := `package generated

type QueryResolver interface {
	Node(ctx context.Context, id pulid.ID) (ent.Noder, error)
}
type OutcomeResolver interface {
	Revisions(ctx context.Context, obj *ent.Outcome, first *int, after *string) (*model.RevisionConnection, error)
}
type MunicipalityResolver interface {
	ValidFromPrecision(ctx context.Context, obj *ent.Municipality) (*calendar.Precision, error)
	Revisions(ctx context.Context, obj *ent.Municipality, first *int, after *string) (*model.RevisionConnection, error)
}
type ThemeResolver interface {
	Related(ctx context.Context, obj *ent.Theme, first *int, signals []model.NetworkSignal) ([]*model.ThemeRelation, error)
	Revisions(ctx context.Context, obj *ent.Theme, first *int, after *string) (*model.RevisionConnection, error)
}

func (ec *executionContext) marshalNOutcomeEdge2ᚕᚖx(ctx context.Context) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)
	return ret
}

func (ec *executionContext) marshalOThemeEdge2ᚕᚖx(ctx context.Context) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)
	return ret
}

func (ec *executionContext) marshalNTheme2ᚕᚖx(ctx context.Context) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)
	return ret
}

func (ec *executionContext) marshalNMunicipality2ᚕᚖx(ctx context.Context) graphql.Marshaler {
	ret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, f)
	return ret
}
`
	out, n := inOrder(src)
	if n != 2 {
		t.Fatalf("replaced %d, want 2 (outcome edges, municipalities):\n%s", n, out)
	}
	for _, fn := range []string{"marshalNOutcomeEdge2", "marshalNMunicipality2"} {
		if !strings.Contains(body(out, fn), "marshalSliceInOrder(ctx") {
			t.Errorf("%s still concurrent", fn)
		}
	}
	for _, fn := range []string{"marshalOThemeEdge2", "marshalNTheme2"} {
		if !strings.Contains(body(out, fn), "graphql.MarshalSliceConcurrently(ctx") {
			t.Errorf("%s made sequential, though Theme has resolvers", fn)
		}
	}
}

// body returns the text of the function whose name starts with fn.
func body(src, fn string) string {
	i := strings.Index(src, fn)
	j := strings.Index(src[i:], "\n}\n")
	return src[i : i+j]
}
