package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// The resolvers of the theme network translate between the API and package network,
// and load the objects they return in one query per type, so that a network of any size
// costs a fixed number of statements.

func networkFilter(f *model.NetworkFilter) network.Filter {
	if f == nil {
		return network.Filter{}
	}
	out := network.Filter{SeminarIDs: f.SeminarIDs, TermIDs: f.TermIDs, MunicipalityIDs: f.MunicipalityIDs, RegionIDs: f.RegionIDs}
	if f.From != nil {
		from := calendar.Normalize(*f.From)
		out.From = &from
	}
	if f.To != nil {
		to := calendar.Normalize(*f.To)
		out.To = &to
	}
	return out
}

func networkSignals(ss []model.NetworkSignal) []network.Signal {
	out := make([]network.Signal, len(ss))
	for i, s := range ss {
		out[i] = network.Signal(s)
	}
	return out
}

// bounded checks an optional count argument.
func bounded(field string, v *int, def, lo, hi int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, apierr.Validationf(field, "%s must be between %d and %d, got %d", field, lo, hi, *v)
	}
	return *v, nil
}

// idArg refuses (VALIDATION on field) an ID that is not the ID of a typ, or, when typ
// is "", not the ID of any type of the knowledge base: as a mutation refuses the wrong
// kind of ID (internal/edit), rather than answering nothing.
func idArg(field string, id pulid.ID, typ string) error {
	got, ok := ent.TypeOfPrefix[id.Prefix()]
	if ok && (typ == "" || got == typ) {
		return nil
	}
	what := "an ID of no known type"
	if ok {
		what = article(got) + " " + got + " ID"
	}
	want := "an object of the knowledge base"
	if typ != "" {
		want = article(typ) + " " + typ
	}
	return apierr.Validationf(field, "%s: must be the ID of %s, got %s", field, want, what)
}

// article is the indefinite article of a type's name.
func article(typ string) string {
	if typ != "" && strings.ContainsRune("AEIOU", rune(typ[0])) {
		return "an"
	}
	return "a"
}

// minWeightArg checks minWeight by the network's rule (network.CheckMinWeight), which
// the exports apply too: a finite number at least 0; default 1.
func minWeightArg(v *float64) (float64, error) {
	if v == nil {
		return 1, nil
	}
	if err := network.CheckMinWeight(*v); err != nil {
		return 0, badNetworkParam(err)
	}
	return *v, nil
}

// badNetworkParam is a network.ParamError as the API answers it: BAD_USER_INPUT naming
// the argument.
func badNetworkParam(err error) error {
	var pe *network.ParamError
	if errors.As(err, &pe) {
		return apierr.BadInputf(pe.Field, "%s", pe.Error())
	}
	return err
}

// themesByID loads themes in one query.
func themesByID(ctx context.Context, c *ent.Client, ids []pulid.ID) (map[pulid.ID]*ent.Theme, error) {
	ts, err := c.Theme.Query().Where(theme.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[pulid.ID]*ent.Theme, len(ts))
	for _, t := range ts {
		m[t.ID] = t
	}
	return m, nil
}

// nodesByID loads objects of any type, one query per type.
func nodesByID(ctx context.Context, c *ent.Client, ids []pulid.ID) (map[pulid.ID]ent.Noder, error) {
	m := map[pulid.ID]ent.Noder{}
	if len(ids) == 0 {
		return m, nil
	}
	uniq := make([]pulid.ID, 0, len(ids))
	for _, id := range ids {
		if _, ok := m[id]; !ok {
			m[id] = nil
			uniq = append(uniq, id)
		}
	}
	ns, err := c.Noders(ctx, uniq, ent.WithNodeType(ent.IDToType))
	if err != nil {
		return nil, err
	}
	for i, n := range ns {
		if n != nil {
			m[uniq[i]] = n
		}
	}
	return m, nil
}

// requested reports whether the current field's selection reaches the given path of
// field names (through fragments too).
func requested(ctx context.Context, path ...string) bool {
	fc, oc := graphql.GetFieldContext(ctx), graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return false
	}
	fields := graphql.CollectFields(oc, fc.Field.Selections, nil)
	for _, name := range path {
		var next []graphql.CollectedField
		found := false
		for _, f := range fields {
			if f.Name == name {
				found = true
				next = append(next, graphql.CollectFields(oc, f.Selections, nil)...)
			}
		}
		if !found {
			return false
		}
		fields = next
	}
	return true
}

// evidenceOf converts evidence, with the items when they were asked for.
func evidenceOf(ev []network.Evidence, items map[pulid.ID]ent.Noder) []*model.Evidence {
	out := make([]*model.Evidence, len(ev))
	for i, e := range ev {
		me := &model.Evidence{Signal: model.NetworkSignal(e.Signal), Count: e.Count, ItemIDs: e.IDs, Items: []ent.Noder{}}
		for _, id := range e.IDs {
			if n := items[id]; n != nil {
				me.Items = append(me.Items, n)
			}
		}
		out[i] = me
	}
	return out
}

