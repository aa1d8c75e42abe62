package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/edit"
)

// importBundle decodes and applies a bundle. A bundle that is not JSON is one
// BAD_USER_INPUT error on the argument, with where the problem is (extensions.line,
// column and offset); every problem of an invalid bundle becomes an error of its own
// (VALIDATION, or CONFLICT for a unique value another object has) with extensions.path,
// the place in the bundle. At most MaxValidationErrors problems are listed, and one more
// error says how many were left out (extensions.omitted), so that a bundle of many bad
// objects does not make an answer of as many errors.
func importBundle(ctx context.Context, r *Resolver, text string, dryRun bool) (*model.ImportReport, error) {
	b, err := bundle.Decode(strings.NewReader(text))
	if err == nil {
		var report *bundle.Report
		// Apply resolves every reference by natural key itself.
		report, err = bundle.Apply(edit.ReferencesResolved(ctx), r.client, b, bundle.Options{DryRun: dryRun})
		if err == nil {
			return importReport(report), nil
		}
	}
	var (
		se *bundle.SyntaxError
		ve bundle.ValidationErrors
	)
	switch {
	case errors.As(err, &se):
		return nil, &gqlerror.Error{
			Message: se.Error(),
			Path:    graphql.GetPath(ctx),
			Extensions: map[string]any{"code": CodeBadInput, "field": "bundle",
				"line": se.Line, "column": se.Column, "offset": se.Offset},
		}
	case !errors.As(err, &ve):
		return nil, err
	}
	for i, fe := range ve {
		if i == MaxValidationErrors {
			more := len(ve) - i
			graphql.AddError(ctx, &gqlerror.Error{
				Message:    fmt.Sprintf("bundle: %d more problems not listed (the first %d are); fix these and import again", more, i),
				Path:       graphql.GetPath(ctx),
				Extensions: map[string]any{"code": CodeValidation, "field": "bundle", "omitted": more},
			})
			break
		}
		graphql.AddError(ctx, &gqlerror.Error{
			Message:    fe.Error(),
			Path:       graphql.GetPath(ctx),
			Extensions: map[string]any{"code": cmp.Or(fe.Code, CodeValidation), "field": "bundle", "path": fe.Path},
		})
	}
	return nil, nil
}

func importReport(r *bundle.Report) *model.ImportReport {
	total := r.Total()
	out := &model.ImportReport{
		DryRun: r.DryRun, Created: total.Created, Updated: total.Updated, Unchanged: total.Unchanged,
		Types: []*model.ImportTypeCounts{}, Changes: []*model.ImportChange{},
	}
	for _, e := range bundle.Entities {
		if c := r.Counts[e]; c != nil {
			out.Types = append(out.Types, &model.ImportTypeCounts{Type: e, Created: c.Created, Updated: c.Updated, Unchanged: c.Unchanged})
		}
	}
	for _, ch := range r.Changes {
		action := model.ImportActionUpdate
		if ch.Action == bundle.Create {
			action = model.ImportActionCreate
		}
		out.Changes = append(out.Changes, &model.ImportChange{Type: ch.Entity, Key: ch.Key, Action: action})
	}
	return out
}
