package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// conditionsDefined refuses an operation that sends null where the schema requires a
// value: a nullable variable with a default may stand where a non-null type is expected
// (an @include or @skip condition, an order field, an input's required field), and a
// client may still send it as null. gqlgen lets such a null through, and its field
// collection then panics on a condition (as would every extension that collects fields
// first) and resolvers get a nil they were promised never to see; so it is refused first,
// as the client's mistake, naming the argument or input field.
type conditionsDefined struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = conditionsDefined{}

func (conditionsDefined) ExtensionName() string                   { return "ConditionsDefined" }
func (conditionsDefined) Validate(graphql.ExecutableSchema) error { return nil }

func (conditionsDefined) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	var value func(name string, v *ast.Value) *gqlerror.Error
	value = func(name string, v *ast.Value) *gqlerror.Error {
		if v == nil {
			return nil
		}
		if v.Kind == ast.Variable {
			if v.ExpectedType != nil && v.ExpectedType.NonNull && oc.Variables[v.Raw] == nil {
				err := gqlerror.Errorf("%s must not be null: the variable $%s is null, and %s is %s", name, v.Raw, name, v.ExpectedType)
				err.Extensions = map[string]any{"code": errcode.BadInput, "field": name}
				return err
			}
			return nil
		}
		for _, c := range v.Children {
			child := name
			if v.Kind == ast.ObjectValue {
				child = c.Name
			}
			if err := value(child, c.Value); err != nil {
				return err
			}
		}
		return nil
	}
	args := func(list ast.ArgumentList) *gqlerror.Error {
		for _, a := range list {
			if err := value(a.Name, a.Value); err != nil {
				return err
			}
		}
		return nil
	}
	check := func(dirs ast.DirectiveList) *gqlerror.Error {
		for _, d := range dirs {
			if err := args(d.Arguments); err != nil {
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
					if err = args(s.Arguments); err == nil {
						err = walk(s.SelectionSet)
					}
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