func evidenceIDs(edges []network.Edge) []pulid.ID {
	var ids []pulid.ID
	for _, e := range edges {
		for _, ev := range e.Evidence {
			ids = append(ids, ev.IDs...)
		}
	}
	return ids
}

// Bounds of themeNetwork's maxEdges (network.DefaultMaxEdges, network.MaxMaxEdges).
const (
	defaultMaxEdges = network.DefaultMaxEdges
	maxMaxEdges     = network.MaxMaxEdges
)

// networkRequest reads the arguments that themeNetwork and themeNetworkSeries share:
// the request for the network service (with the chosen signals, defaults applied) and
// the number of edges to return.
func networkRequest(f *model.NetworkFilter, signals []model.NetworkSignal, minWeight *float64, maxEdges *int) (network.Request, int, error) {
	mw, err := minWeightArg(minWeight)
	if err != nil {
		return network.Request{}, 0, err
	}
	limit, err := bounded("maxEdges", maxEdges, defaultMaxEdges, 1, maxMaxEdges)
	if err != nil {
		return network.Request{}, 0, err
	}
	chosen, err := network.Chosen(networkSignals(signals))
	if err != nil {
		return network.Request{}, 0, err
	}
	return network.Request{Filter: networkFilter(f), Signals: chosen, MinWeight: mw}, limit, nil
}

