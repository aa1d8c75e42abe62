// Package querylimit refuses abusive GraphQL operations before any resolver runs: too
// deep, too many aliases or directives, or too costly. The cost is the number of objects
// an operation may return: every field costs 1, and a connection multiplies the cost of
// what it selects by its page size (first or last, or the default page), as GitHub's API
// counts it. Every response reports the operation's cost and the limit in
// extensions.cost, so that clients see how close they are.
package querylimit

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/graph/pagelimit"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// Limits are the bounds an operation must keep; zero means no bound.
type Limits struct {
	// MaxDepth is the deepest nesting of selections.
	MaxDepth int
	// MaxAliases is the number of aliased fields.
	MaxAliases int
	// MaxDirectives is the number of directives used.
	MaxDirectives int
	// MaxCost is the largest cost accepted.
	MaxCost int
	// DefaultPage is the page size a connection without first or last counts with.
	DefaultPage int
	// MaxInputDepth is the deepest nesting of input objects and lists in one argument
	// (a where filter through three edges nests seven levels).
	MaxInputDepth int
	// MaxInputValues is the number of values in an operation's arguments: every scalar,
	// input object field and list item counts, so that the predicates of filters (each a
	// condition, many a subquery) stay bounded.
	MaxInputValues int
	// MaxFilterString is the longest string, in characters, a where filter accepts (a
	// name to match, a text to look for): PostgreSQL matches a filter value against every
	// row, so a megabyte of it holds a connection for seconds.
	MaxFilterString int
	// MaxPage is the longest list of IDs a field fetched by IDs (nodes(ids:)) accepts; it
	// is the largest page, since such a field returns a page of objects.
	MaxPage int
	// MaxQueryBytes is the longest query text accepted. It is checked before parsing:
	// validating a document costs time that grows faster than its length (gqlparser's
	// overlapping-fields rule is quadratic in the fields of a selection set), so a long
	// document must be refused before it is validated.
	MaxQueryBytes int
}

// Defaults are safe limits for this API: its deepest useful queries nest about eight
// levels (a connection, edges and node count as three).
// The page sizes come from their one source, and the GraphQL handler replaces them with
// the server's configured ones.
var Defaults = Limits{MaxDepth: 15, MaxAliases: 30, MaxDirectives: 50, MaxCost: 100000,
	DefaultPage: pagelimit.DefaultLimits.Default, MaxPage: pagelimit.DefaultLimits.Max,
	MaxInputDepth: 16, MaxInputValues: 1000, MaxFilterString: 1000, MaxQueryBytes: 16 << 10}

// Codes of refusals.
const (
	CodeDepth      = errcode.QueryTooDeep
	CodeAliases    = errcode.TooManyAliases
	CodeDirectives = errcode.TooManyDirectives
	CodeCost       = errcode.QueryTooCostly
	CodeTooLarge   = errcode.QueryTooLarge
	CodeInputDeep  = errcode.InputTooDeep
	CodeInputLarge = errcode.InputTooLarge
)

// Cost is what extensions.cost reports.
type Cost struct {
	Requested int `json:"requested"`
	Limit     int `json:"limit"`
}

// Measure is what an operation asks for.
type Measure struct {
	Depth, Aliases, Directives, Cost int
	// InputDepth is the deepest argument's nesting, InputField the argument it is in.
	InputDepth int
	InputField string
	// InputValues is the number of values in all arguments.
	InputValues int
	// FilterString is the longest string in a where filter, FilterField its argument.
	FilterString int
	FilterField  string
	// IDs is the longest list of a field fetched by IDs, IDsField that field.
	IDs      int
	IDsField string
	// Versions are the distinct versions the operation's asOf arguments ask for.
	Versions int
}

type measurer struct {
	input    *Measure // input measures, gathered as fields are costed
	doc      *ast.QueryDocument
	vars     map[string]any
	page     int
	costMemo map[string]int
	depth    map[string]int
	versions map[string]bool // the asOf arguments' values
}

// Measure walks an operation, following fragment spreads (the document is validated,
// so they do not cycle; fragment results are memoised, so fan-out stays cheap).
func (l Limits) Measure(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) Measure {
	var out Measure
	m := &measurer{input: &out, doc: doc, vars: vars, page: max(l.DefaultPage, 1), costMemo: map[string]int{}, depth: map[string]int{}, versions: map[string]bool{}}
	m.arguments(op.Name, nil, op.Directives)
	out.Cost, out.Depth = m.set(op.SelectionSet)
	m.collectVersions(op.SelectionSet, map[string]bool{})
	out.Versions = len(m.versions)
	out.Aliases, out.Directives = m.count(op.SelectionSet, map[string]bool{})
	out.Directives += len(op.Directives)
	return out
}

