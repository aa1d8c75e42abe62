package graph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/ent"
)

// cursorArgs are the arguments of a connection that take a cursor.
var cursorArgs = []string{"after", "before"}

// cursorCheck refuses, before anything runs, a cursor argument anywhere in the operation
// (nested connections included, which are loaded with their parent) that does not decode
// or whose value has a shape this server never gives: the value of a cursor is a list of
// the ordering's values (strings, numbers, times, booleans, null). A client that made or
// altered a cursor by hand could otherwise send maps or nested lists, which reached the
// database as arguments it cannot take and answered INTERNAL.
type cursorCheck struct{}

var (
	_ graphql.HandlerExtension        = cursorCheck{}
	_ graphql.OperationContextMutator = cursorCheck{}
)

func (cursorCheck) ExtensionName() string                   { return "CursorCheck" }
func (cursorCheck) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext checks every cursor argument of the operation.
func (cursorCheck) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	w := cursorWalk{doc: rc.Doc, vars: rc.Variables, seen: map[string]bool{}}
	if arg, path := w.set(rc.Operation.SelectionSet, nil); arg != "" {
		return &gqlerror.Error{
			Message:    badCursor(arg),
			Path:       path,
			Extensions: map[string]any{"code": CodeBadInput, "field": arg},
		}
	}
	return nil
}

// cursorWalk visits the fields of an operation, through fragments.
type cursorWalk struct {
	doc  *ast.QueryDocument
	vars map[string]any
	seen map[string]bool
}

// set returns the first cursor argument in set that the server cannot use, with the
// path of its field.
func (w *cursorWalk) set(set ast.SelectionSet, path ast.Path) (string, ast.Path) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			p := append(append(ast.Path(nil), path...), ast.PathName(sel.Alias))
			for _, name := range cursorArgs {
				if a := sel.Arguments.ForName(name); a != nil {
					// Only the Cursor scalar: changes(after:) takes a version, and a
					// revisions page its own cursor (graph/history.go checks both).
					if t := a.Value.ExpectedType; t != nil && t.Name() != "Cursor" {
						continue
					}
					if v, err := a.Value.Value(w.vars); err != nil || !usableCursor(v, nodeTypeOf(sel)) {
						return name, p
					}
				}
			}
			if arg, at := w.set(sel.SelectionSet, p); arg != "" {
				return arg, at
			}
		case *ast.InlineFragment:
			if arg, at := w.set(sel.SelectionSet, path); arg != "" {
				return arg, at
			}
		case *ast.FragmentSpread:
			if w.seen[sel.Name] {
				continue
			}
			w.seen[sel.Name] = true
			if def := w.doc.Fragments.ForName(sel.Name); def != nil {
				if arg, at := w.set(def.SelectionSet, path); arg != "" {
					return arg, at
				}
			}
		}
	}
	return "", nil
}

// usableCursor tells whether v, an argument's value, is null or a cursor this server
// could have given for a connection of nodeType ("" when its nodes are not ent's, as
// search hits and revisions): its ID one of that type's, its value of plain values.
func usableCursor(v any, nodeType string) bool {
	if v == nil {
		return true
	}
	var c ent.Cursor
	if err := c.UnmarshalGQL(v); err != nil {
		return false
	}
	if nodeType != "" && (!c.ID.Valid() || ent.TypeOfPrefix[c.ID.Prefix()] != nodeType) {
		return false
	}
	return plainCursorValue(c.Value, true)
}

// nodeTypeOf is the ent type a connection field pages over ("ThemeConnection": "Theme"),
// or "" for other connections.
func nodeTypeOf(f *ast.Field) string {
	if f.Definition == nil || f.Definition.Type == nil {
		return ""
	}
	name, ok := strings.CutSuffix(f.Definition.Type.Name(), "Connection")
	if !ok {
		return ""
	}
	for _, typ := range ent.TypeOfPrefix {
		if typ == name {
			return name
		}
	}
	return ""
}

// plainCursorValue tells whether v is a value a cursor of this server may hold: a scalar
// of a type some ordering has (no ordering is by a boolean), or (at the top) a list of
// them.
func plainCursorValue(v any, top bool) bool {
	switch v := v.(type) {
	case nil, string, time.Time,
		int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return true
	case []any:
		if !top {
			return false
		}
		for _, e := range v {
			if !plainCursorValue(e, false) {
				return false
			}
		}
		return true
	}
	return false
}

// badCursor says what is wrong with a cursor argument the server cannot use.
func badCursor(arg string) string {
	return fmt.Sprintf("%s: not a cursor this server gave for this connection and order; pass pageInfo.endCursor, pageInfo.startCursor or an edge's cursor unchanged, with the same orderBy", arg)
}

// cursorArgument names the cursor argument an error is about: the last element of its
// path when that is one (gqlgen puts the argument there when it does not decode), else
// the cursor argument the field was given.
func cursorArgument(ctx context.Context, path ast.Path) string {
	if n := len(path); n > 0 {
		if name, ok := path[n-1].(ast.PathName); ok {
			for _, a := range cursorArgs {
				if string(name) == a {
					return a
				}
			}
		}
	}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		for _, a := range cursorArgs {
			if fc.Args[a] != nil {
				return a
			}
		}
	}
	return "after"
}

// isCursorError tells whether an argument error (see argumentErrors) is about a cursor.
func isCursorError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "cannot decode cursor") || strings.Contains(msg, "cursor values length") ||
		strings.Contains(msg, "is not a slice")
}
