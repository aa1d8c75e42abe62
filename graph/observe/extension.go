package observe

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
)

// Extension is a gqlgen handler extension that, for every operation, records the
// metrics and logs one line: request_id, operation, type, status, duration, errors (the
// count), codes (extensions.code of each error) and role.
//
// Operations that run are observed around their response handler (OperationInterceptor):
// a query or mutation when its (last) response is produced; a subscription when it ends,
// that is when its response handler returns nil (gqlgen's end-of-stream signal) or its
// context is cancelled (the client completed or went away), whichever comes first; while
// it runs it counts in graphql_active_subscriptions. Requests refused before they run
// (a body that is not JSON, parse and validation errors, refusals of other extensions'
// MutateOperationContext) never reach an OperationInterceptor: gqlgen answers them with
// DispatchError, which only runs ResponseInterceptors, so they are observed there.
//
// Use it first (srv.Use before the other extensions), so that it sees the responses as
// clients do. A nil Metrics records no metrics; a nil Logger logs nothing.
type Extension struct {
	Metrics *Metrics
	Logger  *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = Extension{}

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "Observe" }

// Validate implements graphql.HandlerExtension.
func (Extension) Validate(graphql.ExecutableSchema) error { return nil }

// dispatchedKey marks the contexts of operations observed by InterceptOperation, so that
// InterceptResponse does not observe them again.
type dispatchedKey struct{}

// InterceptOperation implements graphql.OperationInterceptor.
func (e Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	ctx = context.WithValue(ctx, dispatchedKey{}, true)
	o := e.begin(ctx)
	h := next(ctx)
	if o.typ == string(ast.Subscription) {
		return o.subscription(h)
	}
	return o.single(h)
}

// InterceptResponse implements graphql.ResponseInterceptor: it observes the requests
// refused before they ran (DispatchError), and passes the others through.
func (e Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if ctx.Value(dispatchedKey{}) != nil {
		return next(ctx)
	}
	o := e.begin(ctx)
	done := false
	defer func() {
		if !done { // the handler panicked: gqlgen answers with an internal error
			o.finish([]string{CodeInternal}, true)
		}
	}()
	resp := next(ctx)
	done = true
	if resp != nil {
		o.add(resp.Errors)
	}
	o.finish(nil, false)
	return resp
}

// op is the observation of one operation.
type op struct {
	e       Extension
	ctx     context.Context
	name    string // as the client named it (for the log)
	label   string // the bounded operation label
	typ     string
	start   time.Time
	role    auth.Role
	request string

	mu     sync.Mutex
	codes  []string
	events int
	active bool // counted in graphql_active_subscriptions
	ended  bool
}

// begin starts observing the operation of ctx.
func (e Extension) begin(ctx context.Context) *op {
	o := &op{e: e, ctx: ctx, typ: Unknown, start: startTime(ctx), role: auth.RoleFrom(ctx), request: httpmw.RequestIDFrom(ctx)}
	known := false
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		o.name = oc.OperationName
		if oc.Operation != nil {
			known = true
			o.name = oc.Operation.Name
			o.typ = string(oc.Operation.Operation)
		}
		if !oc.Stats.OperationStart.IsZero() {
			o.start = oc.Stats.OperationStart
		}
	}
	o.label = Anonymous
	if e.Metrics != nil {
		// Only names of parsed documents' operations enter the label set.
		o.label = e.Metrics.operationLabel(o.name, known)
	}
	return o
}

// single observes a query or mutation: it ends with its last response (the only one,
// unless the response is incremental, @defer).
func (o *op) single(h graphql.ResponseHandler) graphql.ResponseHandler {
	return func(ctx context.Context) *graphql.Response {
		ctx = context.WithValue(ctx, dispatchedKey{}, true)
		done := false
		defer func() {
			if !done { // the handler panicked: gqlgen answers with an internal error
				o.finish([]string{CodeInternal}, true)
			}
		}()
		resp := h(ctx)
		done = true
		if resp == nil {
			o.finish(nil, false)
			return nil
		}
		o.add(resp.Errors)
		if resp.HasNext == nil || !*resp.HasNext {
			o.finish(nil, false)
		}
		return resp
	}
}

