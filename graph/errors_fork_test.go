package graph

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/teemaverkko/teemaverkko/ent"
)

// TestForkErrorTexts checks the fork "error texts" (docs/FORKS.md#error-texts): the
// errors of entgql and of ent's generated code that errorPresenter recognises, by their
// text where the library gives them no type (argumentErrors) and by ent's sentinel errors
// otherwise (emptyWhereInputs), are still what the library returns, and are answered
// BAD_USER_INPUT rather than INTERNAL. It lives in package graph because the lists are
// unexported; test/forks holds the other forks' checks.
func TestForkErrorTexts(t *testing.T) {
	failf := func(format string, args ...any) {
		t.Helper()
		first, details, _ := strings.Cut(fmt.Sprintf(format, args...), "\n")
		msg := "fork graph/errors.go (error texts): " + first + " (docs/FORKS.md#error-texts)"
		if details != "" {
			msg += "\n" + details
		}
		t.Error(msg)
	}
	present := errorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)))
	code := func(err error) (string, any) {
		e := present(context.Background(), err)
		return fmt.Sprint(e.Extensions["code"]), e.Extensions["field"]
	}

	// Every text is still the library's.
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}} {{.Dir}}", "entgo.io/contrib").Output()
	if err != nil {
		t.Fatal(err)
	}
	version, dir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	var library strings.Builder
	for _, f := range []string{filepath.Join(dir, "entgql", "pagination.go"), filepath.Join(dir, "entgql", "template", "pagination.tmpl")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		library.Write(b)
	}
	for _, text := range argumentErrors {
		if !strings.Contains(library.String(), text) {
			failf("entgql %s no longer writes %q (entgql/pagination.go, template/pagination.tmpl): find what it says now for that mistake and update argumentErrors", version, text)
		}
	}

	// The library's errors themselves, made as a client's arguments make them.
	var cursor ent.Cursor
	undecodable := cursor.UnmarshalGQL("not a cursor")
	opts := func(fields, directions int) *entgql.MultiCursorsOptions {
		o := &entgql.MultiCursorsOptions{FieldID: "id", DirectionID: entgql.OrderDirectionAsc}
		for range fields {
			o.Fields = append(o.Fields, "name")
		}
		for range directions {
			o.Directions = append(o.Directions, entgql.OrderDirectionAsc)
		}
		return o
	}
	_, valuesLength := entgql.MultiCursorsPredicate(&ent.Cursor{ID: "th01", Value: []any{"a"}}, nil, opts(2, 2))
	_, directionsLength := entgql.MultiCursorsPredicate(&ent.Cursor{ID: "th01", Value: []any{"a", "b"}}, nil, opts(2, 1))
	one := 1
	_, duplicate := ent.NewClient().Theme.Query().Paginate(context.Background(), nil, &one, nil, nil,
		ent.WithThemeOrder([]*ent.ThemeOrder{
			{Field: ent.ThemeOrderFieldName, Direction: entgql.OrderDirectionAsc},
			{Field: ent.ThemeOrderFieldName, Direction: entgql.OrderDirectionDesc},
		}))
	for _, c := range []struct {
		what string
		err  error
	}{
		{"a cursor that does not decode", undecodable},
		{"a cursor of another ordering", valuesLength},
		{"a cursor whose directions do not match", directionsLength},
		{"an order field given twice", duplicate},
	} {
		if c.err == nil {
			failf("%s: entgql no longer refuses it", c.what)
			continue
		}
		if got, _ := code(c.err); got != CodeBadInput {
			failf("%s: %q is answered %s, not %s: has entgql's message changed?", c.what, c.err, got, CodeBadInput)
		}
	}

	// Every empty where input of ent's generated code, by its sentinel error.
	file := filepath.Join("..", "ent", "gql_where_input.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	sentinel := regexp.MustCompile(`^ErrEmpty(\w+WhereInput)$`)
	var declared []string
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, s := range gd.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if m := sentinel.FindStringSubmatch(n.Name); m != nil {
						declared = append(declared, m[1])
					}
				}
			}
		}
	}
	listed := map[string]bool{}
	for _, e := range emptyWhereInputs {
		listed[strings.TrimPrefix(e.Error(), "ent: empty predicate ")] = true
	}
	for _, input := range declared {
		if !listed[input] {
			failf("ent.ErrEmpty%s is not in emptyWhereInputs: an empty %s would be an INTERNAL error", input, input)
		}
		delete(listed, input)
	}
	if len(declared) == 0 || len(listed) > 0 {
		failf("ent/gql_where_input.go declares %d ErrEmpty…WhereInput errors; emptyWhereInputs also has %v: has entgql renamed them?", len(declared), listed)
	}
	_, empty := (&ent.ThemeWhereInput{HasOutcomesWith: []*ent.OutcomeWhereInput{{}}}).P()
	if got, field := code(empty); got != CodeBadInput || field != "where" {
		failf("an empty nested where filter (%v) is answered %s (field %v), not %s (field where)", empty, got, field, CodeBadInput)
	}
}
