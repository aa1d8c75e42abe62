package synth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/network"
	"github.com/teemaverkko/teemaverkko/ent/organization"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/refdata"
)

// Options configure Generate.
type Options struct {
	// Scale multiplies every count (1: 20,000 outcomes); it must be above 0 and at most
	// MaxScale.
	Scale float64
	// Seed seeds the random choices: the same seed gives the same content.
	Seed int64
	// Progress, when not nil, is called as the work advances: stage names what is being
	// written, done of total its units (steps of the base, then seminars).
	Progress func(stage string, done, total int)
}

// MaxScale is the largest scale Generate accepts.
const MaxScale = 1000

// ErrAlreadyGenerated is returned when the database already holds a synthetic knowledge
// base (its first network exists): generate into a fresh database.
var ErrAlreadyGenerated = errors.New("synth: the database already holds synthetic data")

// Stats counts what Generate created (or, from Sizes, what it will create).
type Stats struct {
	// Municipalities is the number of reference municipalities the data refers to
	// (loaded, not created, by Generate).
	Municipalities int
	// The entities created.
	Organizations, Experts, Themes, Networks, Terms, Seminars, Sessions, Outcomes, Documents, Appearances int
	// Links is the number of rows written to many-to-many tables.
	Links int
	// Duration is how long Generate took.
	Duration time.Duration
}

// String formats the counts on one line.
func (s Stats) String() string {
	return fmt.Sprintf("%d organisations, %d experts, %d themes, %d networks, %d terms, %d seminars, %d sessions, "+
		"%d outcomes, %d documents, %d appearances, %d links (%d municipalities) in %s",
		s.Organizations, s.Experts, s.Themes, s.Networks, s.Terms, s.Seminars, s.Sessions,
		s.Outcomes, s.Documents, s.Appearances, s.Links, s.Municipalities, s.Duration.Round(time.Millisecond))
}

// Terms per network: two-year terms from 2011 to 2024.
const (
	firstYear       = 2011
	lastYear        = 2024
	termsPerNetwork = (lastYear - firstYear + 1) / 2
	// seminarsPerTx is how many seminars, with their sessions, documents and outcomes,
	// one transaction writes.
	seminarsPerTx = 25
	// maxVars is the most bound variables a statement may have: SQLite's limit
	// (PostgreSQL's is 65,535).
	maxVars = 32766
	// maxBatch is the most rows one INSERT writes.
	maxBatch = 500
)

// Sizes returns the numbers of entities Generate creates at a scale, for those it fixes
// exactly (documents and appearances depend on the random choices; Municipalities and
// Links are left zero).
func Sizes(scale float64) Stats {
	n := func(base float64, floor int) int { return max(floor, int(math.Round(base*scale))) }
	s := Stats{
		Organizations: n(50, 3),
		Experts:       n(500, 10),
		Themes:        n(40, 6),
		Networks:      n(2, 1),
		Seminars:      n(200, 2),
	}
	s.Terms = s.Networks * termsPerNetwork
	s.Sessions = max(3*s.Seminars, n(2000, 0))
	s.Outcomes = max(10*s.Seminars, n(20000, 0))
	return s
}

// Generate writes a synthetic knowledge base of opts.Scale into the database, loading
// the reference data first when the database has no municipalities. See the package
// documentation for what it creates. It returns ErrAlreadyGenerated when the database
// already holds synthetic data. On an error, the transactions committed before it stay.
func Generate(ctx context.Context, client *ent.Client, opts Options) (*Stats, error) {
	start := time.Now()
	if !(opts.Scale > 0) || opts.Scale > MaxScale {
		return nil, fmt.Errorf("synth: scale %v is not in (0, %d]", opts.Scale, MaxScale)
	}
	if opts.Progress == nil {
		opts.Progress = func(string, int, int) {}
	}
	exists, err := client.Network.Query().Where(network.Name(networkNames[0].name)).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("synth: look for earlier synthetic data: %w", err)
	}
	if exists {
		return nil, fmt.Errorf("%w (network %q exists); generate into a fresh database", ErrAlreadyGenerated, networkNames[0].name)
	}
	n, err := client.Municipality.Query().Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("synth: count municipalities: %w", err)
	}
	if n == 0 {
		opts.Progress("reference data", 0, 1)
		if _, err := refdata.Load(ctx, client); err != nil {
			return nil, fmt.Errorf("synth: load reference data: %w", err)
		}
		opts.Progress("reference data", 1, 1)
	}
	g := &generator{
		r:    rand.New(rand.NewPCG(uint64(opts.Seed), 0x7465656d61)),
		opts: opts,
		size: Sizes(opts.Scale),
	}
	if err := g.readExisting(ctx, client); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := inTx(ctx, client, func(c *ent.Client) error { return g.base(ctx, c) }); err != nil {
		return nil, fmt.Errorf("synth: base: %w", err)
	}
	if err := g.seminars(ctx, client); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := analyze(ctx, client, opts.Progress); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	g.stats.Duration = time.Since(start)
	return &g.stats, nil
}

