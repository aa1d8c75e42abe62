package graph

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/events"
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

// outcomesAdded streams new outcomes that match the filter. The outcome and its edges'
// IDs are loaded once per event for every subscriber (eventLoads); each subscriber
// filters in memory and gets its own copy to marshal.
func outcomesAdded(ctx context.Context, r *Resolver, filter *model.OutcomeAddedFilter) (<-chan *ent.Outcome, error) {
	return stream(ctx, r.events, func(ev events.Event) (*ent.Outcome, bool) {
		if ev.Type != "Outcome" || ev.Change != events.Created {
			return nil, false
		}
		v, err := r.loads.do(ev, "outcome", func(ctx context.Context) (any, error) {
			return loadAddedOutcome(ctx, r.client, ev.ID)
		})
		if err != nil {
			return nil, false
		}
		a := v.(*addedOutcome)
		if filter != nil && (!anyIn(filter.SeminarIDs, a.seminar) || !anyIn(filter.ThemeIDs, a.themes...) ||
			!anyIn(filter.MunicipalityIDs, a.municipalities...)) {
			return nil, false
		}
		o := *a.outcome
		return &o, true
	})
}

// addedOutcome is a new outcome with the IDs its subscription filter looks at.
type addedOutcome struct {
	outcome                *ent.Outcome
	seminar                pulid.ID
	themes, municipalities []pulid.ID
}

func loadAddedOutcome(ctx context.Context, client *ent.Client, id pulid.ID) (*addedOutcome, error) {
	o, err := client.Outcome.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	a := &addedOutcome{outcome: o}
	if ids, err := o.QuerySeminar().IDs(ctx); err != nil {
		return nil, err
	} else if len(ids) > 0 {
		a.seminar = ids[0]
	}
	if a.themes, err = o.QueryThemes().IDs(ctx); err != nil {
		return nil, err
	}
	if a.municipalities, err = o.QueryMunicipalities().IDs(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// anyIn reports whether want is empty (no condition) or holds one of have.
func anyIn(want []pulid.ID, have ...pulid.ID) bool {
	if len(want) == 0 {
		return true
	}
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// nodesChanged streams the changes to the given objects or types. The changed object is
// loaded once per event for every subscriber.
func nodesChanged(ctx context.Context, r *Resolver, ids []pulid.ID, types []string) (<-chan *model.NodeChange, error) {
	return stream(ctx, r.events, func(ev events.Event) (*model.NodeChange, bool) {
		if (len(ids) > 0 && !slices.Contains(ids, ev.ID)) || (len(types) > 0 && !slices.Contains(types, ev.Type)) {
			return nil, false
		}
		c := &model.NodeChange{ID: ev.ID, Type: ev.Type, Change: ev.Change}
		if ev.Change != events.Deleted {
			v, err := r.loads.do(ev, "node", func(ctx context.Context) (any, error) {
				n, err := noder(ctx, r.client, ev.ID)
				if err == nil && n == nil {
					err = errors.New("deleted since")
				}
				return n, err
			})
			if err != nil {
				return nil, false
			}
			c.Node = copyNode(v.(ent.Noder))
		}
		return c, true
	})
}

// copyNode returns a shallow copy of an entity, so that subscribers that marshal the
// same loaded object do not share the edges ent caches on it.
func copyNode(n ent.Noder) ent.Noder {
	v := reflect.ValueOf(n)
	if v.Kind() != reflect.Pointer {
		return n
	}
	cp := reflect.New(v.Elem().Type())
	cp.Elem().Set(v.Elem())
	return cp.Interface().(ent.Noder)
}

// eventLoadsKept is the number of recent deliveries whose loads are kept: far more than
// subscribers fall behind before the broker drops them.
const eventLoadsKept = 512

// eventLoads shares what subscribers load for one delivered event: the first to ask
// loads (under a context of its own, so that its leaving does not fail the others),
// the others wait for and reuse the result. One write thus costs a few statements
// however many subscribe, and a slow subscriber holds up nobody.
type eventLoads struct {
	mu    sync.Mutex
	m     map[loadKey]*eventLoad
	order []loadKey
}

type loadKey struct {
	seq  uint64
	what string
}

type eventLoad struct {
	once sync.Once
	v    any
	err  error
}

func newEventLoads() *eventLoads { return &eventLoads{m: map[loadKey]*eventLoad{}} }

// do returns what load gives for the event, loading it at most once per delivery.
func (c *eventLoads) do(ev events.Event, what string, load func(context.Context) (any, error)) (any, error) {
	key := loadKey{ev.Seq, what}
	c.mu.Lock()
	l := c.m[key]
	if l == nil {
		l = &eventLoad{}
		c.m[key] = l
		c.order = append(c.order, key)
		if len(c.order) > eventLoadsKept {
			delete(c.m, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	l.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		l.v, l.err = load(ctx)
	})
	return l.v, l.err
}
