package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/pulid"
)

// stream turns the broker's events into a subscription's results: each event that
// convert keeps is sent on; the stream ends when the client goes or falls behind. A
// subscription beyond the connection's or the server's limit is refused.
func stream[T any](ctx context.Context, b events.Broker, convert func(events.Event) (T, bool)) (<-chan T, error) {
	release, err := acquireSubscription(ctx)
	if err != nil {
		// gqlgen drops a subscription resolver's error; this one reaches the client as
		// the operation's error message.
		transport.AddSubscriptionError(ctx, err)
		out := make(chan T)
		close(out)
		return out, nil
	}
	in := b.Subscribe(ctx)
	out := make(chan T)
	go func() {
		defer release()
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				v, keep := convert(ev)
				if !keep {
					continue
				}
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// outcomesAdded streams new outcomes that match the filter.
func outcomesAdded(ctx context.Context, r *Resolver, filter *model.OutcomeAddedFilter) (<-chan *ent.Outcome, error) {
	return stream(ctx, r.events, func(ev events.Event) (*ent.Outcome, bool) {
		if ev.Type != "Outcome" || ev.Change != events.Created {
			return nil, false
		}
		q := r.client.Outcome.Query().Where(outcome.ID(ev.ID))
		if filter != nil {
			if len(filter.SeminarIDs) > 0 {
				q.Where(outcome.HasSeminarWith(seminar.IDIn(filter.SeminarIDs...)))
			}
			if len(filter.ThemeIDs) > 0 {
				q.Where(outcome.HasThemesWith(theme.IDIn(filter.ThemeIDs...)))
			}
			if len(filter.MunicipalityIDs) > 0 {
				q.Where(outcome.HasMunicipalitiesWith(municipality.IDIn(filter.MunicipalityIDs...)))
			}
		}
		o, err := q.Only(ctx)
		return o, err == nil
	})
}

// nodesChanged streams the changes to the given objects or types.
func nodesChanged(ctx context.Context, r *Resolver, ids []pulid.ID, types []string) (<-chan *model.NodeChange, error) {
	return stream(ctx, r.events, func(ev events.Event) (*model.NodeChange, bool) {
		if (len(ids) > 0 && !slices.Contains(ids, ev.ID)) || (len(types) > 0 && !slices.Contains(types, ev.Type)) {
			return nil, false
		}
		c := &model.NodeChange{ID: ev.ID, Type: ev.Type, Change: ev.Change}
		if ev.Change != events.Deleted {
			n, err := noder(ctx, r.client, ev.ID)
			if err != nil {
				return nil, false
			}
			c.Node = n
		}
		return c, true
	})
}
