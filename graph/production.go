package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// MaxValidationErrors bounds the errors a document's validation reports, as graphql-js
// does: some rules report one error per pair of fields (540 fields of one name made
// 145,530 errors, a 35 MB response), so an attacker could turn a 10 KB request into a
// large answer. The first ones say what is wrong.
const MaxValidationErrors = 100

// cappedRules wraps every rule of r so that, together, they report at most max errors
// (each call makes a new set, so the count is per validated document).
func cappedRules(r *rules.Rules, max int) *rules.Rules {
	n := 0
	out := rules.NewRules()
	for name, f := range r.GetInner() {
		out.AddRule(name, func(obs *core.Events, add core.AddErrFunc) {
			f(obs, func(opts ...core.ErrorOption) {
				if n < max {
					add(opts...)
				}
				n++
			})
		})
	}
	return out
}

// defaultRules are gqlparser's default validation rules, capped.
func defaultRules() *rules.Rules { return cappedRules(rules.NewDefaultRules(), MaxValidationErrors) }

// rulesWithoutSuggestions are gqlparser's default validation rules with every rule that
// can suggest ("Did you mean …?") replaced by its variant that does not, so that a
// production server does not spell its schema out to someone guessing names. gqlgen's
// own switch (SetDisableSuggestion) covers only fields and scalar leaves.
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, rule := range []core.Rule{
		rules.FieldsOnCorrectTypeRuleWithoutSuggestions,
		rules.KnownArgumentNamesRuleWithoutSuggestions,
		rules.KnownTypeNamesRuleWithoutSuggestions,
		rules.ScalarLeafsRuleWithoutSuggestions,
		rules.ValuesOfCorrectTypeRuleWithoutSuggestions,
	} {
		base := rule.Name[:len(rule.Name)-len("WithoutSuggestions")]
		r.RemoveRule(base)
		r.AddRule(rule.Name, rule.RuleFunc)
	}
	return cappedRules(r, MaxValidationErrors)
}

// introspectionOff refuses __schema and __type, wherever they sit in the document, with
// INTROSPECTION_DISABLED before anything runs (gqlgen's own refusal is a plain error
// that would be answered INTERNAL). __typename stays: clients depend on it.
type introspectionOff struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionOff{}

func (introspectionOff) ExtensionName() string                   { return "IntrospectionOff" }
func (introspectionOff) Validate(graphql.ExecutableSchema) error { return nil }

func (introspectionOff) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query", "Mutation", "Subscription"}) {
		if f.Name == "__schema" || f.Name == "__type" {
			err := gqlerror.Errorf("introspection is disabled on this server (production mode); the schema is published as SDL where the server operator chose to")
			err.Extensions = map[string]any{"code": errcode.IntrospectionDisabled, "field": f.Name}
			return err
		}
	}
	return nil
}