// analyze updates PostgreSQL's planner statistics after the bulk load: without them
// (autovacuum may be off, and runs only after a minute anyway) it plans the joins of
// the filtered queries for a handful of rows and runs them several times slower.
// SQLite plans without statistics, as the server always has.
func analyze(ctx context.Context, client *ent.Client, progress func(string, int, int)) error {
	// PostgreSQL has version(), SQLite has not (and logs nothing for the error).
	rows, err := client.QueryContext(ctx, "SELECT version()")
	if err != nil {
		return nil
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	progress("analyze", 0, 1)
	if _, err := client.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	progress("analyze", 1, 1)
	return nil
}

func inTx(ctx context.Context, client *ent.Client, fn func(*ent.Client) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx.Client()); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

type muni struct {
	id               pulid.ID
	code, name       string
	validFrom, until *time.Time
}

// validOn reports whether the municipality existed on the day.
func (m muni) validOn(d time.Time) bool {
	return (m.validFrom == nil || !d.Before(*m.validFrom)) && (m.until == nil || !d.After(*m.until))
}

type org struct {
	id   pulid.ID
	kind organization.Kind
	muni int // index into munis, -1 for none
}

type expert struct {
	id      pulid.ID
	org     *pulid.ID
	title   *string
	titleEn *string
}

type theme struct {
	id      pulid.ID
	fi, en  string
	related []int // the root and the parent, for session and outcome choices
}

type term struct {
	id      pulid.ID
	members []int // municipality indexes
}

type net struct {
	id         pulid.ID
	name       string
	organizers []int // org indexes
	terms      []term
}

// generator holds the state of one Generate: the random source and what the base wrote.
type generator struct {
	r     *rand.Rand
	opts  Options
	size  Stats
	stats Stats

	munis    []muni // in popularity order: the big cities first
	muniZipf *weighted
	orgs     []org
	orgZipf  *weighted
	experts  []expert
	// speakerZipf picks experts by popularity as speakers.
	speakerZipf *weighted
	themes      []theme
	// themeRank orders the themes by popularity; themeZipf picks a rank.
	themeRank []int
	themeZipf *weighted
	networks  []net
	netZipf   *weighted

	slugs, orgNames, netNames, docKeys, semKeys *unique
}

// readExisting reads the reference municipalities and the names already taken.
func (g *generator) readExisting(ctx context.Context, c *ent.Client) error {
	ms, err := c.Municipality.Query().Order(municipality.ByCode()).All(ctx)
	if err != nil {
		return fmt.Errorf("read municipalities: %w", err)
	}
	if len(ms) == 0 {
		return errors.New("no municipalities")
	}
	byCode := map[string]muni{}
	var rest []muni
	for _, m := range ms {
		mu := muni{id: m.ID, code: m.Code, name: m.Name, validFrom: m.ValidFrom, until: m.ValidTo}
		byCode[m.Code] = mu
		if !slices.Contains(bigMunicipalities, m.Code) {
			rest = append(rest, mu)
		}
	}
	for _, code := range bigMunicipalities {
		if m, ok := byCode[code]; ok {
			g.munis = append(g.munis, m)
		}
	}
	g.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	g.munis = append(g.munis, rest...)
	g.muniZipf = newZipf(len(g.munis), 1)
	g.stats.Municipalities = len(g.munis)

	slugs, err := c.Theme.Query().Select("slug").Strings(ctx)
	if err != nil {
		return fmt.Errorf("read theme slugs: %w", err)
	}
	orgNames, err := c.Organization.Query().Select("name").Strings(ctx)
	if err != nil {
		return fmt.Errorf("read organisation names: %w", err)
	}
	netNames, err := c.Network.Query().Select("name").Strings(ctx)
	if err != nil {
		return fmt.Errorf("read network names: %w", err)
	}
	docKeys, err := c.Document.Query().Select("key").Strings(ctx)
	if err != nil {
		return fmt.Errorf("read document keys: %w", err)
	}
	sems, err := c.Seminar.Query().All(ctx)
	if err != nil {
		return fmt.Errorf("read seminars: %w", err)
	}
	semKeys := make([]string, len(sems))
	for i, s := range sems {
		semKeys[i] = seminarKey(s.Title, s.Date)
	}
	g.slugs, g.orgNames, g.netNames = newUnique(slugs), newUnique(orgNames), newUnique(netNames)
	g.docKeys, g.semKeys = newUnique(docKeys), newUnique(semKeys)
	return nil
}

func seminarKey(title string, d time.Time) string { return title + "|" + d.Format(calendar.Layout) }

// batchSize is the number of rows per INSERT when a row binds at most varsPerRow
// variables in any of the statements its CreateBulk sends.
func batchSize(varsPerRow int) int { return max(1, min(maxBatch, maxVars/varsPerRow)) }

// bulk saves builders in batches through save.
func bulk[T any](ctx context.Context, items []T, varsPerRow int, save func(context.Context, []T) error) error {
	size := batchSize(varsPerRow)
	for i := 0; i < len(items); i += size {
		if err := save(ctx, items[i:min(i+size, len(items))]); err != nil {
			return err
		}
	}
	return nil
}

// base writes the organisations, themes, experts and networks with their terms.
func (g *generator) base(ctx context.Context, c *ent.Client) error {
	const steps = 4
	g.opts.Progress("base", 0, steps)
	if err := g.writeOrganizations(ctx, c); err != nil {
		return err
	}
	g.opts.Progress("base", 1, steps)
	if err := g.writeThemes(ctx, c); err != nil {
		return err
	}
	g.opts.Progress("base", 2, steps)
	if err := g.writeExperts(ctx, c); err != nil {
		return err
	}
	g.opts.Progress("base", 3, steps)
	if err := g.writeNetworks(ctx, c); err != nil {
		return err
	}
	g.opts.Progress("base", 4, steps)
	return nil
}

func (g *generator) writeOrganizations(ctx context.Context, c *ent.Client) error {
	kinds := []struct {
		kind   organization.Kind
		weight float64
	}{
		{organization.KindMUNICIPALITY, 40}, {organization.KindCONSULTANCY, 20}, {organization.KindASSOCIATION, 15},
		{organization.KindUNIVERSITY, 10}, {organization.KindGOVERNMENT, 10}, {organization.KindOTHER, 5},
	}
	kw := make([]float64, len(kinds))
	for i, k := range kinds {
		kw[i] = k.weight
	}
	kindPick := newWeighted(kw)
	usedMunis := map[int]bool{}
	builders := make([]*ent.OrganizationCreate, 0, g.size.Organizations)
	for i := 0; i < g.size.Organizations; i++ {
		kind := kinds[kindPick.pick(g.r)].kind
		o := org{id: pulid.MustNew("or"), kind: kind, muni: -1}
		var name, nameEn string
		if kind == organization.KindMUNICIPALITY {
			// A municipality as an organisation: a current one not used yet.
			picked := g.muniZipf.distinct(g.r, 1, func(m int) bool { return !usedMunis[m] && g.munis[m].until == nil })
			if len(picked) == 1 {
				o.muni = picked[0]
				usedMunis[o.muni] = true
				m := g.munis[o.muni]
				name, nameEn = m.name+" (kunta)", "Municipality of "+m.name
			} else {
				kind = organization.KindOTHER
				o.kind = kind
			}
		}
		if name == "" {
			p := g.r.IntN(len(orgPrefixes))
			suf := one(g.r, orgSuffixes[string(kind)])
			name = orgPrefixes[p] + suf.fi
			nameEn = orgPrefixEn[p] + " " + suf.en
			if chance(g.r, 0.5) {
				o.muni = g.muniZipf.pick(g.r)
			}
		}
		name = g.orgNames.take(name, spaceSuffix)
		b := c.Organization.Create().SetID(o.id).SetName(name).SetNameEn(nameEn).SetKind(kind)
		if o.muni >= 0 {
			b.SetMunicipalityID(g.munis[o.muni].id)
		}
		builders = append(builders, b)
		g.orgs = append(g.orgs, o)
	}
	g.orgZipf = newZipf(len(g.orgs), 0.8)
	g.stats.Organizations = len(builders)
	return bulk(ctx, builders, 6, func(ctx context.Context, b []*ent.OrganizationCreate) error {
		if err := c.Organization.CreateBulk(b...).Exec(ctx); err != nil {
			return fmt.Errorf("create organisations: %w", err)
		}
		return nil
	})
}

// writeThemes writes the theme hierarchy: roots, aspects of roots, and contexts of
// aspects, about 1:3:1.
func (g *generator) writeThemes(ctx context.Context, c *ent.Client) error {
	total := g.size.Themes
	roots := min(len(rootThemes), (total+4)/5)
	third := total / 5
	second := total - roots - third
	if capacity := roots * len(aspects); second > capacity {
		third += second - capacity
		second = capacity
	}
	type node struct {
		theme
		parent int
		used   []int // aspects or contexts already used below this node
	}
	var nodes []node
	rootOrder := g.r.Perm(len(rootThemes))[:roots]
	slices.Sort(rootOrder) // a seeded subset of the roots, in the list's order
	for _, ri := range rootOrder {
		rt := rootThemes[ri]
		nodes = append(nodes, node{theme: theme{fi: rt.fi, en: rt.en}, parent: -1})
		nodes[len(nodes)-1].related = []int{len(nodes) - 1}
	}
	rootGen := make([]string, roots)
	for i, ri := range rootOrder {
		rootGen[i] = rootThemes[ri].gen
	}
	for i := 0; i < second; i++ {
		p := i % roots
		a := g.fresh(len(aspects), &nodes[p].used)
		asp := aspects[a]
		fi := rootGen[p] + " " + asp.fi
		en := asp.en + " of " + strings.ToLower(nodes[p].en[:1]) + nodes[p].en[1:]
		nodes = append(nodes, node{theme: theme{fi: fi, en: en, related: []int{p}}, parent: p})
	}
	for i := 0; i < third; i++ {
		var p int
		if second > 0 {
			p = roots + g.r.IntN(second)
		} else {
			p = g.r.IntN(roots)
		}
		cx := contexts[g.fresh(len(contexts), &nodes[p].used)]
		nodes = append(nodes, node{theme: theme{
			fi: nodes[p].fi + " " + cx.fi, en: nodes[p].en + " " + cx.en,
			related: append([]int{p}, nodes[p].related...),
		}, parent: p})
	}
	names := newUnique(nil)
	builders := make([]*ent.ThemeCreate, len(nodes))
	g.themes = make([]theme, len(nodes))
	for i := range nodes {
		nd := &nodes[i]
		nd.id = pulid.MustNew("th")
		nd.fi = names.take(nd.fi, spaceSuffix)
		slug := g.slugs.take(slugify(nd.fi, 110), dashSuffix)
		b := c.Theme.Create().SetID(nd.id).SetSlug(slug).SetName(nd.fi).SetNameEn(nd.en).
			SetDescription(fmt.Sprintf("What municipalities do about %s: practices, examples and open questions.", lowerFirst(nd.en)))
		if nd.parent >= 0 {
			b.SetParentID(nodes[nd.parent].id)
		}
		builders[i] = b
		g.themes[i] = nd.theme
	}
	g.themeRank = g.r.Perm(len(g.themes))
	g.themeZipf = newZipf(len(g.themes), 1)
	g.stats.Themes = len(builders)
	// Parents first: a theme's parent is in an earlier batch or earlier in the same one.
	return bulk(ctx, builders, 6, func(ctx context.Context, b []*ent.ThemeCreate) error {
		if err := c.Theme.CreateBulk(b...).Exec(ctx); err != nil {
			return fmt.Errorf("create themes: %w", err)
		}
		return nil
	})
}

// fresh picks an index below n not in used (any once all are used) and records it.
func (g *generator) fresh(n int, used *[]int) int {
	if len(*used) >= n {
		return g.r.IntN(n)
	}
	for {
		i := g.r.IntN(n)
		if !contains(*used, i) {
			*used = append(*used, i)
			return i
		}
	}
}

// pickThemes picks k distinct themes by popularity.
func (g *generator) pickThemes(k int) []int {
	ranks := g.themeZipf.distinct(g.r, k, nil)
	out := make([]int, len(ranks))
	for i, rk := range ranks {
		out[i] = g.themeRank[rk]
	}
	return out
}

func (g *generator) themeIDs(idx []int) []pulid.ID {
	out := make([]pulid.ID, len(idx))
	for i, t := range idx {
		out[i] = g.themes[t].id
	}
	return out
}

func (g *generator) writeExperts(ctx context.Context, c *ent.Client) error {
	builders := make([]*ent.ExpertCreate, 0, g.size.Experts)
	for i := 0; i < g.size.Experts; i++ {
		e := expert{id: pulid.MustNew("ex")}
		name := one(g.r, firstNames) + " " + one(g.r, surnameStems) + one(g.r, surnameEndings)
		b := c.Expert.Create().SetID(e.id).SetName(name)
		if chance(g.r, 0.85) {
			o := g.orgs[g.orgZipf.pick(g.r)]
			e.org = &o.id
			b.SetOrganizationID(o.id)
			if o.muni >= 0 && o.kind == organization.KindMUNICIPALITY {
				b.SetMunicipalityID(g.munis[o.muni].id)
			}
		} else if chance(g.r, 0.3) {
			b.SetMunicipalityID(g.munis[g.muniZipf.pick(g.r)].id)
		}
		if chance(g.r, 0.9) {
			t := one(g.r, titles)
			e.title, e.titleEn = &t.fi, &t.en
			b.SetTitle(t.fi).SetTitleEn(t.en)
			if chance(g.r, 0.5) {
				b.SetTitleAsOf(time.Date(2015+g.r.IntN(10), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC))
			}
		}
		b.AddThemeIDs(g.themeIDs(g.pickThemes(countFrom(g.r, 1, 50, 35, 15)))...)
		builders = append(builders, b)
		g.experts = append(g.experts, e)
	}
	g.speakerZipf = newZipf(len(g.experts), 0.7)
	g.stats.Experts = len(builders)
	return bulk(ctx, builders, 8, func(ctx context.Context, b []*ent.ExpertCreate) error {
		if err := c.Expert.CreateBulk(b...).Exec(ctx); err != nil {
			return fmt.Errorf("create experts: %w", err)
		}
		g.stats.Links += countLinks(b, func(x *ent.ExpertCreate) int { return len(x.Mutation().ThemesIDs()) })
		return nil
	})
}

func countLinks[T any](items []T, n func(T) int) int {
	total := 0
	for _, it := range items {
		total += n(it)
	}
	return total
}

// pickMunis picks k distinct municipalities that existed on day d: from prefer (when
// given) with probability p, otherwise by popularity.
func (g *generator) pickMunis(k int, d time.Time, prefer []int, p float64) []int {
	out := make([]int, 0, k)
	for tries := 0; len(out) < k && tries < 40*k; tries++ {
		var m int
		if len(prefer) > 0 && chance(g.r, p) {
			m = one(g.r, prefer)
		} else {
			m = g.muniZipf.pick(g.r)
		}
		if g.munis[m].validOn(d) && !contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func (g *generator) muniIDs(idx []int) []pulid.ID {
	out := make([]pulid.ID, len(idx))
	for i, m := range idx {
		out[i] = g.munis[m].id
	}
	return out
}

func (g *generator) writeNetworks(ctx context.Context, c *ent.Client) error {
	var (
		nets  []*ent.NetworkCreate
		terms []*ent.NetworkTermCreate
		docs  []*ent.DocumentCreate
	)
	// Network organisers are associations or consultancies where there are any.
	var organizers []int
	for i, o := range g.orgs {
		if o.kind == organization.KindASSOCIATION || o.kind == organization.KindCONSULTANCY {
			organizers = append(organizers, i)
		}
	}
	if len(organizers) == 0 {
		organizers = []int{0}
	}
	for i := 0; i < g.size.Networks; i++ {
		base := networkNames[i%len(networkNames)]
		name := base.name
		if i >= len(networkNames) {
			name = fmt.Sprintf("%s %d", name, i/len(networkNames)+1)
		}
		name = g.netNames.take(name, spaceSuffix)
		nw := net{id: pulid.MustNew("nw"), name: name}
		for k := countFrom(g.r, 1, 60, 40); len(nw.organizers) < k && len(nw.organizers) < len(organizers); {
			o := one(g.r, organizers)
			if !contains(nw.organizers, o) {
				nw.organizers = append(nw.organizers, o)
			}
		}
		key := g.docKeys.take("verkosto-"+slugify(name, 100), dashSuffix)
		docID := pulid.MustNew("dc")
		docs = append(docs, c.Document.Create().SetID(docID).SetKey(key).SetTitle(name+": verkoston verkkosivu").
			SetKind(document.KindWEB_PAGE).SetURL("https://kuntaverkko.example/verkostot/"+key).SetLanguage("fi").
			SetPublisherID(g.orgs[nw.organizers[0]].id))
		orgIDs := make([]pulid.ID, len(nw.organizers))
		for j, o := range nw.organizers {
			orgIDs[j] = g.orgs[o].id
		}
		nets = append(nets, c.Network.Create().SetID(nw.id).SetName(name).SetDescription(base.description).
			AddOrganizerIDs(orgIDs...).AddSourceIDs(docID))
		var members []int
		for t := 0; t < termsPerNetwork; t++ {
			start := firstYear + 2*t
			day := time.Date(start, 1, 1, 0, 0, 0, 0, time.UTC)
			// Most members stay from one term to the next; some leave, some join.
			var next []int
			for _, m := range members {
				if chance(g.r, 0.8) && g.munis[m].validOn(day) {
					next = append(next, m)
				}
			}
			want := 15 + g.r.IntN(26)
			for _, m := range g.pickMunis(max(0, want-len(next)), day, nil, 0) {
				if !contains(next, m) {
					next = append(next, m)
				}
			}
			members = next
			tm := term{id: pulid.MustNew("nt"), members: slices.Clone(members)}
			b := c.NetworkTerm.Create().SetID(tm.id).SetNetworkID(nw.id).SetNumber(t + 1).SetStartYear(start).SetEndYear(start + 1).
				SetMunicipalityCount(len(members)).
				SetDescription(fmt.Sprintf("Term %d of %s, %d–%d, with %d member municipalities.", t+1, name, start, start+1, len(members))).
				AddMunicipalityIDs(g.muniIDs(members)...).AddThemeIDs(g.themeIDs(g.pickThemes(3 + g.r.IntN(3)))...).AddSourceIDs(docID)
			terms = append(terms, b)
			nw.terms = append(nw.terms, tm)
		}
		g.networks = append(g.networks, nw)
	}
	g.netZipf = newZipf(len(g.networks), 1)
	if err := c.Document.CreateBulk(docs...).Exec(ctx); err != nil {
		return fmt.Errorf("create network documents: %w", err)
	}
	if err := c.Network.CreateBulk(nets...).Exec(ctx); err != nil {
		return fmt.Errorf("create networks: %w", err)
	}
	// A term binds up to 2×40 municipality link variables.
	if err := bulk(ctx, terms, 80, func(ctx context.Context, b []*ent.NetworkTermCreate) error {
		if err := c.NetworkTerm.CreateBulk(b...).Exec(ctx); err != nil {
			return fmt.Errorf("create network terms: %w", err)
		}
		return nil
	}); err != nil {
		return err
	}
	g.stats.Networks, g.stats.Terms, g.stats.Documents = len(nets), len(terms), g.stats.Documents+len(docs)
	g.stats.Links += countLinks(nets, func(x *ent.NetworkCreate) int {
		return len(x.Mutation().OrganizersIDs()) + len(x.Mutation().SourcesIDs())
	})
	g.stats.Links += countLinks(terms, func(x *ent.NetworkTermCreate) int {
		m := x.Mutation()
		return len(m.MunicipalitiesIDs()) + len(m.ThemesIDs()) + len(m.SourcesIDs())
	})
	return nil
}

// plan is what is decided for every seminar before any is written: dates (in order,
// so that IDs sort by date), and how many sessions and outcomes each gets.
type plan struct {
	dates      []time.Time
	precisions []calendar.Precision
	sessions   []int
	outcomes   []int
}

func (g *generator) plan() plan {
	n := g.size.Seminars
	p := plan{dates: make([]time.Time, n), precisions: make([]calendar.Precision, n)}
	for i := range p.dates {
		year := firstYear + g.r.IntN(lastYear-firstYear+1)
		month := time.Month(1 + g.r.IntN(11))
		if month >= time.July {
			month++ // no seminars in July
		}
		d := time.Date(year, month, 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDate(0, 0, 1)
		}
		prec := calendar.Day
		switch u := g.r.Float64(); {
		case u < 0.02:
			prec, d = calendar.Year, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		case u < 0.07:
			prec, d = calendar.Month, time.Date(year, d.Month(), 1, 0, 0, 0, 0, time.UTC)
		}
		p.dates[i], p.precisions[i] = d, prec
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return p.dates[a].Compare(p.dates[b]) })
	dates, precs := make([]time.Time, n), make([]calendar.Precision, n)
	for i, j := range idx {
		dates[i], precs[i] = p.dates[j], p.precisions[j]
	}
	p.dates, p.precisions = dates, precs
	p.sessions = spread(g.r, g.size.Sessions, n, 3, nil)
	// Outcomes: some seminars produce far more than others.
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 + g.r.Float64()
	}
	p.outcomes = spread(g.r, g.size.Outcomes, n, 10, newWeighted(w))
	return p
}

// seminars writes the seminars with their documents, sessions, appearances and
// outcomes, seminarsPerTx per transaction.
func (g *generator) seminars(ctx context.Context, client *ent.Client) error {
	p := g.plan()
	total := len(p.dates)
	g.opts.Progress("seminars", 0, total)
	for from := 0; from < total; from += seminarsPerTx {
		to := min(from+seminarsPerTx, total)
		ch := &chunk{}
		err := inTx(ctx, client, func(c *ent.Client) error {
			for i := from; i < to; i++ {
				g.seminar(c, ch, p, i)
			}
			return ch.write(ctx, c)
		})
		if err != nil {
			return fmt.Errorf("seminars %d–%d of %d: %w", from+1, to, total, err)
		}
		g.stats.Seminars += len(ch.seminars)
		g.stats.Sessions += len(ch.sessions)
		g.stats.Outcomes += len(ch.outcomes)
		g.stats.Documents += len(ch.documents)
		g.stats.Appearances += len(ch.appearances)
		g.stats.Links += ch.links
		g.opts.Progress("seminars", to, total)
	}
	return nil
}

// chunk is the builders of one transaction's seminars.
type chunk struct {
	documents   []*ent.DocumentCreate
	seminars    []*ent.SeminarCreate
	sessions    []*ent.SessionCreate
	appearances []*ent.AppearanceCreate
	outcomes    []*ent.OutcomeCreate
	links       int
}

func (ch *chunk) write(ctx context.Context, c *ent.Client) error {
	// Variables per row: the widest of the row's own columns and 2 per link of one table.
	if err := bulk(ctx, ch.documents, 10, func(ctx context.Context, b []*ent.DocumentCreate) error {
		for _, x := range b {
			ch.links += len(x.Mutation().AuthorsIDs()) + len(x.Mutation().ThemesIDs())
		}
		return wrap("documents", c.Document.CreateBulk(b...).Exec(ctx))
	}); err != nil {
		return err
	}
	if err := bulk(ctx, ch.seminars, 30, func(ctx context.Context, b []*ent.SeminarCreate) error {
		for _, x := range b {
			m := x.Mutation()
			ch.links += len(m.OrganizersIDs()) + len(m.ThemesIDs()) + len(m.MunicipalitiesIDs()) + len(m.SourcesIDs())
		}
		return wrap("seminars", c.Seminar.CreateBulk(b...).Exec(ctx))
	}); err != nil {
		return err
	}
	if err := bulk(ctx, ch.sessions, 10, func(ctx context.Context, b []*ent.SessionCreate) error {
		for _, x := range b {
			m := x.Mutation()
			ch.links += len(m.SpeakersIDs()) + len(m.ModeratorsIDs()) + len(m.ThemesIDs()) + len(m.SourcesIDs())
		}
		return wrap("sessions", c.Session.CreateBulk(b...).Exec(ctx))
	}); err != nil {
		return err
	}
	if err := bulk(ctx, ch.appearances, 8, func(ctx context.Context, b []*ent.AppearanceCreate) error {
		return wrap("appearances", c.Appearance.CreateBulk(b...).Exec(ctx))
	}); err != nil {
		return err
	}
	return bulk(ctx, ch.outcomes, 10, func(ctx context.Context, b []*ent.OutcomeCreate) error {
		for _, x := range b {
			m := x.Mutation()
			ch.links += len(m.ThemesIDs()) + len(m.MunicipalitiesIDs()) + len(m.ExpertsIDs()) + len(m.SourcesIDs())
		}
		return wrap("outcomes", c.Outcome.CreateBulk(b...).Exec(ctx))
	})
}

func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("create %s: %w", what, err)
	}
	return nil
}

