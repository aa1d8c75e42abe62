// Package timeline keeps the dates the knowledge base derives from other dates in step
// with them: an appearance's date (and its precision) is the date of its session's
// seminar, or the publication date of its document.
//
// The date is stored on the appearance, so that a person's appearances can be filtered
// and ordered by it in SQL (Expert.appearances(orderBy: {field: DATE})) without a join
// per row. Every write path keeps it:
//
//   - writes through the API: the hooks Use registers (an appearance created or moved,
//     a seminar's or document's date changed, a session moved to another seminar);
//   - bundle imports: the bundle package sets the dates itself from what it has read,
//     and marks its context with Handled so that the hooks do not query again;
//   - databases written before the column existed: Backfill, run by the migration.
package timeline

import (
	"context"
	"fmt"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/predicate"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
)

// Dated is a date with its precision; the zero value is no date.
type Dated struct {
	Date      *time.Time
	Precision *calendar.Precision
}

// Of returns a date and precision as a Dated (no date when d is nil).
func Of(d *time.Time, p *calendar.Precision) Dated {
	if d == nil {
		return Dated{}
	}
	t := calendar.Normalize(*d)
	if p == nil {
		day := calendar.Day
		p = &day
	}
	return Dated{Date: &t, Precision: p}
}

// Equal reports whether two dates are the same day with the same precision.
func (d Dated) Equal(o Dated) bool {
	if (d.Date == nil) != (o.Date == nil) {
		return false
	}
	if d.Date == nil {
		return true
	}
	return calendar.Normalize(*d.Date).Equal(calendar.Normalize(*o.Date)) &&
		(d.Precision == nil) == (o.Precision == nil) && (d.Precision == nil || *d.Precision == *o.Precision)
}

// key is a comparable form of a Dated, for grouping.
func (d Dated) key() string {
	if d.Date == nil {
		return ""
	}
	p := ""
	if d.Precision != nil {
		p = string(*d.Precision)
	}
	return d.Date.Format(calendar.Layout) + "/" + p
}

type handledKey struct{}

// Handled returns a context whose writes skip the hooks of Use: for a caller that sets
// appearance dates itself (a bundle import knows every date it writes, and would
// otherwise pay queries per appearance).
func Handled(ctx context.Context) context.Context {
	return context.WithValue(ctx, handledKey{}, true)
}

func handled(ctx context.Context) bool { return ctx.Value(handledKey{}) != nil }

// Refresh recomputes the date and precision of the appearances that match where (every
// appearance when where is empty) from their seminars and documents, and writes those
// that differ: at most four SELECTs, and one UPDATE per distinct new date. It returns
// the appearances' dates after the refresh, by ID.
func Refresh(ctx context.Context, c *ent.Client, where ...predicate.Appearance) (map[pulid.ID]Dated, error) {
	aps, err := c.Appearance.Query().Where(where...).
		Select(appearance.FieldID, appearance.FieldDate, appearance.FieldDatePrecision,
			appearance.FieldSessionID, appearance.FieldDocumentID).
		WithSession(func(q *ent.SessionQuery) {
			q.Select(session.FieldID, session.FieldSeminarID).
				WithSeminar(func(q *ent.SeminarQuery) {
					q.Select(seminar.FieldID, seminar.FieldDate, seminar.FieldDatePrecision)
				})
		}).
		WithDocument(func(q *ent.DocumentQuery) {
			q.Select(document.FieldID, document.FieldPublishedOn, document.FieldPublishedOnPrecision)
		}).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("timeline: read appearances: %w", err)
	}
	out := make(map[pulid.ID]Dated, len(aps))
	changes := map[string][]pulid.ID{}
	values := map[string]Dated{}
	for _, ap := range aps {
		want := dateOf(ap)
		out[ap.ID] = want
		if want.Equal(Of(ap.Date, ap.DatePrecision)) {
			continue
		}
		k := want.key()
		changes[k] = append(changes[k], ap.ID)
		values[k] = want
	}
	for k, ids := range changes {
		u := c.Appearance.Update().Where(appearance.IDIn(ids...))
		if v := values[k]; v.Date != nil {
			u.SetDate(*v.Date).SetDatePrecision(*v.Precision)
		} else {
			u.ClearDate().ClearDatePrecision()
		}
		if err := u.Exec(ctx); err != nil {
			return nil, fmt.Errorf("timeline: update %d appearances: %w", len(ids), err)
		}
	}
	return out, nil
}

// dateOf is the date an appearance takes from its session's seminar, else its document.
func dateOf(ap *ent.Appearance) Dated {
	if s := ap.Edges.Session; s != nil && s.Edges.Seminar != nil {
		sem := s.Edges.Seminar
		return Of(&sem.Date, &sem.DatePrecision)
	}
	if d := ap.Edges.Document; d != nil {
		return Of(d.PublishedOn, d.PublishedOnPrecision)
	}
	return Dated{}
}

// Backfill gives a date to every appearance that has none but could (written before the
// column existed, or by a path that did not set it). An appearance without a date whose
// document is undated stays without one.
func Backfill(ctx context.Context, c *ent.Client) error {
	_, err := Refresh(ctx, c, appearance.DateIsNil(), appearance.Or(
		appearance.SessionIDNotNil(),
		appearance.HasDocumentWith(document.PublishedOnNotNil()),
	))
	return err
}