// set returns the cost and depth of a selection set.
func (m *measurer) set(set ast.SelectionSet) (cost, depth int) {
	for _, sel := range set {
		var c, d int
		switch s := sel.(type) {
		case *ast.Field:
			c, d = m.field(s)
		case *ast.InlineFragment:
			c, d = m.set(s.SelectionSet)
		case *ast.FragmentSpread:
			c, d = m.fragment(s.Name)
		}
		cost = saturatingAdd(cost, c)
		depth = max(depth, d)
	}
	return cost, depth
}

func (m *measurer) fragment(name string) (int, int) {
	if c, ok := m.costMemo[name]; ok {
		return c, m.depth[name]
	}
	f := m.doc.Fragments.ForName(name)
	if f == nil {
		return 0, 0
	}
	m.costMemo[name], m.depth[name] = 0, 0 // guards against cycles in unvalidated documents
	c, d := m.set(f.SelectionSet)
	m.costMemo[name], m.depth[name] = c, d
	return c, d
}

func (m *measurer) field(f *ast.Field) (int, int) {
	if strings.HasPrefix(f.Name, "__") {
		return 0, 1
	}
	m.arguments(f.Name, f.Arguments, f.Directives)
	if f.ObjectDefinition != nil && f.ObjectDefinition.Name == "Revision" && (f.Name == "before" || f.Name == "after") {
		return StateCost, 1
	}
	childCost, childDepth := m.set(f.SelectionSet)
	mult := 1
	if n, ok := m.idsArg(f); ok {
		// nodes(ids:) returns an object per ID.
		mult = n
		if n > m.input.IDs {
			m.input.IDs, m.input.IDsField = n, f.Name
		}
	} else if n, ok := m.networkEdges(f); ok {
		mult = n
	} else if pagelimit.IsConnection(f) {
		mult = m.page
		if n, ok := m.intArg(f, "first"); ok {
			mult = n
		} else if n, ok := m.intArg(f, "last"); ok {
			mult = n
		}
	}
	return saturatingAdd(1, saturatingMul(mult, childCost)), childDepth + 1
}

// networkEdges is the multiplier of a theme network's answer: its edges (maxEdges, or
// the default) by the hundred, times the slices a series is expected to have. What a
// network selects (nodes, edges, evidence) is counted once, and the network answers with
// up to maxEdges edges and their nodes, so without this an answer of hundreds of
// megabytes would cost a few dozen.
func (m *measurer) networkEdges(f *ast.Field) (int, bool) {
	if f.Name != "themeNetwork" && f.Name != "themeNetworkSeries" {
		return 0, false
	}
	edges := network.DefaultMaxEdges
	if n, ok := m.intArg(f, "maxEdges"); ok && n > 0 {
		edges = n
	}
	mult := (edges + 99) / 100
	if f.Name == "themeNetworkSeries" {
		mult = saturatingMul(mult, network.CostSlices)
	}
	return mult, true
}

// StateCost is the cost of a revision's before or after: an object's whole state, its
// fields and the IDs of all its edges, as JSON. A theme's state holds every outcome,
// session and seminar it is linked to (at scale 1, 12 KB on average and up to 210 KB;
// at scale 10 up to 1.4 MB), so it counts as the objects it names, not as one field:
// a page of 100 revisions with before and after costs 80,000.
const StateCost = 400

// asOf notes the version a field's asOf argument asks for (none: the live data).
func (m *measurer) asOf(f *ast.Field) {
	a := f.Arguments.ForName("asOf")
	if a == nil || a.Value == nil {
		return
	}
	switch v := m.resolve(a.Value).(type) {
	case nil:
	case *ast.Value:
		if v.Kind != ast.NullValue {
			m.versions[v.Raw] = true
		}
	default:
		m.versions[fmt.Sprint(v)] = true
	}
}

// collectVersions notes the versions the asOf arguments of the fields that run ask for:
// a field that @skip or @include leaves out reads nothing, unlike in the cost, which
// counts every field.
func (m *measurer) collectVersions(set ast.SelectionSet, seen map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !m.skipped(s.Directives) {
				m.asOf(s)
				m.collectVersions(s.SelectionSet, seen)
			}
		case *ast.InlineFragment:
			if !m.skipped(s.Directives) {
				m.collectVersions(s.SelectionSet, seen)
			}
		case *ast.FragmentSpread:
			if f := m.doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] && !m.skipped(s.Directives) {
				seen[s.Name] = true
				m.collectVersions(f.SelectionSet, seen)
			}
		}
	}
}

