package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
)

// Stable values of extensions.code.
const (
	CodeNotFound   = errcode.NotFound
	CodeValidation = errcode.Validation
	CodeConflict   = errcode.Conflict
	CodeBadInput   = errcode.BadInput
	CodeInternal   = errcode.Internal
)

// errorPresenter maps errors to client-safe GraphQL errors with a stable
// extensions.code. Anything it does not recognise is logged with the request ID and
// answered with a generic internal error, so that no SQL or driver text reaches clients.
func errorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	present := presentError(logger)
	return func(ctx context.Context, err error) *gqlerror.Error {
		e := present(ctx, err)
		e.Message = shorten(e.Message)
		return e
	}
}

// MaxMessageLength bounds an error message: messages quote what the client sent (an
// operation name, an ID), and a 7 MB name must not come back as a 7 MB answer.
const MaxMessageLength = 500

// shorten cuts a message to MaxMessageLength bytes (on a character boundary), with "…".
func shorten(msg string) string {
	if len(msg) <= MaxMessageLength {
		return msg
	}
	cut := MaxMessageLength
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}

func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var (
			nf  *ent.NotFoundError
			ve  *ent.ValidationError
			ce  *ent.ConstraintError
			ge  *gqlerror.Error
			set = func(code string, extra ...any) *gqlerror.Error {
				if gqlErr.Extensions == nil {
					gqlErr.Extensions = map[string]any{}
				}
				gqlErr.Extensions["code"] = code
				for i := 0; i+1 < len(extra); i += 2 {
					gqlErr.Extensions[extra[i].(string)] = extra[i+1]
				}
				return gqlErr
			}
		)
		var bad interface{ BadInput() bool }
		ae := apierr.FromConstraint(err)
		var own *apierr.Error
		ownTimeout := errors.As(err, &own) && own.Code == errcode.Timeout
		switch {
		case isArgumentError(err):
			// Before the database's state: a cursor that does not decode wraps io.EOF.
			if isCursorError(err) {
				arg := cursorArgument(ctx, gqlErr.Path)
				gqlErr.Message = badCursor(arg)
				return set(CodeBadInput, "field", arg)
			}
			return set(CodeBadInput)
		case errors.Is(ctx.Err(), context.DeadlineExceeded) && !ownTimeout:
			// Whatever failed, it failed because the request's time was up (a deadline
			// also looks like a network error, which would read as UNAVAILABLE). A
			// TIMEOUT of our own says why it waited, and keeps its message (below).
			return &gqlerror.Error{
				Message:    "the request took longer than the server's request timeout and was stopped; ask for less (smaller pages, fewer fields) or try again later",
				Path:       gqlErr.Path,
				Locations:  gqlErr.Locations,
				Extensions: map[string]any{"code": errcode.Timeout, "requestId": httpmw.RequestIDFrom(ctx)},
			}
		case errors.Is(ctx.Err(), context.Canceled):
			// The client went away (closed the connection, cancelled the request):
			// no one reads the answer, and the server did nothing wrong.
			logger.InfoContext(ctx, "request cancelled by the client", "request_id", httpmw.RequestIDFrom(ctx), "path", gqlErr.Path.String())
			return &gqlerror.Error{
				Message:    "the request was cancelled by the client",
				Path:       gqlErr.Path,
				Locations:  gqlErr.Locations,
				Extensions: map[string]any{"code": errcode.Cancelled, "requestId": httpmw.RequestIDFrom(ctx)},
			}
		case apierr.IsUnavailable(err):
			logger.WarnContext(ctx, "database unavailable", "request_id", httpmw.RequestIDFrom(ctx), "error", err)
			return &gqlerror.Error{
				Message:    "the database is unavailable; try again shortly",
				Path:       gqlErr.Path,
				Locations:  gqlErr.Locations,
				Extensions: map[string]any{"code": apierr.Unavailable, "requestId": httpmw.RequestIDFrom(ctx)},
			}
		case ae != nil || errors.As(err, &ae):
			gqlErr.Message = ae.Message
			if ae.Field != "" {
				return set(ae.Code, "field", ae.Field)
			}
			return set(ae.Code)
		case errors.As(err, &bad) && bad.BadInput():
			gqlErr.Message = bad.(error).Error()
			return set(CodeBadInput, "field", lastField(gqlErr.Path))
		case errors.As(err, &nf):
			gqlErr.Message = "not found"
			return set(CodeNotFound, "field", "id")
		case errors.As(err, &ve):
			field := apierr.FieldName(ve.Name)
			gqlErr.Message = field + ": " + validationReason(ve)
			return set(CodeValidation, "field", field)
		case errors.As(err, &ce):
			gqlErr.Message = "the change conflicts with existing data"
			return set(CodeConflict)
		case errors.As(err, &ge) && ge.Err == nil:
			// Parse, validation and argument errors made by gqlgen itself: safe to show.
			if gqlErr.Extensions == nil || gqlErr.Extensions["code"] == nil {
				return set(CodeBadInput)
			}
			return gqlErr
		case isEmptyWhereInput(err):
			gqlErr.Message = "a where filter is empty: give at least one condition in every where, not, and and or"
			return set(CodeBadInput, "field", "where")
		}
		id := httpmw.RequestIDFrom(ctx)
		logger.ErrorContext(ctx, "internal error", "request_id", id, "path", gqlErr.Path.String(), "error", err)
		return &gqlerror.Error{
			Message:    "internal error",
			Path:       gqlErr.Path,
			Locations:  gqlErr.Locations,
			Extensions: map[string]any{"code": CodeInternal, "requestId": id},
		}
	}
}