// Use registers on c the hooks that keep appearance dates in step with the writes made
// through it (see the package documentation). Register them once per client.
func Use(c *ent.Client) {
	c.Appearance.Use(appearanceHook)
	c.Expert.Use(expertHook)
	c.Seminar.Use(after(func(m *ent.SeminarMutation, ids []pulid.ID) (before, later []predicate.Appearance) {
		_, d := m.Date()
		_, p := m.DatePrecision()
		if (d || p) && !m.Op().Is(ent.OpCreate) {
			later = append(later, appearance.HasSessionWith(session.SeminarIDIn(ids...)))
		}
		if moved := m.SessionsIDs(); len(moved) > 0 {
			later = append(later, appearance.SessionIDIn(moved...))
		}
		return nil, later
	}))
	c.Document.Use(after(func(m *ent.DocumentMutation, ids []pulid.ID) (before, later []predicate.Appearance) {
		_, d := m.PublishedOn()
		_, p := m.PublishedOnPrecision()
		if (d || p || m.PublishedOnCleared() || m.PublishedOnPrecisionCleared()) && !m.Op().Is(ent.OpCreate) {
			later = append(later, appearance.DocumentIDIn(ids...))
		}
		if added := append(m.AppearancesIDs(), m.RemovedAppearancesIDs()...); len(added) > 0 {
			later = append(later, appearance.IDIn(added...))
		}
		if m.AppearancesCleared() {
			before = append(before, appearance.DocumentIDIn(ids...))
		}
		return before, later
	}))
	c.Session.Use(after(func(m *ent.SessionMutation, ids []pulid.ID) (before, later []predicate.Appearance) {
		if _, s := m.SeminarID(); s && !m.Op().Is(ent.OpCreate) {
			later = append(later, appearance.SessionIDIn(ids...))
		}
		if added := append(m.AppearancesIDs(), m.RemovedAppearancesIDs()...); len(added) > 0 {
			later = append(later, appearance.IDIn(added...))
		}
		if m.AppearancesCleared() {
			before = append(before, appearance.SessionIDIn(ids...))
		}
		return before, later
	}))
}

// mutation is what the hooks need of a generated mutation.
type mutation interface {
	ent.Mutation
	IDs(context.Context) ([]pulid.ID, error)
	Client() *ent.Client
}

// after returns a hook for creates and updates of seminars, documents or sessions:
// affected says, given the mutation and the IDs it updates (none for a create), which
// appearances it may move in time: those matching before, found before the write (the
// appearances a clear detaches), and those matching later. Once the write is done, their
// dates are refreshed. A write that moves none costs nothing more.
func after[M mutation](affected func(m M, ids []pulid.ID) (before, later []predicate.Appearance)) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			mm, ok := m.(M)
			if !ok || handled(ctx) || !m.Op().Is(ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne) {
				return next.Mutate(ctx, m)
			}
			// A first look without the IDs, which an update of many rows must query for.
			if before, later := affected(mm, nil); len(before)+len(later) == 0 {
				return next.Mutate(ctx, m)
			}
			var ids []pulid.ID
			if !m.Op().Is(ent.OpCreate) {
				var err error
				if ids, err = mm.IDs(ctx); err != nil {
					return nil, fmt.Errorf("timeline: %s IDs: %w", m.Type(), err)
				}
			}
			before, later := affected(mm, ids)
			if len(before) > 0 {
				detached, err := mm.Client().Appearance.Query().Where(appearance.Or(before...)).IDs(ctx)
				if err != nil {
					return nil, fmt.Errorf("timeline: read appearances: %w", err)
				}
				if len(detached) > 0 {
					later = append(later, appearance.IDIn(detached...))
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || len(later) == 0 {
				return v, err
			}
			if _, err := Refresh(ctx, mm.Client(), appearance.Or(later...)); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

// appearanceHook dates an appearance that is created, or moved to another session or
// document, and fills in the returned appearance.
func appearanceHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		am, ok := m.(*ent.AppearanceMutation)
		if !ok || handled(ctx) || !m.Op().Is(ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne) {
			return next.Mutate(ctx, m)
		}
		_, s := am.SessionID()
		_, d := am.DocumentID()
		if !am.Op().Is(ent.OpCreate) && !s && !d && !am.SessionIDCleared() && !am.DocumentIDCleared() {
			return next.Mutate(ctx, m)
		}
		var ids []pulid.ID
		if !am.Op().Is(ent.OpCreate) {
			var err error
			if ids, err = am.IDs(ctx); err != nil {
				return nil, fmt.Errorf("timeline: appearance IDs: %w", err)
			}
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return v, err
		}
		if ap, ok := v.(*ent.Appearance); ok {
			ids = []pulid.ID{ap.ID}
		}
		if len(ids) == 0 {
			return v, nil
		}
		dates, err := Refresh(ctx, am.Client(), appearance.IDIn(ids...))
		if err != nil {
			return nil, err
		}
		if ap, ok := v.(*ent.Appearance); ok {
			d := dates[ap.ID]
			ap.Date, ap.DatePrecision = d.Date, d.Precision
		}
		return v, nil
	})
}

// expertHook gives a titleAsOf written without a precision the precision DAY (the API's
// Date is a day), and clears the precision with the date.
func expertHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		em, ok := m.(*ent.ExpertMutation)
		if ok && !handled(ctx) {
			_, date := em.TitleAsOf()
			_, precision := em.TitleAsOfPrecision()
			switch {
			case date && !precision:
				em.SetTitleAsOfPrecision(calendar.Day)
			case em.TitleAsOfCleared() && !em.TitleAsOfPrecisionCleared():
				em.ClearTitleAsOfPrecision()
			}
		}
		return next.Mutate(ctx, m)
	})
}
