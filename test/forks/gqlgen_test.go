package forks

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/gqlgen/resolvers"
)

const (
	// concurrentCall is how gqlgen's codegen/type.gotpl marshals a list of objects, and
	// what graph/gqlgen points at marshalSliceInOrder.
	concurrentCall = "graphql.MarshalSliceConcurrently(ctx, len(v), {{ $.Config.Exec.WorkerLimit }}, {{ $.Config.OmitPanicHandler }}, func(ctx context.Context, i int) graphql.Marshaler {"
	// sliceRecord is gqlgen's graphql.MarshalSliceConcurrently as marshalSliceInOrder
	// (graph/generated/inorder.go) follows it.
	sliceRecord = "testdata/MarshalSliceConcurrently.go.txt"
)

// listMarshaler is the name of a generated function that marshals a list of type T:
// marshalNT2ᚕ… or marshalOT2ᚕ….
var listMarshaler = regexp.MustCompile(`^marshal[NO](\w+?)2ᚕ`)

// funcSource returns the source of the function name in file.
func funcSource(t *testing.T, file, name string) (string, bool) {
	t.Helper()
	src := readFile(t, file)
	f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Recv == nil {
			return src[fd.Pos()-1 : fd.End()-1], true
		}
	}
	return "", false
}

// TestForkListsInOrder: gqlgen still marshals lists the way graph/gqlgen rewrites, with
// the semantics marshalSliceInOrder copies, and the committed executor marshals in order
// every list but those of types whose fields have resolvers that may go to the
// database (resolvers.MayWait).
func TestForkListsInOrder(t *testing.T) {
	f := listsInOrder
	gqlgen := moduleDir(t, "github.com/99designs/gqlgen")

	tmpl := readFile(t, filepath.Join(gqlgen, "codegen", "type.gotpl"))
	if n := strings.Count(tmpl, concurrentCall); n != 1 {
		f.errorf(t, "gqlgen's codegen/type.gotpl has %d calls %s, not 1: see how it marshals lists now, and whether it can do so in order itself", n, concurrentCall)
	}
	upstream, ok := funcSource(t, filepath.Join(gqlgen, "graphql", "slice.go"), "MarshalSliceConcurrently")
	if !ok {
		f.fatalf(t, "gqlgen's graphql/slice.go no longer has MarshalSliceConcurrently")
	}
	if recorded := readFile(t, sliceRecord); upstream+"\n" != recorded {
		f.errorf(t, "gqlgen's graphql.MarshalSliceConcurrently changed: bring marshalSliceInOrder (graph/generated/inorder.go) in line with it, then copy it to test/forks/%s\n%s",
			sliceRecord, strings.Replace(firstDifference(upstream+"\n", recorded), "the copy, its blocks undone", "upstream now", 1))
	}

	// The committed executor, as go generate leaves it.
	file := filepath.Join(root, "graph", "generated", "generated.go")
	exec, err := parser.ParseFile(token.NewFileSet(), file, readFile(t, file), parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	waits := map[string]bool{}
	for _, d := range exec.Decls {
		if gd, ok := d.(*ast.GenDecl); ok {
			for _, s := range gd.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					if it, isInterface := ts.Type.(*ast.InterfaceType); isInterface && strings.HasSuffix(ts.Name.Name, "Resolver") {
						for _, m := range it.Methods.List {
							for _, n := range m.Names {
								if resolvers.MayWait(n.Name) {
									waits[strings.TrimSuffix(ts.Name.Name, "Resolver")] = true
								}
							}
						}
					}
				}
			}
		}
	}
	schema := graph.NewSchema(nil, "sqlite3", nil).Schema()
	var expected, inOrder, concurrent []string
	for _, d := range exec.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		calls := map[string]int{}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				switch fn := c.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && x.Name == "graphql" && fn.Sel.Name == "MarshalSliceConcurrently" {
						calls["concurrent"]++
					}
				case *ast.Ident:
					if fn.Name == "marshalSliceInOrder" {
						calls["inOrder"]++
					}
				}
			}
			return true
		})
		if len(calls) == 0 {
			continue
		}
		name := fd.Name.Name
		m := listMarshaler.FindStringSubmatch(name)
		if m == nil || fd.Recv == nil || schema.Types[m[1]] == nil {
			f.errorf(t, "%s marshals a list but is not named as graph/gqlgen expects (marshal[NO]<GraphQL type>2ᚕ…), so the rewrite cannot tell its type", name)
			continue
		}
		typ := m[1]
		if waits[typ] || waits[strings.TrimSuffix(typ, "Edge")] {
			if calls["inOrder"] > 0 {
				f.errorf(t, "%s marshals %s in order, though its fields have resolvers that may go to the database", name, typ)
			}
			continue
		}
		expected = append(expected, name)
		switch {
		case calls["concurrent"] > 0:
			concurrent = append(concurrent, name)
		case calls["inOrder"] > 0:
			inOrder = append(inOrder, name)
		}
	}
	t.Logf("%d list marshalers of types without resolvers, %d of them in order", len(expected), len(inOrder))
	if len(concurrent) > 0 {
		f.errorf(t, "the rewrite missed %d list marshalers of types without resolvers: run go generate ./...; if they stay, gqlgen's output changed\n%s", len(concurrent), strings.Join(concurrent, "\n"))
	}
	if len(inOrder) == 0 || len(inOrder) != len(expected) {
		f.errorf(t, "%d list marshalers in order, %d expected", len(inOrder), len(expected))
	}
}