// sem is what the parts of one seminar share while its builders are made.
type sem struct {
	id         pulid.ID
	title      string
	date       time.Time
	prec       calendar.Precision
	themes     []int
	mainTheme  theme
	munis      []int
	organizers []int
	docs       []semDoc
	sessions   []semSession
}

// semDoc is a document of a seminar; the first is its memo.
type semDoc struct {
	id   pulid.ID
	kind document.Kind
}

// semSession is a session of a seminar.
type semSession struct {
	id       pulid.ID
	kind     session.Kind
	themes   []int
	speakers []pulid.ID
	// weight is how likely an outcome of the seminar comes from this session.
	weight float64
}

// seminar adds the builders of seminar i, with its documents, sessions, appearances
// and outcomes, to ch.
func (g *generator) seminar(c *ent.Client, ch *chunk, p plan, i int) {
	r := g.r
	date, prec := p.dates[i], p.precisions[i]
	nw := g.networks[g.netZipf.pick(r)]
	tm := nw.terms[min(len(nw.terms)-1, (date.Year()-firstYear)/2)]
	kind := one(r, seminarKinds)
	themes := g.pickThemes(2 + r.IntN(3))
	mainTheme := g.themes[themes[0]]
	munis := g.pickMunis(countFrom(r, 3, 20, 18, 15, 12, 10, 8, 6, 5, 4, 3, 2, 2, 1), date, tm.members, 0.6)
	if len(munis) == 0 {
		munis = []int{g.firstValid(date)}
	}

	base := kind.fi + ": " + mainTheme.fi
	title := base
	for n := 2; g.semKeys.taken[seminarKey(title, date)]; n++ {
		title = fmt.Sprintf("%s %d", base, n)
	}
	g.semKeys.taken[seminarKey(title, date)] = true

	organizers := []int{nw.organizers[0]}
	if chance(r, 0.3) {
		for _, m := range munis {
			if j := g.orgOfMuni(m); j >= 0 && !contains(organizers, j) {
				organizers = append(organizers, j)
				break
			}
		}
	}
	s := &sem{id: pulid.MustNew("se"), title: title, date: date, prec: prec, themes: themes, mainTheme: mainTheme,
		munis: munis, organizers: organizers}
	b := c.Seminar.Create().SetID(s.id).SetTitle(title).SetDate(date).SetDatePrecision(prec).SetTermID(tm.id).
		AddThemeIDs(g.themeIDs(themes)...).AddMunicipalityIDs(g.muniIDs(munis)...)
	for _, o := range organizers {
		b.AddOrganizerIDs(g.orgs[o].id)
	}
	if kind.fi == "Webinaari" {
		b.SetVenue("verkossa").SetRemoteParticipation(true)
	} else {
		host := g.munis[munis[0]].name
		if chance(r, 0.2) {
			b.SetVenue("Kuntatalo, Helsinki")
		} else {
			b.SetVenue(host + ", " + one(r, []string{"kaupungintalo", "kunnantalo", "kongressikeskus", "kirjasto", "valtuustosali"}))
		}
		switch u := r.Float64(); {
		case u < 0.5:
			b.SetRemoteParticipation(true)
		case u < 0.8:
			b.SetRemoteParticipation(false)
		}
	}
	if chance(r, 0.8) {
		b.SetAttendeeCount(20 + r.IntN(130)).SetAttendeeCountApproximate(chance(r, 0.3))
	}
	if chance(r, 0.7) {
		b.SetMunicipalityCount(len(munis) + r.IntN(10))
	}
	b.SetSummary(fmt.Sprintf("A %s of %s on %s, with participants from %d municipalities.",
		kind.en, nw.name, lowerFirst(mainTheme.en), len(munis)))

	g.documents(c, ch, s)
	for _, d := range s.docs {
		b.AddSourceIDs(d.id)
	}
	ch.seminars = append(ch.seminars, b)
	g.sessions(c, ch, s, p.sessions[i])
	g.outcomes(c, ch, s, p.outcomes[i])
}

