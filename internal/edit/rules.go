package edit

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/municipalityperiod"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/predicate"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/termmembership"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
)

// The rules below hold between fields or objects, where no single field's validator
// can see them. The bundle validator states the same rules for bundles (a term ending
// before it starts, a theme that is its own ancestor); these hooks hold them for writes
// through the API, where an update may change one side of a pair and the other side is
// in the database.

// ordered is a pair of fields of one type whose first may not come after its second.
type ordered struct {
	typ, from, to string
}

var orderedFields = []ordered{
	{ent.TypeMunicipality, municipality.FieldValidFrom, municipality.FieldValidTo},
	{ent.TypeMunicipalityPeriod, municipalityperiod.FieldValidFrom, municipalityperiod.FieldValidTo},
	{ent.TypeNetworkTerm, networkterm.FieldStartYear, networkterm.FieldEndYear},
}

// maxThemeDepth bounds the walk up a theme's ancestors when a parent is set: deeper
// chains are refused rather than followed without end.
const maxThemeDepth = 64

// checkRules holds the rules between fields and objects for creates and updates of one
// object.
func checkRules(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Type() == ent.TypeSession && !m.Op().Is(ent.OpCreate) {
			forgetSessions(ctx) // a session may move to another seminar, or go
		}
		if m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
			for _, o := range orderedFields {
				if o.typ == m.Type() {
					if err := checkOrder(ctx, m, o); err != nil {
						return nil, err
					}
				}
			}
			switch mut := m.(type) {
			case *ent.ThemeMutation:
				if err := checkThemeParent(ctx, mut); err != nil {
					return nil, err
				}
			case *ent.OutcomeMutation:
				if err := checkOutcomeSession(ctx, mut); err != nil {
					return nil, err
				}
			case *ent.SessionMutation:
				if err := checkSessionOutcomes(ctx, mut); err != nil {
					return nil, err
				}
				if err := checkAnchoredAppearances(ctx, mut, ent.TypeSession, true); err != nil {
					return nil, err
				}
			case *ent.DocumentMutation:
				if err := checkAnchoredAppearances(ctx, mut, ent.TypeDocument, false); err != nil {
					return nil, err
				}
			case *ent.ExpertMutation:
				if err := checkAnchoredAppearances(ctx, mut, ent.TypeExpert, false); err != nil {
					return nil, err
				}
			case *ent.SeminarMutation:
				if err := checkSeminarParts(ctx, mut); err != nil {
					return nil, err
				}
			case *ent.AppearanceMutation:
				if err := checkAppearanceAnchor(ctx, mut); err != nil {
					return nil, err
				}
			case *ent.MunicipalityPeriodMutation:
				if err := checkPeriodOverlap(ctx, mut); err != nil {
					return nil, err
				}
			case *ent.NetworkTermMutation:
				if id, ok := mut.ID(); ok && mut.Op().Is(ent.OpUpdateOne) {
					refs := ent.EdgeRefs[ent.TypeNetworkTerm][networkterm.EdgeMunicipalities]
					if err := checkStatedMembers(ctx, mut.Client(), termmembership.TermID(id), termmembership.MunicipalityIDIn,
						mut.MunicipalitiesCleared(), mut.RemovedMunicipalitiesIDs(), refs.ClearField, refs.RemoveField); err != nil {
						return nil, err
					}
				}
			case *ent.MunicipalityMutation:
				if id, ok := mut.ID(); ok && mut.Op().Is(ent.OpUpdateOne) {
					refs := ent.EdgeRefs[ent.TypeMunicipality][municipality.EdgeTerms]
					if err := checkStatedMembers(ctx, mut.Client(), termmembership.MunicipalityID(id), termmembership.TermIDIn,
						mut.TermsCleared(), mut.RemovedTermsIDs(), refs.ClearField, refs.RemoveField); err != nil {
						return nil, err
					}
				}
			}
			for _, d := range datedFields {
				if d.typ == m.Type() {
					if err := checkDated(ctx, m, d); err != nil {
						return nil, err
					}
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// value is a field's value after the mutation: the one it sets, none when it clears
// the field, else (on an update) the stored one.
func value(ctx context.Context, m ent.Mutation, name string) (ent.Value, error) {
	if v, ok := m.Field(name); ok {
		return v, nil
	}
	if m.FieldCleared(name) || !m.Op().Is(ent.OpUpdateOne) {
		return nil, nil
	}
	v, err := m.OldField(ctx, name)
	if ent.IsNotFound(err) {
		return nil, nil // the update itself answers NOT_FOUND
	}
	if err != nil {
		return nil, fmt.Errorf("edit: load %s.%s: %w", m.Type(), name, err)
	}
	return v, nil
}

// checkOrder refuses a pair of fields whose first comes after its second, naming the
// second (the one a client usually gets wrong: an end before the start).
func checkOrder(ctx context.Context, m ent.Mutation, o ordered) error {
	if _, set := m.Field(o.from); !set {
		if _, set := m.Field(o.to); !set {
			return nil
		}
	}
	from, err := value(ctx, m, o.from)
	if err != nil {
		return err
	}
	to, err := value(ctx, m, o.to)
	if err != nil {
		return err
	}
	// Name the field the client sent (the end, when it sent both or only the end).
	field := apierr.FieldName(o.to)
	if _, setTo := m.Field(o.to); !setTo {
		field = apierr.FieldName(o.from)
	}
	switch f := deref(from).(type) {
	case time.Time:
		if t, ok := deref(to).(time.Time); ok && t.Before(f) {
			return orderError(field, o, t.Format(time.DateOnly), f.Format(time.DateOnly))
		}
	case int:
		if t, ok := deref(to).(int); ok && t < f {
			return orderError(field, o, fmt.Sprint(t), fmt.Sprint(f))
		}
	}
	return nil
}

// orderError says that the end comes before the start, from the side of the field the
// client sent.
func orderError(field string, o ordered, to, from string) error {
	toName, fromName := apierr.FieldName(o.to), apierr.FieldName(o.from)
	if field == toName {
		return apierr.Validationf(field, "%s: %s is before %s %s", field, to, fromName, from)
	}
	return apierr.Validationf(field, "%s: %s is after %s %s", field, from, toName, to)
}

// deref returns what a pointer points to (old values of nillable fields are pointers),
// or nil for a nil pointer.
func deref(v ent.Value) ent.Value {
	switch p := v.(type) {
	case *time.Time:
		if p == nil {
			return nil
		}
		return *p
	case *int:
		if p == nil {
			return nil
		}
		return *p
	case *calendar.Precision:
		if p == nil {
			return nil
		}
		return *p
	}
	return v
}

// checkThemeParent refuses a hierarchy with a cycle: a theme as its own parent or
// child, a parent that is the theme's descendant, and a child that is the theme's parent
// or one of its ancestors, whether the mutation sets the parent, adds children, or both
// (a new theme too: createTheme(parentID: B, childIDs: [A]) with B below A would close a
// cycle).
func checkThemeParent(ctx context.Context, m *ent.ThemeMutation) error {
	self, hasID := m.ID()
	hasID = hasID && !m.Op().Is(ent.OpCreate) // a new theme's ID is drawn before the hooks run
	client := m.Client()
	var parent *pulid.ID
	if p, ok := m.ParentID(); ok {
		parent = &p
	} else if hasID && !m.ParentCleared() {
		v, err := value(ctx, m, theme.FieldParentID)
		if err != nil {
			return err
		}
		if p, ok := derefID(v); ok {
			parent = &p
		}
	}
	if _, set := m.ParentID(); set && hasID {
		if *parent == self {
			return apierr.Validationf("parentID", "parentID: a theme cannot be its own parent")
		}
		if err := notAncestor(ctx, client, self, *parent, "parentID"); err != nil {
			return err
		}
	}
	field := "childIDs"
	if hasID {
		field = "addChildIDs"
	}
	for _, child := range m.ChildrenIDs() {
		if hasID && child == self {
			return apierr.Validationf(field, "%s: a theme cannot be its own child", field)
		}
		if parent == nil {
			continue
		}
		if child == *parent {
			return apierr.Validationf(field, "%s: %s is the theme's parent; the hierarchy cannot have a cycle", field, child)
		}
		if err := notAncestor(ctx, client, child, *parent, field); err != nil {
			return err
		}
	}
	return nil
}

// notAncestor refuses when node is one of start's ancestors: making start (or a
// descendant of it) the parent of node would close a cycle.
func notAncestor(ctx context.Context, client *ent.Client, node, start pulid.ID, field string) error {
	cur := start
	for range maxThemeDepth {
		t, err := client.Theme.Query().Where(theme.ID(cur)).Select(theme.FieldParentID).Only(ctx)
		if ent.IsNotFound(err) {
			return nil // the reference check answers NOT_FOUND
		}
		if err != nil {
			return fmt.Errorf("edit: load the parent of theme %s: %w", cur, err)
		}
		if t.ParentID == nil {
			return nil
		}
		if *t.ParentID == node {
			return apierr.Validationf(field, "%s: the theme %s is already below %s; the hierarchy cannot have a cycle", field, start, node)
		}
		cur = *t.ParentID
	}
	return apierr.Validationf(field, "%s: the hierarchy above %s is deeper than %d levels", field, start, maxThemeDepth)
}

// checkOutcomeSession refuses an outcome whose session belongs to another seminar than
// the outcome's own.
func checkOutcomeSession(ctx context.Context, m *ent.OutcomeMutation) error {
	_, setSeminar := m.SeminarID()
	_, setSession := m.SessionID()
	if !setSeminar && !setSession {
		return nil
	}
	sem, err := value(ctx, m, outcome.FieldSeminarID)
	if err != nil {
		return err
	}
	ses, err := value(ctx, m, outcome.FieldSessionID)
	if err != nil {
		return err
	}
	seminarID, _ := derefID(sem)
	sessionID, ok := derefID(ses)
	if !ok || seminarID == "" {
		return nil
	}
	sessionSeminar, known := memoSession(ctx, sessionID)
	if !known {
		s, err := m.Client().Session.Query().Where(session.ID(sessionID)).Select(session.FieldSeminarID).Only(ctx)
		if ent.IsNotFound(err) {
			return nil // the reference check answers NOT_FOUND
		}
		if err != nil {
			return fmt.Errorf("edit: load the seminar of session %s: %w", sessionID, err)
		}
		sessionSeminar = s.SeminarID
		rememberSession(ctx, sessionID, sessionSeminar)
	}
	if sessionSeminar != seminarID {
		return apierr.Validationf("sessionID", "sessionID: the session %s belongs to another seminar than the outcome's (%s)", sessionID, seminarID)
	}
	return nil
}

// sessionMemo remembers the seminar of the sessions whose outcomes one transaction
// checked (WithSessionMemo).
type sessionMemo struct {
	mu       sync.Mutex
	seminars map[pulid.ID]pulid.ID
}

type sessionMemoKey struct{}

// WithSessionMemo returns ctx under which the check that an outcome's session is of
// the outcome's seminar looks each session up once, not once per outcome: for a
// transaction that writes many outcomes of a few sessions, such as an import (a
// session of 16,000 outcomes cost 16,000 statements). A change to a session forgets
// what was remembered. Use it for one transaction.
func WithSessionMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionMemoKey{}, &sessionMemo{seminars: map[pulid.ID]pulid.ID{}})
}

func memoSession(ctx context.Context, session pulid.ID) (pulid.ID, bool) {
	m, _ := ctx.Value(sessionMemoKey{}).(*sessionMemo)
	if m == nil {
		return "", false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	seminar, ok := m.seminars[session]
	return seminar, ok
}

func rememberSession(ctx context.Context, session, seminar pulid.ID) {
	if m, _ := ctx.Value(sessionMemoKey{}).(*sessionMemo); m != nil {
		m.mu.Lock()
		m.seminars[session] = seminar
		m.mu.Unlock()
	}
}

func forgetSessions(ctx context.Context) {
	if m, _ := ctx.Value(sessionMemoKey{}).(*sessionMemo); m != nil {
		m.mu.Lock()
		clear(m.seminars)
		m.mu.Unlock()
	}
}

// derefID returns an ID value, plain or through a pointer.
func derefID(v ent.Value) (pulid.ID, bool) {
	switch id := v.(type) {
	case pulid.ID:
		return id, id != ""
	case *pulid.ID:
		if id != nil {
			return *id, *id != ""
		}
	}
	return "", false
}

// checkSessionOutcomes keeps a session's outcomes in the session's seminar: outcomes
// added to a session must be of its seminar, and a session that has outcomes does not
// move to another seminar without them.
func checkSessionOutcomes(ctx context.Context, m *ent.SessionMutation) error {
	refs := ent.EdgeRefs[ent.TypeSession]
	id, hasID := m.ID()
	hasID = hasID && !m.Op().Is(ent.OpCreate)
	semV, err := value(ctx, m, session.FieldSeminarID)
	if err != nil {
		return err
	}
	seminarID, ok := derefID(semV)
	if !ok {
		return nil
	}
	if added := m.OutcomesIDs(); len(added) > 0 {
		field := refs[session.EdgeOutcomes].CreateField
		if hasID {
			field = refs[session.EdgeOutcomes].AddField
		}
		n, err := m.Client().Outcome.Query().Where(outcome.IDIn(added...), outcome.SeminarIDNEQ(seminarID)).Count(ctx)
		if err != nil {
			return fmt.Errorf("edit: check the seminars of outcomes: %w", err)
		}
		if n > 0 {
			return apierr.Validationf(field, "%s: %d of the outcomes belong to another seminar than the session's (%s)", field, n, seminarID)
		}
	}
	if _, moved := m.SeminarID(); moved && hasID {
		n, err := m.Client().Outcome.Query().Where(outcome.SessionID(id), outcome.SeminarIDNEQ(seminarID)).Count(ctx)
		if err != nil {
			return fmt.Errorf("edit: count the outcomes of session %s: %w", id, err)
		}
		if n > 0 {
			return apierr.Validationf("seminarID", "seminarID: the session has %d outcomes of its present seminar; move or detach them first", n)
		}
	}
	return nil
}

// checkSeminarParts keeps outcomes and their sessions in one seminar when sessions or
// outcomes are moved to a seminar from its side.
func checkSeminarParts(ctx context.Context, m *ent.SeminarMutation) error {
	id, hasID := m.ID()
	if !hasID || m.Op().Is(ent.OpCreate) {
		return nil // a new seminar's parts are checked as sessions and outcomes
	}
	refs := ent.EdgeRefs[ent.TypeSeminar]
	// Sessions and outcomes belong to a seminar: one cannot be let go into none.
	for _, e := range []struct {
		edge, what string
		cleared    bool
		removed    []pulid.ID
	}{
		{seminar.EdgeSessions, "a session", m.SessionsCleared(), m.RemovedSessionsIDs()},
		{seminar.EdgeOutcomes, "an outcome", m.OutcomesCleared(), m.RemovedOutcomesIDs()},
	} {
		field := refs[e.edge].RemoveField
		if e.cleared {
			field = refs[e.edge].ClearField
		}
		if e.cleared || len(e.removed) > 0 {
			return apierr.Validationf(field, "%s: %s belongs to a seminar and cannot be left without one; move it by adding it to another seminar, or delete it", field, e.what)
		}
	}
	if added := m.SessionsIDs(); len(added) > 0 {
		n, err := m.Client().Outcome.Query().Where(outcome.SessionIDIn(added...), outcome.SeminarIDNEQ(id)).Count(ctx)
		if err != nil {
			return fmt.Errorf("edit: count the outcomes of sessions: %w", err)
		}
		if n > 0 {
			field := refs[seminar.EdgeSessions].AddField
			return apierr.Validationf(field, "%s: the sessions have %d outcomes of another seminar; move or detach them first", field, n)
		}
	}
	if added := m.OutcomesIDs(); len(added) > 0 {
		n, err := m.Client().Outcome.Query().Where(outcome.IDIn(added...), outcome.HasSessionWith(session.SeminarIDNEQ(id))).Count(ctx)
		if err != nil {
			return fmt.Errorf("edit: check the sessions of outcomes: %w", err)
		}
		if n > 0 {
			field := refs[seminar.EdgeOutcomes].AddField
			return apierr.Validationf(field, "%s: %d of the outcomes are of a session of another seminar; detach them from it first", field, n)
		}
	}
	return nil
}

// checkAppearanceAnchor holds an appearance to exactly one anchor that fits its role: a
// session for a speaker or moderator, a document for an author or another role a
// document states.
func checkAppearanceAnchor(ctx context.Context, m *ent.AppearanceMutation) error {
	roleV, err := value(ctx, m, appearance.FieldRole)
	if err != nil {
		return err
	}
	role, _ := roleV.(appearance.Role)
	if role == "" {
		return nil
	}
	ses, err := value(ctx, m, appearance.FieldSessionID)
	if err != nil {
		return err
	}
	doc, err := value(ctx, m, appearance.FieldDocumentID)
	if err != nil {
		return err
	}
	_, hasSession := derefID(ses)
	_, hasDocument := derefID(doc)
	inSession := role == appearance.RoleSPEAKER || role == appearance.RoleMODERATOR
	switch {
	case inSession && (!hasSession || hasDocument):
		return apierr.Validationf("sessionID", "sessionID: a %s appears in a session, not in a document; give sessionID only", role)
	case !inSession && (!hasDocument || hasSession):
		return apierr.Validationf("documentID", "documentID: the role %s is stated by a document, not held in a session; give documentID only", role)
	}
	return nil
}

// checkPeriodOverlap keeps a municipality's periods apart: a municipality has one name
// and one region on any day, so a period that shares a day with another of the same
// municipality is refused (an open start or end reaches without bound).
func checkPeriodOverlap(ctx context.Context, m *ent.MunicipalityPeriodMutation) error {
	_, setFrom := m.ValidFrom()
	_, setTo := m.ValidTo()
	_, moved := m.MunicipalityID()
	if !setFrom && !setTo && !moved && !m.ValidFromCleared() && !m.ValidToCleared() && !m.Op().Is(ent.OpCreate) {
		return nil
	}
	muniV, err := value(ctx, m, municipalityperiod.FieldMunicipalityID)
	if err != nil {
		return err
	}
	muni, ok := derefID(muniV)
	if !ok {
		return nil // the required edge is refused on its own
	}
	fromV, err := value(ctx, m, municipalityperiod.FieldValidFrom)
	if err != nil {
		return err
	}
	toV, err := value(ctx, m, municipalityperiod.FieldValidTo)
	if err != nil {
		return err
	}
	where := []predicate.MunicipalityPeriod{municipalityperiod.MunicipalityID(muni)}
	if id, ok := m.ID(); ok && !m.Op().Is(ent.OpCreate) {
		where = append(where, municipalityperiod.IDNEQ(id))
	}
	if to, ok := deref(toV).(time.Time); ok {
		where = append(where, municipalityperiod.Or(municipalityperiod.ValidFromIsNil(), municipalityperiod.ValidFromLTE(to)))
	}
	if from, ok := deref(fromV).(time.Time); ok {
		where = append(where, municipalityperiod.Or(municipalityperiod.ValidToIsNil(), municipalityperiod.ValidToGTE(from)))
	}
	other, err := m.Client().MunicipalityPeriod.Query().Where(where...).Order(ent.Asc(municipalityperiod.FieldValidFrom)).First(ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("edit: look for overlapping periods: %w", err)
	}
	field := "validFrom"
	if setTo || m.ValidToCleared() {
		field = "validTo"
	}
	if setFrom || m.ValidFromCleared() {
		field = "validFrom"
	}
	return apierr.Validationf(field, "%s: the period overlaps the municipality's period %s (%s to %s); a municipality has one name and region on any day",
		field, other.ID, dayOrOpen(other.ValidFrom, "the start of the data"), dayOrOpen(other.ValidTo, "now"))
}

// dayOrOpen writes a date of a period, or what an open end means.
func dayOrOpen(d *time.Time, open string) string {
	if d == nil {
		return open
	}
	return d.Format(time.DateOnly)
}

// appearanceHolder is a mutation of a type that holds appearances (a session, a
// document, an expert).
type appearanceHolder interface {
	ent.Mutation
	AppearancesIDs() []pulid.ID
	RemovedAppearancesIDs() []pulid.ID
	AppearancesCleared() bool
	Client() *ent.Client
}

// checkAnchoredAppearances applies the appearance's anchor rule (checkAppearanceAnchor)
// to writes from the other side of the edge: an appearance cannot be let go by its
// session, document or expert (it would be left without its anchor or its person), and
// a session takes only speakers and moderators, a document only the roles a document
// states. inSession tells which kind of anchor typ is; an expert holds every role.
func checkAnchoredAppearances(ctx context.Context, m appearanceHolder, typ string, inSession bool) error {
	refs := ent.EdgeRefs[typ]["appearances"]
	if m.AppearancesCleared() || len(m.RemovedAppearancesIDs()) > 0 {
		field := refs.RemoveField
		if m.AppearancesCleared() {
			field = refs.ClearField
		}
		return apierr.Validationf(field, "%s: an appearance belongs to its %s and cannot be left without it; move it by adding it to another %s, or delete it",
			field, strings.ToLower(typ), strings.ToLower(typ))
	}
	added := m.AppearancesIDs()
	if len(added) == 0 || typ == ent.TypeExpert {
		return nil
	}
	field := refs.AddField
	if m.Op().Is(ent.OpCreate) {
		field = refs.CreateField
	}
	// Every appearance has its anchor already (checkAppearanceAnchor), so one cannot be
	// added here without being taken from another; ent would refuse that with a bare
	// constraint error. Name the field and the way that works instead.
	var held predicate.Appearance
	anchor := "document"
	if inSession {
		held, anchor = appearance.SessionIDNotNil(), "session"
	} else {
		held = appearance.DocumentIDNotNil()
	}
	n, err := m.Client().Appearance.Query().Where(appearance.IDIn(added...), held).Count(ctx)
	if err != nil {
		return fmt.Errorf("edit: check the anchors of appearances: %w", err)
	}
	if n > 0 {
		return apierr.Validationf(field, "%s: %d of the appearances already belong to a %s; move an appearance with updateAppearance(%sID:)", field, n, anchor, anchor)
	}
	sessionRoles := []appearance.Role{appearance.RoleSPEAKER, appearance.RoleMODERATOR}
	var misfit predicate.Appearance
	if inSession {
		misfit = appearance.Or(appearance.RoleNotIn(sessionRoles...), appearance.DocumentIDNotNil())
	} else {
		misfit = appearance.Or(appearance.RoleIn(sessionRoles...), appearance.SessionIDNotNil())
	}
	n, err = m.Client().Appearance.Query().Where(appearance.IDIn(added...), misfit).Count(ctx)
	if err != nil {
		return fmt.Errorf("edit: check the roles of appearances: %w", err)
	}
	if n == 0 {
		return nil
	}
	if inSession {
		return apierr.Validationf(field, "%s: %d of the appearances are not a speaker's or moderator's, or are stated by a document; a session holds only speakers and moderators", field, n)
	}
	return apierr.Validationf(field, "%s: %d of the appearances are a speaker's or moderator's, or are held in a session; a document holds only the roles it states", field, n)
}

// dated is a date field of a type and the field that says how precisely it is known.
type dated struct {
	typ, date, precision string
}

var datedFields = []dated{
	{ent.TypeDocument, document.FieldPublishedOn, document.FieldPublishedOnPrecision},
	{ent.TypeSeminar, seminar.FieldDate, seminar.FieldDatePrecision},
	{ent.TypeExpert, expert.FieldTitleAsOf, expert.FieldTitleAsOfPrecision},
}

// checkDated keeps a date and its precision together: a cleared date takes its precision
// with it, a date without a precision gets DAY, a precision needs a date, and a date
// known to the month or the year is written as the first day of it.
func checkDated(ctx context.Context, m ent.Mutation, d dated) error {
	_, setDate := m.Field(d.date)
	_, setPrecision := m.Field(d.precision)
	clearDate, clearPrecision := m.FieldCleared(d.date), m.FieldCleared(d.precision)
	if !setDate && !setPrecision && !clearDate && !clearPrecision {
		return nil
	}
	precisionField := apierr.FieldName(d.precision)
	if clearDate {
		if setPrecision {
			return apierr.Validationf(precisionField, "%s: the date is cleared, so there is nothing to be precise about", precisionField)
		}
		if !clearPrecision {
			if err := m.ClearField(d.precision); err != nil {
				return fmt.Errorf("edit: clear %s: %w", d.precision, err)
			}
		}
		return nil
	}
	dateV, err := value(ctx, m, d.date)
	if err != nil {
		return err
	}
	precV, err := value(ctx, m, d.precision)
	if err != nil {
		return err
	}
	date, hasDate := deref(dateV).(time.Time)
	precision, hasPrecision := deref(precV).(calendar.Precision)
	switch {
	case !hasDate && hasPrecision && setPrecision:
		return apierr.Validationf(precisionField, "%s: there is no date to be precise about; give %s too", precisionField, apierr.FieldName(d.date))
	case hasDate && !hasPrecision && clearPrecision:
		return apierr.Validationf(precisionField, "%s: a date needs its precision (DAY, MONTH or YEAR)", precisionField)
	case hasDate && !hasPrecision:
		if err := m.SetField(d.precision, calendar.Day); err != nil {
			return fmt.Errorf("edit: set %s: %w", d.precision, err)
		}
	case hasDate && hasPrecision:
		first := date
		switch precision {
		case calendar.Month:
			first = time.Date(date.Year(), date.Month(), 1, 0, 0, 0, 0, date.Location())
		case calendar.Year:
			first = time.Date(date.Year(), time.January, 1, 0, 0, 0, 0, date.Location())
		}
		if !first.Equal(date) {
			dateField := apierr.FieldName(d.date)
			return apierr.Validationf(dateField, "%s: a date known to the %s is written as its first day, %s, not %s", dateField,
				strings.ToLower(string(precision)), first.Format(time.DateOnly), date.Format(time.DateOnly))
		}
	}
	return nil
}

// checkStatedMembers refuses to take a municipality out of a term (from either side)
// while a membership a document states still says it took part: the term's plain list of
// municipalities would then contradict its memberships.
func checkStatedMembers(ctx context.Context, c *ent.Client, side predicate.TermMembership, others func(...pulid.ID) predicate.TermMembership,
	cleared bool, removed []pulid.ID, clearField, removeField string) error {
	if !cleared && len(removed) == 0 {
		return nil
	}
	q := c.TermMembership.Query().Where(side)
	field := clearField
	if !cleared {
		q, field = q.Where(others(removed...)), removeField
	}
	n, err := q.Count(ctx)
	if err != nil {
		return fmt.Errorf("edit: count term memberships: %w", err)
	}
	if n > 0 {
		return apierr.Validationf(field, "%s: %d memberships stated by documents still name these; delete those memberships first", field, n)
	}
	return nil
}
