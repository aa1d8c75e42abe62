package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// conditionsDefined refuses an operation whose @include or @skip condition is not a
// boolean once its variables are known: a nullable variable with a default may stand
// where Boolean! is expected, and a client may still send it as null. gqlgen's field
// collection panics on such a condition (and every extension that collects fields
// first would too), so it is refused first, as the client's mistake.
type conditionsDefined struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = conditionsDefined{}

func (conditionsDefined) ExtensionName() string                   { return "ConditionsDefined" }
func (conditionsDefined) Validate(graphql.ExecutableSchema) error { return nil }

func (conditionsDefined) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	check := func(dirs ast.DirectiveList) *gqlerror.Error {
		for _, d := range dirs {
			if d.Name != "include" && d.Name != "skip" {
				continue
			}
			if _, ok := d.ArgumentMap(oc.Variables)["if"].(bool); !ok {
				err := gqlerror.Errorf("the condition of @%s must be true or false, not null", d.Name)
				err.Extensions = map[string]any{"code": errcode.BadInput, "field": "if"}
				return err
			}
		}
		return nil
	}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) *gqlerror.Error
	walk = func(set ast.SelectionSet) *gqlerror.Error {
		for _, sel := range set {
			var err *gqlerror.Error
			switch s := sel.(type) {
			case *ast.Field:
				if err = check(s.Directives); err == nil {
					err = walk(s.SelectionSet)
				}
			case *ast.InlineFragment:
				if err = check(s.Directives); err == nil {
					err = walk(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if err = check(s.Directives); err == nil && !seen[s.Name] {
					seen[s.Name] = true
					if f := oc.Doc.Fragments.ForName(s.Name); f != nil {
						err = walk(f.SelectionSet)
					}
				}
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if oc.Operation == nil {
		return nil
	}
	return walk(oc.Operation.SelectionSet)
}