// documents adds the seminar's documents: the memo always, others sometimes.
func (g *generator) documents(c *ent.Client, ch *chunk, s *sem) {
	r, date, title := g.r, s.date, s.title
	authorsOf := func() []int { return g.speakerZipf.distinct(r, countFrom(r, 1, 70, 30), nil) }
	addDoc := func(kind document.Kind, titleFi, keyPart string, lang string, yearOnly bool) {
		id := pulid.MustNew("dc")
		key := g.docKeys.take(slugify(date.Format(calendar.Layout)+"-"+keyPart+"-"+title, 150), dashSuffix)
		d := c.Document.Create().SetID(id).SetKey(key).SetTitle(titleFi).SetKind(kind).SetLanguage(lang).
			SetPublisherID(g.orgs[s.organizers[0]].id).AddThemeIDs(g.themeIDs(s.themes[:min(2, len(s.themes))])...)
		published, precision := time.Date(date.Year(), 1, 1, 0, 0, 0, 0, time.UTC), calendar.Year
		if !yearOnly {
			published, precision = date.AddDate(0, 0, r.IntN(30)), calendar.Day
		}
		d.SetPublishedOn(published).SetPublishedOnPrecision(precision)
		if kind == document.KindNEWS_ARTICLE || kind == document.KindRESEARCH_REPORT {
			d.SetURL("https://kuntaverkko.example/aineistot/" + key)
		}
		if s.prec != calendar.Day && kind == document.KindMEMO {
			d.SetNote("The memo does not give the seminar's exact day.")
		}
		for _, a := range authorsOf() {
			e := g.experts[a]
			d.AddAuthorIDs(e.id)
			ch.appearances = append(ch.appearances, c.Appearance.Create().SetID(pulid.MustNew("ap")).
				SetRole(appearance.RoleAUTHOR).SetExpertID(e.id).SetDocumentID(id).SetDate(published).SetDatePrecision(precision).
				SetNillableOrganizationID(e.org).SetNillableTitle(e.title).SetNillableTitleEn(e.titleEn))
		}
		ch.documents = append(ch.documents, d)
		s.docs = append(s.docs, semDoc{id, kind})
	}
	addDoc(document.KindMEMO, "Muistio: "+title, "muistio", "fi", false)
	if chance(r, 0.6) {
		addDoc(document.KindPRESENTATION, "Esitysaineisto: "+title, "esitykset", "fi", false)
	}
	if chance(r, 0.35) {
		lang := "fi"
		if chance(r, 0.15) {
			lang = "sv"
		}
		addDoc(document.KindNEWS_ARTICLE, title+" kokosi kunnat yhteen", "uutinen", lang, false)
	}
	if chance(r, 0.1) {
		addDoc(document.KindRESEARCH_REPORT, "Raportti: "+s.mainTheme.fi, "raportti", "fi", true)
	}
}