// skipped tells whether @skip(if: true) or @include(if: false) leaves a selection out.
func (m *measurer) skipped(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		a := d.Arguments.ForName("if")
		if a == nil || a.Value == nil {
			continue
		}
		var on bool
		switch v := m.resolve(a.Value).(type) {
		case bool:
			on = v
		case *ast.Value:
			on = v.Kind == ast.BooleanValue && v.Raw == "true"
		}
		if on == (d.Name == "skip") {
			return true
		}
	}
	return false
}

// count returns the aliases and directives of a selection set, each fragment counted once.
func (m *measurer) count(set ast.SelectionSet, seen map[string]bool) (aliases, directives int) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				aliases++
			}
			directives += len(s.Directives)
			a, d := m.count(s.SelectionSet, seen)
			aliases, directives = aliases+a, directives+d
		case *ast.InlineFragment:
			directives += len(s.Directives)
			a, d := m.count(s.SelectionSet, seen)
			aliases, directives = aliases+a, directives+d
		case *ast.FragmentSpread:
			directives += len(s.Directives)
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := m.doc.Fragments.ForName(s.Name); f != nil {
				a, d := m.count(f.SelectionSet, seen)
				aliases, directives = aliases+a, directives+d
			}
		}
	}
	return aliases, directives
}

// idsArg returns the length of the ids argument of a field that returns a list of
// objects by their IDs.
func (m *measurer) idsArg(f *ast.Field) (int, bool) {
	if f.Definition == nil || f.Definition.Type.Elem == nil {
		return 0, false
	}
	a := f.Arguments.ForName("ids")
	if a == nil || a.Value == nil {
		return 0, false
	}
	switch v := m.resolve(a.Value).(type) {
	case []any:
		return len(v), true
	case *ast.Value:
		return len(v.Children), true
	}
	return 1, true
}

// resolve returns a variable's value, or the literal itself.
func (m *measurer) resolve(v *ast.Value) any {
	if v.Kind == ast.Variable {
		return m.vars[v.Raw]
	}
	return v
}

// arguments adds the nesting and the number of values of a field's (or directive's)
// arguments to the input measures.
func (m *measurer) arguments(field string, args ast.ArgumentList, dirs ast.DirectiveList) {
	measure := func(list ast.ArgumentList) {
		for _, a := range list {
			if a.Value == nil {
				continue
			}
			size := m.value(m.resolve(a.Value))
			m.input.InputValues = saturatingAdd(m.input.InputValues, size.count)
			where := a.Value.ExpectedType != nil && strings.HasSuffix(a.Value.ExpectedType.Name(), "WhereInput")
			if where && size.longest > m.input.FilterString {
				m.input.FilterString, m.input.FilterField = size.longest, field+"."+a.Name
			}
			if size.depth > m.input.InputDepth {
				m.input.InputDepth, m.input.InputField = size.depth, field+"."+a.Name
			}
		}
	}
	measure(args)
	for _, d := range dirs {
		measure(d.Arguments)
	}
}

// inputSize is what one argument holds.
type inputSize struct {
	count, depth, longest int // values, nesting, and the longest string in characters
}

// add takes a child's size into its parent's.
func (s *inputSize) add(c inputSize) {
	s.count = saturatingAdd(s.count, c.count)
	s.depth = max(s.depth, c.depth)
	s.longest = max(s.longest, c.longest)
}

// value measures v (a literal, or a variable's coerced value): its values, how deep its
// objects and lists nest, and its longest string.
func (m *measurer) value(v any) inputSize {
	var children []any
	switch x := v.(type) {
	case *ast.Value:
		switch x.Kind {
		case ast.Variable:
			return m.value(m.vars[x.Raw])
		case ast.StringValue, ast.BlockValue:
			return inputSize{count: 1, longest: utf8.RuneCountInString(x.Raw)}
		case ast.ListValue, ast.ObjectValue:
			for _, c := range x.Children {
				children = append(children, c.Value)
			}
		default:
			return inputSize{count: 1}
		}
	case string:
		return inputSize{count: 1, longest: utf8.RuneCountInString(x)}
	case map[string]any:
		for _, c := range x {
			children = append(children, c)
		}
	case []any:
		children = x
	default:
		return inputSize{count: 1}
	}
	size := inputSize{count: 1}
	for _, c := range children {
		size.add(m.value(c))
	}
	size.depth++
	return size
}