func themeNetwork(ctx context.Context, c *ent.Client, networks *network.Service, f *model.NetworkFilter, signals []model.NetworkSignal, minWeight *float64, maxEdges *int) (*model.ThemeNetwork, error) {
	req, limit, err := networkRequest(f, signals, minWeight, maxEdges)
	if err != nil {
		return nil, err
	}
	chosen := req.Signals
	// Built once for concurrent requests, and kept until the data changes (network.Service).
	g, err := networks.Network(ctx, req)
	if err != nil {
		return nil, err
	}
	ids := make([]pulid.ID, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[i] = n.ThemeID
	}
	themes, err := themesByID(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	edges := g.Heaviest(limit)
	items := map[pulid.ID]ent.Noder{}
	if requested(ctx, "edges", "evidence", "items") {
		if items, err = nodesByID(ctx, c, evidenceIDs(edges)); err != nil {
			return nil, err
		}
	}
	out := &model.ThemeNetwork{
		Nodes: make([]*model.ThemeNetworkNode, 0, len(g.Nodes)), Edges: make([]*model.ThemeNetworkEdge, 0, len(edges)),
		EdgeCount: len(g.Edges), Truncated: len(edges) < len(g.Edges),
		StrengthMeasure: "JACCARD",
	}
	setSignals(out, g, chosen)
	for _, n := range g.Nodes {
		mn := &model.ThemeNetworkNode{Theme: themes[n.ThemeID], WeightedDegree: n.WeightedDegree, Betweenness: n.Betweenness, Community: n.Community}
		for _, s := range network.AllSignals {
			if c, ok := n.Counts[s]; ok {
				mn.Counts = append(mn.Counts, &model.SignalCount{Signal: model.NetworkSignal(s), Count: c})
			}
		}
		if mn.Counts == nil {
			mn.Counts = []*model.SignalCount{}
		}
		out.Nodes = append(out.Nodes, mn)
	}
	for _, e := range edges {
		out.Edges = append(out.Edges, &model.ThemeNetworkEdge{
			Source: themes[e.Source], Target: themes[e.Target], Weight: e.Weight, Strength: e.Strength,
			Evidence: evidenceOf(e.Evidence, items),
		})
	}
	return out, nil
}

func relatedThemes(ctx context.Context, c *ent.Client, t *ent.Theme, first *int, signals []model.NetworkSignal) ([]*model.ThemeRelation, error) {
	n, err := bounded("first", first, 10, 1, 100)
	if err != nil {
		return nil, err
	}
	edges, err := network.Related(ctx, c, t.ID, networkSignals(signals), n)
	if err != nil {
		return nil, err
	}
	ids := make([]pulid.ID, len(edges))
	for i, e := range edges {
		ids[i] = e.Target
		if e.Target == t.ID {
			ids[i] = e.Source
		}
	}
	themes, err := themesByID(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	items := map[pulid.ID]ent.Noder{}
	if requested(ctx, "evidence", "items") {
		if items, err = nodesByID(ctx, c, evidenceIDs(edges)); err != nil {
			return nil, err
		}
	}
	out := make([]*model.ThemeRelation, len(edges))
	for i, e := range edges {
		out[i] = &model.ThemeRelation{Theme: themes[ids[i]], Weight: e.Weight, Strength: e.Strength, Evidence: evidenceOf(e.Evidence, items)}
	}
	return out, nil
}

func connectionPaths(ctx context.Context, c *ent.Client, from, to pulid.ID, maxHops, maxPaths *int) ([]*model.ConnectionPath, error) {
	for _, a := range []struct {
		field string
		id    pulid.ID
	}{{"from", from}, {"to", to}} {
		if err := idArg(a.field, a.id, ""); err != nil {
			return nil, err
		}
	}
	hops, err := bounded("maxHops", maxHops, network.DefaultMaxHops, 1, network.MaxHops)
	if err != nil {
		return nil, err
	}
	paths, err := bounded("maxPaths", maxPaths, network.DefaultMaxPaths, 1, network.MaxPaths)
	if err != nil {
		return nil, err
	}
	ps, err := network.Paths(ctx, c, from, to, hops, paths)
	if err != nil {
		return nil, err
	}
	var ids []pulid.ID
	for _, p := range ps {
		for _, s := range p.Steps {
			ids = append(ids, s.From, s.To)
		}
	}
	nodes, err := nodesByID(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ConnectionPath, 0, len(ps))
	for _, p := range ps {
		mp := &model.ConnectionPath{Length: len(p.Steps)}
		for _, s := range p.Steps {
			mp.Steps = append(mp.Steps, &model.PathStep{From: nodes[s.From], To: nodes[s.To], Edge: s.Edge})
		}
		out = append(out, mp)
	}
	return out, nil
}

func themeStatistics(ctx context.Context, c *ent.Client, f *model.NetworkFilter) ([]*model.ThemeStatistic, error) {
	stats, err := network.ThemeStats(ctx, c, networkFilter(f))
	if err != nil {
		return nil, err
	}
	ids := make([]pulid.ID, len(stats))
	for i, s := range stats {
		ids[i] = s.ThemeID
	}
	themes, err := themesByID(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ThemeStatistic, len(stats))
	for i, s := range stats {
		out[i] = &model.ThemeStatistic{Theme: themes[s.ThemeID], Outcomes: s.Outcomes, Sessions: s.Sessions, Seminars: s.Seminars,
			Experts: s.Experts, Municipalities: s.Municipalities, Documents: s.Documents}
	}
	return out, nil
}

func themeStatisticsBy(ctx context.Context, c *ent.Client, by model.StatisticsDimension, f *model.NetworkFilter) ([]*model.StatisticsBucket, error) {
	buckets, err := network.StatsBy(ctx, c, networkFilter(f), network.Dimension(by))
	if err != nil {
		return nil, err
	}
	ids := make([]pulid.ID, len(buckets))
	for i, b := range buckets {
		ids[i] = b.ThemeID
	}
	themes, err := themesByID(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.StatisticsBucket, len(buckets))
	for i, b := range buckets {
		out[i] = &model.StatisticsBucket{Key: b.Key, Kind: model.StatisticsGroupKind(b.Kind), Label: b.Label,
			StartYear: b.StartYear, EndYear: b.EndYear, Theme: themes[b.ThemeID], Outcomes: b.Outcomes,
			Sessions: b.Sessions, Seminars: b.Seminars, Municipalities: b.Municipalities, Documents: b.Documents}
		if b.GroupID != "" {
			id := b.GroupID
			out[i].GroupID = &id
		}
	}
	return out, nil
}

func municipalityScores(ctx context.Context, c *ent.Client, scores []network.MunicipalityScore) ([]*model.MunicipalityScore, error) {
	ids := make([]pulid.ID, len(scores))
	for i, s := range scores {
		ids[i] = s.MunicipalityID
	}
	ms, err := c.Municipality.Query().Where(municipality.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[pulid.ID]*ent.Municipality, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	out := make([]*model.MunicipalityScore, len(scores))
	for i, s := range scores {
		out[i] = &model.MunicipalityScore{Municipality: byID[s.MunicipalityID], Score: s.Score, Outcomes: s.Outcomes,
			Seminars: s.Seminars, Terms: s.Terms, Themes: s.Themes}
	}
	return out, nil
}

func similarMunicipalities(ctx context.Context, c *ent.Client, id pulid.ID, first *int) ([]*model.MunicipalityScore, error) {
	if err := idArg("municipalityID", id, "Municipality"); err != nil {
		return nil, err
	}
	n, err := bounded("first", first, 10, 1, 100)
	if err != nil {
		return nil, err
	}
	scores, err := network.SimilarMunicipalities(ctx, c, id, n)
	if err != nil {
		return nil, err
	}
	return municipalityScores(ctx, c, scores)
}

func engagedMunicipalities(ctx context.Context, c *ent.Client, t *ent.Theme, first *int) ([]*model.MunicipalityScore, error) {
	n, err := bounded("first", first, 10, 1, 100)
	if err != nil {
		return nil, err
	}
	scores, err := network.EngagedMunicipalities(ctx, c, t.ID, n)
	if err != nil {
		return nil, err
	}
	return municipalityScores(ctx, c, scores)
}

// setSignals fills a network's signals and each one's share of its edges and weight.
func setSignals(out *model.ThemeNetwork, g *network.Graph, chosen []network.Signal) {
	out.Signals = make([]model.NetworkSignal, len(chosen))
	for i, s := range chosen {
		out.Signals[i] = model.NetworkSignal(s)
	}
	for _, sh := range network.Shares(g, chosen) {
		out.SignalShares = append(out.SignalShares, &model.SignalShare{Signal: model.NetworkSignal(sh.Signal),
			Edges: sh.Edges, OnlyEdges: sh.OnlyEdges, Weight: sh.Weight, WeightShare: sh.WeightShare})
	}
}