// sessions adds the seminar's n sessions: an opening, the programme, a closing.
func (g *generator) sessions(c *ent.Client, ch *chunk, sm *sem, n int) {
	r, memo := g.r, sm.docs[0].id
	sm.sessions = make([]semSession, n)
	for pos := 1; pos <= n; pos++ {
		s := semSession{id: pulid.MustNew("ss")}
		switch {
		case pos == 1:
			s.kind = session.KindOPENING
		case pos == n:
			s.kind = session.KindCLOSING
		case pos == 2 && chance(r, 0.5):
			s.kind = session.KindKEYNOTE
		default:
			s.kind = []session.Kind{session.KindPRESENTATION, session.KindPRESENTATION, session.KindPRESENTATION,
				session.KindPANEL, session.KindWORKSHOP, session.KindWORKSHOP, session.KindREVIEW}[r.IntN(7)]
		}
		var nThemes, nSpeakers, nModerators int
		switch s.kind {
		case session.KindOPENING, session.KindCLOSING:
			nThemes, nSpeakers, s.weight = r.IntN(2), 1, 0.3
		case session.KindKEYNOTE, session.KindREVIEW:
			nThemes, nSpeakers, s.weight = 1+r.IntN(2), 1, 2
		case session.KindPRESENTATION:
			nThemes, nSpeakers, s.weight = 1+r.IntN(2), countFrom(r, 1, 70, 30), 2
		case session.KindPANEL:
			nThemes, nSpeakers, nModerators, s.weight = 1+r.IntN(2), 3+r.IntN(2), 1, 3
		case session.KindWORKSHOP:
			nThemes, nSpeakers, nModerators, s.weight = 1, r.IntN(2), 1+r.IntN(2), 5
		}
		for k := 0; k < nThemes; k++ {
			t := one(r, sm.themes)
			if !contains(s.themes, t) {
				s.themes = append(s.themes, t)
			}
		}
		th := sm.mainTheme
		if len(s.themes) > 0 {
			th = g.themes[s.themes[0]]
		}
		var title string
		switch s.kind {
		case session.KindOPENING:
			title = "Avaus"
		case session.KindCLOSING:
			title = "Yhteenveto ja päätös"
		case session.KindKEYNOTE:
			title = "Pääpuheenvuoro: " + th.fi
		case session.KindPANEL:
			title = "Paneelikeskustelu: " + th.fi
		case session.KindWORKSHOP:
			title = "Työpaja: " + th.fi
		case session.KindREVIEW:
			title = "Katsaus: " + th.fi
		default:
			phrase := one(r, presentationPhrases)
			if chance(r, 0.2) {
				phrase = "case " + g.munis[one(r, sm.munis)].name
			}
			title = th.fi + ": " + phrase
		}
		sb := c.Session.Create().SetID(s.id).SetSeminarID(sm.id).SetPosition(pos).SetKind(s.kind).SetTitle(title).
			AddThemeIDs(g.themeIDs(s.themes)...).AddSourceIDs(memo)
		if chance(r, 0.5) {
			sb.SetSummary(fmt.Sprintf("%s on %s.", upperFirst(strings.ToLower(string(s.kind))), lowerFirst(th.en)))
		}
		if s.kind == session.KindWORKSHOP || s.kind == session.KindPANEL {
			qs := make([]string, 0, 3)
			for _, q := range r.Perm(len(workshopQuestions))[:2+r.IntN(2)] {
				qs = append(qs, fmt.Sprintf(workshopQuestions[q], lowerFirst(th.fi)))
			}
			sb.SetQuestions(qs)
		}
		speakers := g.speakerZipf.distinct(r, nSpeakers+nModerators, nil)
		for k, e := range speakers {
			ex := g.experts[e]
			role := appearance.RoleSPEAKER
			if k < nSpeakers {
				sb.AddSpeakerIDs(ex.id)
				s.speakers = append(s.speakers, ex.id)
			} else {
				sb.AddModeratorIDs(ex.id)
				role = appearance.RoleMODERATOR
			}
			ch.appearances = append(ch.appearances, c.Appearance.Create().SetID(pulid.MustNew("ap")).
				SetRole(role).SetExpertID(ex.id).SetSessionID(s.id).SetDate(sm.date).SetDatePrecision(sm.prec).
				SetNillableOrganizationID(ex.org).SetNillableTitle(ex.title).SetNillableTitleEn(ex.titleEn))
		}
		ch.sessions = append(ch.sessions, sb)
		sm.sessions[pos-1] = s
	}
}