// validationReason is the reason an ent validator gave, without ent's own prefix.
func validationReason(ve *ent.ValidationError) string {
	msg := ve.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// lastField returns the last field name of a path ("id" of node.id).
func lastField(p ast.Path) string {
	for i := len(p) - 1; i >= 0; i-- {
		if n, ok := p[i].(ast.PathName); ok {
			return string(n)
		}
	}
	return ""
}

// emptyWhereInputs are the errors of ent's generated where inputs for an empty filter
// (where: {not: {}}, hasThemesWith: [{}] …), which they return wrapped with the path to it;
// only an empty filter at the top level is let through. docs/FORKS.md#error-texts.
var emptyWhereInputs = []error{
	ent.ErrEmptyAppearanceWhereInput,
	ent.ErrEmptyDocumentWhereInput,
	ent.ErrEmptyExpertWhereInput,
	ent.ErrEmptyMunicipalityWhereInput,
	ent.ErrEmptyMunicipalityPeriodWhereInput,
	ent.ErrEmptyNetworkWhereInput,
	ent.ErrEmptyNetworkTermWhereInput,
	ent.ErrEmptyOrganizationWhereInput,
	ent.ErrEmptyOutcomeWhereInput,
	ent.ErrEmptyRegionWhereInput,
	ent.ErrEmptySeminarWhereInput,
	ent.ErrEmptySessionWhereInput,
	ent.ErrEmptyTermMembershipWhereInput,
	ent.ErrEmptyThemeWhereInput,
}

func isEmptyWhereInput(err error) bool {
	for _, e := range emptyWhereInputs {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// argumentErrors are the messages entgql and ent's generated pagination code give for
// bad arguments (a cursor that does not decode or belongs to another ordering, a repeated
// order field): safe to show, and the client's to fix. They are matched exactly, so that
// no other error's text (a database's, say) is ever shown for containing a word. The
// library gives them no type of their own (fmt.Errorf); docs/FORKS.md#error-texts.
var argumentErrors = []string{
	"cannot decode cursor",
	"cursor values length",
	"orderBy directions length",
	"duplicate order direction",
	"is not a slice", // a cursor whose value is not a list, with orderBy
}

func isArgumentError(err error) bool {
	msg := err.Error()
	for _, f := range argumentErrors {
		if strings.Contains(msg, f) {
			return true
		}
	}
	return false
}
