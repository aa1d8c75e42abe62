// Package authz enforces who may call what: the schema declares the role each root field
// needs with @auth(requires: …), and Extension checks it for every root field as executed,
// on every transport. The tokens and roles themselves are internal/auth's.
package authz

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/auth"
)

// Directive is the schema directive that declares who may call a field:
// @auth(requires: READER | EDITOR | ADMIN), on a root field or on a root type (for all its
// fields; the field's own declaration wins).
const Directive = "auth"

// Rule is the role one root field needs.
type Rule struct {
	// Type is the root type (Query, Mutation or Subscription), Field the field's name.
	Type, Field string
	// Role is the weakest role that may call the field.
	Role auth.Role
	// Declared tells whether the schema declares the rule (on the field or its type);
	// an undeclared field needs admin.
	Declared bool
}

// Rules are the roles of every root field, read once from the schema's declarations, so
// that checking a field costs one map lookup.
type Rules struct {
	need map[string]map[string]auth.Role // root type → field → role
}

// RulesFrom reads the @auth declarations of schema. A root field without one, on the
// field or on its type, needs admin: forgetting a declaration must never open a field.
// @auth anywhere but on a root type or a root field is an error, since it would not be
// enforced.
func RulesFrom(schema *ast.Schema) (*Rules, error) {
	r := &Rules{need: map[string]map[string]auth.Role{}}
	roots := map[string]bool{}
	for _, def := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		if def != nil {
			roots[def.Name] = true
		}
	}
	for _, def := range schema.Types {
		typeRole, typeDeclared, err := declared(def.Directives)
		if err != nil {
			return nil, fmt.Errorf("type %s: %w", def.Name, err)
		}
		if !roots[def.Name] {
			if typeDeclared {
				return nil, fmt.Errorf("type %s: @%s is enforced only on Query, Mutation and Subscription and their fields", def.Name, Directive)
			}
			for _, f := range def.Fields {
				if _, ok, _ := declared(f.Directives); ok {
					return nil, fmt.Errorf("field %s.%s: @%s is enforced only on the fields of Query, Mutation and Subscription", def.Name, f.Name, Directive)
				}
			}
			continue
		}
		fields := map[string]auth.Role{}
		for _, f := range def.Fields {
			role, ok, err := declared(f.Directives)
			if err != nil {
				return nil, fmt.Errorf("field %s.%s: %w", def.Name, f.Name, err)
			}
			switch {
			case ok:
				fields[f.Name] = role
			case typeDeclared:
				fields[f.Name] = typeRole
			}
		}
		r.need[def.Name] = fields
	}
	return r, nil
}

// declared returns the role of an @auth directive in list, if there is one.
func declared(list ast.DirectiveList) (auth.Role, bool, error) {
	d := list.ForName(Directive)
	if d == nil {
		return auth.Admin, false, nil
	}
	arg := d.Arguments.ForName("requires")
	if arg == nil || arg.Value == nil {
		return auth.Admin, false, fmt.Errorf("@%s needs requires", Directive)
	}
	role, err := auth.ParseRole(strings.ToLower(arg.Value.Raw))
	if err != nil {
		return auth.Admin, false, fmt.Errorf("@%s: %w", Directive, err)
	}
	return role, true, nil
}

// Need returns the role a field of a root type needs. Introspection's meta fields
// (__typename, __schema, __type) are reads; everything undeclared needs admin.
func (r *Rules) Need(typ, field string) auth.Role {
	if strings.HasPrefix(field, "__") {
		return auth.Reader
	}
	if role, ok := r.need[typ][field]; ok {
		return role
	}
	return auth.Admin
}

// List returns every root field's rule, sorted by type and field, for documentation.
func (r *Rules) List(schema *ast.Schema) []Rule {
	var out []Rule
	for typ, fields := range r.need {
		def := schema.Types[typ]
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			role, ok := fields[f.Name]
			out = append(out, Rule{Type: typ, Field: f.Name, Role: cmp.Or(role, auth.Admin), Declared: ok})
		}
	}
	order := map[string]int{"Query": 0, "Mutation": 1, "Subscription": 2}
	slices.SortFunc(out, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(order[a.Type], order[b.Type]), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Field, b.Field))
	})
	return out
}

// Extension enforces the schema's rules: before any resolver runs, it refuses an
// operation any of whose root fields (collected as they will execute: through fragments,
// aliases, @include and @skip) the caller may not call, so that nothing of it runs; and
// it checks every root field again as it executes, whatever the transport.
type Extension struct {
	// ReadsNeedToken makes READER fields need a valid token of any role.
	ReadsNeedToken bool

	rules *Rules
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.RootFieldInterceptor
} = &Extension{}

// ExtensionName implements graphql.HandlerExtension.
func (*Extension) ExtensionName() string { return "Auth" }

// Validate implements graphql.HandlerExtension: it reads the schema's rules.
func (e *Extension) Validate(schema graphql.ExecutableSchema) error {
	rules, err := RulesFrom(schema.Schema())
	if err != nil {
		return err
	}
	e.rules = rules
	return nil
}

// effective is the role a caller must have for a field that needs role: READER needs no
// token unless reads need one.
func (e *Extension) effective(role auth.Role) auth.Role {
	if role == auth.Reader && !e.ReadsNeedToken {
		return auth.Anonymous
	}
	return role
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (e *Extension) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	root := rootType(oc)
	need, field := auth.Anonymous, ""
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{root}) {
		if r := e.effective(e.rules.Need(root, f.Name)); r > need {
			need, field = r, f.Name
		}
	}
	return refusal(ctx, need, field)
}

// InterceptRootField implements graphql.RootFieldInterceptor.
func (e *Extension) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	// The root field context's Object names the field, not its type: the type is the
	// operation's.
	fc := graphql.GetRootFieldContext(ctx)
	if fc != nil && graphql.HasOperationContext(ctx) {
		root := rootType(graphql.GetOperationContext(ctx))
		if err := refusal(ctx, e.effective(e.rules.Need(root, fc.Field.Name)), fc.Field.Name); err != nil {
			graphql.AddError(ctx, err)
			return graphql.Null
		}
	}
	return next(ctx)
}

// rootType is the name of the operation's root type.
func rootType(oc *graphql.OperationContext) string {
	switch oc.Operation.Operation {
	case ast.Mutation:
		return "Mutation"
	case ast.Subscription:
		return "Subscription"
	}
	return "Query"
}

// refusal returns the error for a caller in ctx that may not call field, which needs
// need, or nil when it may.
func refusal(ctx context.Context, need auth.Role, field string) *gqlerror.Error {
	if need == auth.Anonymous {
		return nil
	}
	role, valid := auth.Caller(ctx)
	switch {
	case !valid || role == auth.Anonymous:
		err := gqlerror.Errorf("%s needs a bearer token with the role %s", field, need)
		err.Extensions = map[string]any{"code": auth.CodeUnauthenticated, "field": field}
		return err
	case role < need:
		err := gqlerror.Errorf("%s needs the role %s; the token has %s", field, need, role)
		err.Extensions = map[string]any{"code": auth.CodeForbidden, "field": field}
		return err
	}
	return nil
}
