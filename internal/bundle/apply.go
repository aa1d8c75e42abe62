package bundle

import (
	"context"
	"errors"
	"fmt"
	"github.com/teemaverkko/teemaverkko/internal/edit"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"slices"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/predicate"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/timeline"
)

// Options control Apply.
type Options struct {
	// DryRun applies the bundle inside the transaction, computes the report and then
	// rolls the transaction back, so that nothing is written.
	DryRun bool
	// Progress, when set, is called as the import advances: after resolving the
	// references (done 0) and after each of its steps, with the step's name.
	Progress func(step string, done, total int)
}

// Apply upserts the bundle into the database in one transaction, which it rolls back on
// any error (and, with DryRun, after computing the report). See the package
// documentation for the rules. It first validates the bundle and resolves every
// reference; all problems found are returned together as ValidationErrors, before
// anything is written. (Format and Version are Decode's to check: Apply ignores them, so
// that a bundle built in code need not set them.) The Report counts every entity of the
// bundle once.
func Apply(ctx context.Context, client *ent.Client, b *Bundle, opts Options) (*Report, error) {
	if b == nil {
		return nil, errors.New("bundle: apply: no bundle")
	}
	chk := b.check()
	if err := chk.errs.err(); err != nil {
		return nil, err
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("bundle: begin transaction: %w", err)
	}
	if err := history.LockWriters(ctx, tx); err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("bundle: %w", err)
	}
	ctx = edit.WithSessionMemo(ctx)
	a := &applier{c: tx.Client(), b: b, refs: &chk.refs, track: newTracker(), progress: opts.Progress}
	if err := a.run(ctx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = errors.Join(err, fmt.Errorf("bundle: roll back: %w", rerr))
		}
		return nil, err
	}
	if opts.DryRun {
		if err := tx.Rollback(); err != nil {
			return nil, fmt.Errorf("bundle: roll back dry run: %w", err)
		}
	} else if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("bundle: commit: %w", err)
	}
	return a.track.report(opts.DryRun), nil
}

// applier applies one bundle inside a transaction. Its maps hold the database rows the
// bundle concerns, by natural key: resolve loads them once, and the apply steps add the
// rows they create.
type applier struct {
	c        *ent.Client
	b        *Bundle
	refs     *references
	track    *tracker
	progress func(step string, done, total int)
	// redate selects the appearances whose seminar's or document's date this bundle
	// changed, for the last step to bring their dates in step.
	redate []predicate.Appearance

	municipalities map[string]pulid.ID          // by code
	organizations  map[string]*ent.Organization // by name
	documents      map[string]*ent.Document     // by key, with authors and themes
	themes         map[string]*ent.Theme        // by slug
	dbExperts      map[string][]*ent.Expert     // the database's experts with the names the bundle uses
	experts        map[string]*ent.Expert       // the bundle's experts by name; nil until created
	networks       map[string]*ent.Network      // by name, with organizers and sources
	terms          map[termKey]*ent.NetworkTerm // with municipalities, themes and sources
	seminars       map[string]*ent.Seminar      // by seminarKey, with edges
	sessions       map[sessionKey]*ent.Session  // with edges
	outcomes       map[outcomeKey]*ent.Outcome  // with edges
}

// termKey is the natural key of a network term.
type termKey struct {
	network string
	number  int
}

// sessionKey is the natural key of a session: its seminar's key and its position.
type sessionKey struct {
	seminar  string
	position int
}

// outcomeKey is the natural key of an outcome: its seminar's key and its text.
type outcomeKey struct {
	seminar string
	text    string
}

// run applies the bundle, in dependency order.
func (a *applier) run(ctx context.Context) error {
	// The steps date the appearances they write (see applyAppearances).
	ctx = timeline.Handled(ctx)
	if err := a.resolve(ctx); err != nil {
		return err
	}
	progress := a.progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	// Each step writes the entities of one list of the bundle (path).
	steps := []struct {
		name, path string
		fn         func(context.Context) error
	}{
		{"organizations", "organizations", a.applyOrganizations},
		{"documents", "documents", a.applyDocuments},
		{"themes", "themes", a.applyThemes},
		{"theme parents", "themes", a.applyThemeParents},
		{"experts", "experts", a.applyExperts},
		{"document authors and themes", "documents", a.applyDocumentEdges},
		{"organization sources", "organizations", a.applyOrganizationSources},
		{"networks", "networks", a.applyNetworks},
		{"network terms", "networks", a.applyTerms},
		{"term memberships", "networks", a.applyMemberships},
		{"seminars", "seminars", a.applySeminars},
		{"sessions", "seminars", a.applySessions},
		{"outcomes", "seminars", a.applyOutcomes},
		{"appearances", "", a.applyAppearances},
		{"appearance dates", "", a.applyAppearanceDates},
	}
	progress("references resolved", 0, len(steps))
	for i, s := range steps {
		if err := s.fn(ctx); err != nil {
			if fe := writeError(s.path, s.name, err); fe != nil {
				return ValidationErrors{fe}
			}
			return fmt.Errorf("bundle: apply %s: %w", s.name, err)
		}
		progress(s.name, i+1, len(steps))
	}
	return nil
}