// outcomes adds the seminar's n outcomes, mostly from its workshops and panels.
func (g *generator) outcomes(c *ent.Client, ch *chunk, sm *sem, n int) {
	r, memo := g.r, sm.docs[0].id
	sw := make([]float64, len(sm.sessions))
	for k, s := range sm.sessions {
		sw[k] = s.weight
	}
	sessionPick := newWeighted(sw)
	kw := make([]float64, len(outcomeKinds))
	for k, ok := range outcomeKinds {
		kw[k] = ok.weight
	}
	kindPick := newWeighted(kw)
	for range n {
		var s *semSession
		if chance(r, 0.9) {
			s = &sm.sessions[sessionPick.pick(r)]
		}
		nThemes := countFrom(r, 1, 50, 35, 15)
		var ts []int
		switch {
		case s != nil && len(s.themes) > 0 && chance(r, 0.7):
			ts = append(ts, one(r, s.themes))
		case chance(r, 0.5):
			ts = append(ts, one(r, sm.themes))
		}
		for len(ts) < nThemes {
			var t int
			if len(ts) > 0 && chance(r, 0.3) {
				t = one(r, g.themes[ts[0]].related) // a broader theme of the first
			} else {
				t = g.pickThemes(1)[0]
			}
			if !contains(ts, t) {
				ts = append(ts, t)
			}
		}
		ms := g.pickMunis(countFrom(r, 1, 45, 25, 15, 10, 5), sm.date, sm.munis, 0.5)
		if len(ms) == 0 {
			ms = sm.munis[:1]
		}
		okind := outcomeKinds[kindPick.pick(r)].kind
		tpl := one(r, outcomeTemplates[okind])
		first, place := g.themes[ts[0]], g.munis[ms[0]].name
		text := upperFirst(fmt.Sprintf(tpl.en, lowerFirst(first.en), place))
		ob := c.Outcome.Create().SetID(pulid.MustNew("oc")).SetSeminarID(sm.id).SetKind(outcome.Kind(okind)).SetText(text).
			AddThemeIDs(g.themeIDs(ts)...).AddMunicipalityIDs(g.muniIDs(ms)...).AddSourceIDs(memo)
		if chance(r, 0.8) {
			ob.SetQuote(upperFirst(fmt.Sprintf(tpl.fi, lowerFirst(first.fi), place)))
		}
		if s != nil {
			ob.SetSessionID(s.id)
			if len(s.speakers) > 0 && chance(r, 0.4) {
				ob.AddExpertIDs(one(r, s.speakers))
			}
		}
		if len(sm.docs) > 1 && chance(r, 0.3) {
			ob.AddSourceIDs(sm.docs[1+r.IntN(len(sm.docs)-1)].id)
		}
		ch.outcomes = append(ch.outcomes, ob)
	}
}

// orgOfMuni returns the index of the organisation that is municipality m, or -1.
func (g *generator) orgOfMuni(m int) int {
	for i, o := range g.orgs {
		if o.kind == organization.KindMUNICIPALITY && o.muni == m {
			return i
		}
	}
	return -1
}

// firstValid returns the most popular municipality that existed on day d.
func (g *generator) firstValid(d time.Time) int {
	for i, m := range g.munis {
		if m.validOn(d) {
			return i
		}
	}
	return 0
}