func (m *measurer) intArg(f *ast.Field, name string) (int, bool) {
	n, _, err := pagelimit.IntArg(f, name, m.vars)
	if err != nil || n == nil {
		return 0, false
	}
	return int(max(*n, 0)), true
}

func saturatingAdd(a, b int) int {
	if s := a + b; s >= a {
		return s
	}
	return int(^uint(0) >> 1)
}

func saturatingMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if p := a * b; p/b == a {
		return p
	}
	return int(^uint(0) >> 1)
}

// Extension enforces the limits and reports the cost.
type Extension struct {
	Limits Limits
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = Extension{}

// MutateOperationParameters implements graphql.OperationParameterMutator: it refuses
// an overlong query text before it is parsed and validated.
func (e Extension) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if e.Limits.MaxQueryBytes > 0 && len(p.Query) > e.Limits.MaxQueryBytes {
		err := gqlerror.Errorf("the query text is %d bytes; the limit is %d (send large data as variables)", len(p.Query), e.Limits.MaxQueryBytes)
		err.Extensions = map[string]any{"code": CodeTooLarge}
		return err
	}
	return nil
}

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "QueryLimit" }

// Validate implements graphql.HandlerExtension.
func (Extension) Validate(graphql.ExecutableSchema) error { return nil }

const statsKey = "querylimit.cost"

// MutateOperationContext implements graphql.OperationContextMutator.
func (e Extension) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	m := e.Limits.Measure(rc.Doc, rc.Operation, rc.Variables)
	rc.Stats.SetExtension(statsKey, Cost{Requested: m.Cost, Limit: e.Limits.MaxCost})
	refuse := func(code, format string, args ...any) *gqlerror.Error {
		err := gqlerror.Errorf(format, args...)
		err.Extensions = map[string]any{"code": code}
		return err
	}
	refuseField := func(code, field, format string, args ...any) *gqlerror.Error {
		err := refuse(code, format, args...)
		err.Extensions["field"] = field
		return err
	}
	l := e.Limits
	switch {
	case l.MaxDepth > 0 && m.Depth > l.MaxDepth:
		return refuse(CodeDepth, "the operation nests %d levels deep; the limit is %d", m.Depth, l.MaxDepth)
	case l.MaxAliases > 0 && m.Aliases > l.MaxAliases:
		return refuse(CodeAliases, "the operation uses %d aliases; the limit is %d", m.Aliases, l.MaxAliases)
	case l.MaxDirectives > 0 && m.Directives > l.MaxDirectives:
		return refuse(CodeDirectives, "the operation uses %d directives; the limit is %d", m.Directives, l.MaxDirectives)
	case l.MaxInputDepth > 0 && m.InputDepth > l.MaxInputDepth:
		return refuseField(CodeInputDeep, m.InputField, "the argument %s nests input objects and lists %d levels deep; the limit is %d", m.InputField, m.InputDepth, l.MaxInputDepth)
	case l.MaxInputValues > 0 && m.InputValues > l.MaxInputValues:
		return refuse(CodeInputLarge, "the operation's arguments hold %d values; the limit is %d (split the request)", m.InputValues, l.MaxInputValues)
	case l.MaxFilterString > 0 && m.FilterString > l.MaxFilterString:
		return refuseField(CodeInputLarge, m.FilterField, "a string in %s is %d characters long; a filter value may have at most %d", m.FilterField, m.FilterString, l.MaxFilterString)
	case l.MaxPage > 0 && m.IDs > l.MaxPage:
		return refuseField(CodeInputLarge, m.IDsField+".ids", "%s asks for %d IDs; the limit is %d, the largest page", m.IDsField, m.IDs, l.MaxPage)
	case m.Versions > 1:
		// Each version is a knowledge base rebuilt in memory (history.AsOf).
		return refuseField(errcode.BadInput, "asOf", "the operation asks for %d different versions (asOf); an operation may read one version: send one request per version", m.Versions)
	case l.MaxCost > 0 && m.Cost > l.MaxCost:
		return refuse(CodeCost, "the operation may return %d objects; the limit is %d (ask for smaller pages)", m.Cost, l.MaxCost)
	}
	return nil
}

// InterceptResponse implements graphql.ResponseInterceptor: it adds extensions.cost.
func (e Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	if c, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(statsKey).(Cost); ok {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["cost"] = c
	}
	return resp
}

// String describes the limits, for logs.
func (l Limits) String() string {
	return fmt.Sprintf("depth %d, aliases %d, directives %d, cost %d", l.MaxDepth, l.MaxAliases, l.MaxDirectives, l.MaxCost)
}