// writeError turns a write the database or an ent validator refused into a problem of
// the bundle at the list being written, in the API's words and without the database's
// text, or returns nil for other errors. resolve and Validate check beforehand what
// makes writes fail, so this is for what they cannot see: another writer taking a
// unique value meanwhile, say.
func writeError(path, step string, err error) *FieldError {
	var ve *ent.ValidationError
	if errors.As(err, &ve) {
		field := apierr.FieldName(ve.Name)
		msg := ve.Unwrap().Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return &FieldError{Path: path, Message: fmt.Sprintf("writing the %s: %s: %s", step, field, msg)}
	}
	if ae := apierr.FromConstraint(err); ae != nil {
		msg := ae.Message
		if ae.Field != "" && !strings.HasPrefix(msg, ae.Field) {
			msg = ae.Field + ": " + msg
		}
		return &FieldError{Path: path, Message: fmt.Sprintf("writing the %s: %s", step, msg), Code: ae.Code}
	}
	return nil
}

// save runs an update when something changed and records the outcome for the report.
func (a *applier) save(ctx context.Context, entity, key string, changed bool, exec func(context.Context) error) error {
	if !changed {
		a.track.record(entity, key, "")
		return nil
	}
	if err := exec(ctx); err != nil {
		return fmt.Errorf("update %s %q: %w", entity, key, err)
	}
	a.track.record(entity, key, Update)
	return nil
}

// The helpers below compare a bundle value with a database value and, when the bundle
// gives a value that differs, call the builder's setter and note the change. A zero
// value in the bundle (an omitted field) never changes the database.

// setRequired sets a required field when the bundle's value differs.
func setRequired[T comparable, B any](changed *bool, want, have T, set func(T) B) {
	if want != have {
		set(want)
		*changed = true
	}
}

// setOptional sets an optional field when the bundle gives a value that differs.
func setOptional[T comparable, B any](changed *bool, want T, have *T, set func(T) B) {
	var zero T
	if want == zero || (have != nil && *have == want) {
		return
	}
	set(want)
	*changed = true
}

// setDate sets an optional date field when the bundle gives a different day.
func setDate[B any](changed *bool, want, have *time.Time, set func(time.Time) B) {
	if want == nil || (have != nil && calendar.Normalize(*have).Equal(*want)) {
		return
	}
	set(*want)
	*changed = true
}

// addMissing adds the edges to want that the database does not have yet.
func addMissing[B any](changed *bool, have, want []pulid.ID, add func(...pulid.ID) B) {
	var missing []pulid.ID
	for _, id := range want {
		if !slices.Contains(have, id) && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		add(missing...)
		*changed = true
	}
}

// opt returns a pointer to v, or nil for the zero value (an omitted field).
func opt[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// parseDate parses an optional bundle date (already validated) to midnight UTC.
func parseDate(s string) (*time.Time, calendar.Precision) {
	if s == "" {
		return nil, ""
	}
	t, p, err := calendar.Parse(s)
	if err != nil {
		return nil, ""
	}
	t = calendar.Normalize(t)
	return &t, p
}

// ids returns the IDs of ent nodes.
func ids[N any](nodes []N, id func(N) pulid.ID) []pulid.ID {
	out := make([]pulid.ID, len(nodes))
	for i, n := range nodes {
		out[i] = id(n)
	}
	return out
}

func organizationID(o *ent.Organization) pulid.ID { return o.ID }
func documentID(d *ent.Document) pulid.ID         { return d.ID }
func themeID(t *ent.Theme) pulid.ID               { return t.ID }
func expertID(e *ent.Expert) pulid.ID             { return e.ID }
func municipalityID(m *ent.Municipality) pulid.ID { return m.ID }

// The lookups below turn resolved references into IDs; resolve has checked that each
// exists, and the steps before have created those the bundle defines.

func (a *applier) organizationIDs(names []string) []pulid.ID {
	out := make([]pulid.ID, 0, len(names))
	for _, n := range names {
		out = append(out, a.organizations[n].ID)
	}
	return out
}

// organizationRef returns the ID of an optional organisation reference.
func (a *applier) organizationRef(name string) *pulid.ID {
	if name == "" {
		return nil
	}
	return &a.organizations[name].ID
}

func (a *applier) documentIDs(keys []string) []pulid.ID {
	out := make([]pulid.ID, 0, len(keys))
	for _, k := range keys {
		out = append(out, a.documents[k].ID)
	}
	return out
}

func (a *applier) themeIDs(slugs []string) []pulid.ID {
	out := make([]pulid.ID, 0, len(slugs))
	for _, s := range slugs {
		out = append(out, a.themes[s].ID)
	}
	return out
}

func (a *applier) municipalityIDs(codes []string) []pulid.ID {
	out := make([]pulid.ID, 0, len(codes))
	for _, c := range codes {
		out = append(out, a.municipalities[c])
	}
	return out
}

// municipalityRef returns the ID of an optional municipality reference.
func (a *applier) municipalityRef(code string) *pulid.ID {
	if code == "" {
		return nil
	}
	id := a.municipalities[code]
	return &id
}

// expertIDs resolves expert names: the bundle's expert of that name, else the single
// database expert of that name.
func (a *applier) expertIDs(names []string) []pulid.ID {
	out := make([]pulid.ID, 0, len(names))
	for _, n := range names {
		if e, ok := a.experts[n]; ok {
			out = append(out, e.ID)
		} else {
			out = append(out, a.dbExperts[n][0].ID)
		}
	}
	return out
}

// dedupe drops repeated IDs, so that an edge listed twice is added once.
func dedupe(in []pulid.ID) []pulid.ID {
	out := in[:0:0]
	for _, id := range in {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