// subscription observes a subscription from the transport's first call of its handler
// to its end: the handler returns nil, or the context of the calls is cancelled.
func (o *op) subscription(h graphql.ResponseHandler) graphql.ResponseHandler {
	started := false
	var stop func() bool
	return func(ctx context.Context) *graphql.Response {
		ctx = context.WithValue(ctx, dispatchedKey{}, true)
		if !started {
			started = true
			if o.e.Metrics != nil {
				o.mu.Lock()
				o.active = true
				o.mu.Unlock()
				o.e.Metrics.subscriptions.Inc()
			}
			stop = context.AfterFunc(ctx, func() { o.finish(nil, false) })
		}
		done := false
		defer func() {
			if !done {
				o.finish([]string{CodeInternal}, true)
			}
		}()
		resp := h(ctx)
		done = true
		if resp == nil {
			stop()
			o.finish(nil, false)
			return nil
		}
		o.mu.Lock()
		o.events++
		o.mu.Unlock()
		o.add(resp.Errors)
		return resp
	}
}

// add counts the errors of a response.
func (o *op) add(errs gqlerror.List) {
	if len(errs) == 0 {
		return
	}
	codes := make([]string, 0, len(errs))
	for _, err := range errs {
		c, _ := err.Extensions["code"].(string)
		if c == "" {
			c = CodeInternal
		}
		codes = append(codes, c)
	}
	if o.e.Metrics != nil {
		o.e.Metrics.countErrors(codes)
	}
	o.mu.Lock()
	o.codes = append(o.codes, codes...)
	o.mu.Unlock()
}

// finish ends the observation once: it records the metrics and logs the line. extra are
// codes of errors the client got that no response carried (a panic); panicked says the
// handler did not return.
func (o *op) finish(extra []string, panicked bool) {
	o.mu.Lock()
	if o.ended {
		o.mu.Unlock()
		return
	}
	o.ended = true
	codes := slices.Concat(o.codes, extra)
	events, active := o.events, o.active
	o.mu.Unlock()
	if len(extra) > 0 && o.e.Metrics != nil {
		o.e.Metrics.countErrors(extra)
	}
	d := time.Since(o.start)
	failed := len(codes) > 0
	if m := o.e.Metrics; m != nil {
		m.observe(o.label, o.typ, failed, d)
		if active {
			m.subscriptions.Dec()
		}
	}
	if o.e.Logger == nil {
		return
	}
	status, level := "ok", slog.LevelInfo
	if failed {
		status, level = "error", slog.LevelWarn
	}
	name := o.name
	if name == "" {
		name = Anonymous
	} else if len(name) > 128 {
		name = name[:128] + "…"
	}
	attrs := []slog.Attr{
		slog.String("request_id", o.request),
		slog.String("operation", name),
		slog.String("type", o.typ),
		slog.String("status", status),
		slog.Duration("duration", d),
		slog.Int("errors", len(codes)),
		slog.Any("codes", dedupe(codes)),
		slog.String("role", o.role.String()),
	}
	if o.typ == string(ast.Subscription) {
		attrs = append(attrs, slog.Int("events", events))
	}
	if panicked {
		attrs = append(attrs, slog.Bool("panicked", true))
	}
	o.e.Logger.LogAttrs(context.WithoutCancel(o.ctx), level, "graphql operation", attrs...)
}

// dedupe returns codes without repetitions, in order of first appearance (never nil, so
// that JSON logs show []).
func dedupe(codes []string) []string {
	out := make([]string, 0, len(codes))
	seen := map[string]bool{}
	for _, c := range codes {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// startTime is when gqlgen started the operation's trace, or now when it did not.
func startTime(ctx context.Context) (t time.Time) {
	defer func() {
		if recover() != nil { // graphql.GetStartTime panics without a trace
			t = time.Now()
		}
	}()
	if t = graphql.GetStartTime(ctx); t.IsZero() {
		t = time.Now()
	}
	return t
}
