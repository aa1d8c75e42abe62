// Package pagelimit bounds the page size of every Relay connection in a GraphQL
// operation: a connection asked for without first or last gets a default page (never the
// whole table), and first or last above the maximum is refused before any database work.
//
// Defaults are written into the parsed document once, when it enters the query cache
// (so that entgql's eager loading and the resolvers see the same first argument), and
// the maximum is checked for every request, when variables are known.
package pagelimit

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/pagesize"
)

// Code is the extensions.code of a refused page size.
const Code = errcode.Validation

// Limits are the page-size bounds (see internal/pagesize, their one source).
type Limits = pagesize.Limits

// DefaultLimits are the page sizes unless the server is configured otherwise.
var DefaultLimits = pagesize.DefaultLimits

// IsConnection reports whether a field returns a connection paged with first.
func IsConnection(f *ast.Field) bool {
	d := f.Definition
	if d == nil || !strings.HasSuffix(d.Type.Name(), "Connection") {
		return false
	}
	return d.Arguments.ForName("first") != nil
}

// walk calls fn for every field of the selection set, depth first.
func walk(set ast.SelectionSet, fn func(*ast.Field)) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			fn(s)
			walk(s.SelectionSet, fn)
		case *ast.InlineFragment:
			walk(s.SelectionSet, fn)
		}
		// Fragment spreads are walked through the document's fragment definitions.
	}
}

// walkDocument calls fn for every field of every operation and fragment of doc.
func walkDocument(doc *ast.QueryDocument, fn func(*ast.Field)) {
	for _, op := range doc.Operations {
		walk(op.SelectionSet, fn)
	}
	for _, fr := range doc.Fragments {
		walk(fr.SelectionSet, fn)
	}
}

// addDefaults gives every connection field that has neither first nor last an explicit
// first argument of the default page size.
func addDefaults(l Limits, doc *ast.QueryDocument) {
	walkDocument(doc, func(f *ast.Field) {
		if !IsConnection(f) || f.Arguments.ForName("first") != nil || f.Arguments.ForName("last") != nil {
			return
		}
		f.Arguments = append(f.Arguments, &ast.Argument{
			Name:     "first",
			Value:    &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(l.Default), Position: f.Position},
			Position: f.Position,
		})
	})
}

// Cache wraps a query cache so that every parsed and validated document gets its
// default page sizes before it is stored and shared between requests.
type Cache struct {
	Inner  graphql.Cache[*ast.QueryDocument]
	Limits Limits
}

// Get implements graphql.Cache.
func (c Cache) Get(ctx context.Context, key string) (*ast.QueryDocument, bool) {
	return c.Inner.Get(ctx, key)
}

// Add implements graphql.Cache. gqlgen calls it once for every newly parsed document,
// before the document is executed.
func (c Cache) Add(ctx context.Context, key string, doc *ast.QueryDocument) {
	addDefaults(c.Limits, doc)
	c.Inner.Add(ctx, key, doc)
}

// Extension checks first and last against the limits for every request.
type Extension struct {
	Limits Limits
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Extension{}

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "PageLimit" }

// Validate implements graphql.HandlerExtension.
func (e Extension) Validate(graphql.ExecutableSchema) error { return e.Limits.Validate() }

// MutateOperationContext implements graphql.OperationContextMutator: it refuses a first
// or last outside 0..Max, and gives a connection whose first and last are both null
// variables the default page size.
func (e Extension) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	var problem *gqlerror.Error
	walkDocument(rc.Doc, func(f *ast.Field) {
		if problem != nil || !IsConnection(f) {
			return
		}
		first, firstVar, err := IntArg(f, "first", rc.Variables)
		if err == nil {
			problem = e.check(f, "first", first)
		}
		last, _, err2 := IntArg(f, "last", rc.Variables)
		if problem == nil && err2 == nil {
			problem = e.check(f, "last", last)
		}
		if problem == nil && err == nil && err2 == nil && first == nil && last == nil && firstVar != "" {
			if rc.Variables == nil {
				rc.Variables = map[string]any{}
			}
			rc.Variables[firstVar] = int64(e.Limits.Default)
		}
	})
	return problem
}

func (e Extension) check(f *ast.Field, name string, v *int64) *gqlerror.Error {
	if v == nil || (*v >= 0 && *v <= int64(e.Limits.Max)) {
		return nil
	}
	err := gqlerror.ErrorPosf(f.Position, "%s on %s must be between 0 and %d, got %d", name, f.Alias, e.Limits.Max, *v)
	err.Extensions = map[string]any{"code": Code, "field": name, "max": e.Limits.Max}
	return err
}

// IntArg returns the value of an integer argument with the operation's variables, nil
// when absent or null, and the name of the variable it comes from, if any.
func IntArg(f *ast.Field, name string, vars map[string]any) (*int64, string, error) {
	a := f.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return nil, "", nil
	}
	varName := ""
	if a.Value.Kind == ast.Variable {
		varName = a.Value.Raw
	}
	v, err := a.Value.Value(vars)
	if err != nil || v == nil {
		return nil, varName, err
	}
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	case float64:
		n = int64(x)
	case interface{ Int64() (int64, error) }:
		if n, err = x.Int64(); err != nil {
			return nil, varName, err
		}
	default:
		return nil, varName, fmt.Errorf("unexpected %T", v)
	}
	return &n, varName, nil
}
