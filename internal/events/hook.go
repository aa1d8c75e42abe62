package events

import (
	"context"
	"log/slog"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// idMutation is what every generated ent mutation offers.
type idMutation interface {
	ent.Mutation
	ID() (pulid.ID, bool)
	IDs(ctx context.Context) ([]pulid.ID, error)
	Tx() (*ent.Tx, error)
}

// Hook returns an ent hook that publishes an event for every object a mutation creates,
// updates or deletes, after its transaction commits (at once when there is none). A
// failed publication is logged, never returned: the write has happened.
func Hook(b Broker, logger *slog.Logger) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			im, ok := m.(idMutation)
			if !ok {
				return next.Mutate(ctx, m)
			}
			change := Updated
			switch {
			case m.Op().Is(ent.OpCreate):
				change = Created
			case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
				change = Deleted
			}
			// Bulk updates and deletes do not know their IDs until asked.
			var ids []pulid.ID
			if id, ok := im.ID(); ok {
				ids = []pulid.ID{id}
			} else if !m.Op().Is(ent.OpCreate) {
				var err error
				if ids, err = im.IDs(ctx); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			if len(ids) == 0 {
				if id, ok := im.ID(); ok {
					ids = []pulid.ID{id}
				}
			}
			evs := make([]Event, len(ids))
			for i, id := range ids {
				evs[i] = Event{ID: id, Type: m.Type(), Change: change}
			}
			publish := func(ctx context.Context) {
				if err := b.Publish(context.WithoutCancel(ctx), evs...); err != nil {
					logger.WarnContext(ctx, "publish change events", "error", err)
				}
			}
			if len(evs) == 0 {
				return v, nil
			}
			if tx, err := im.Tx(); err == nil {
				tx.OnCommit(func(next ent.Committer) ent.Committer {
					return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
						if err := next.Commit(ctx, tx); err != nil {
							return err
						}
						publish(ctx)
						return nil
					})
				})
				return v, nil
			}
			publish(ctx)
			return v, nil
		})
	}
}
