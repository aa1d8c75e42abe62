package events

import (
	"context"
	"log/slog"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/written"
)

// Hook returns an ent hook that publishes an event for every object a mutation creates,
// updates or deletes, after its transaction commits (at once when there is none). A
// failed publication is logged, never returned: the write has happened.
func Hook(b Broker, logger *slog.Logger) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			im, ok := m.(written.Mutation)
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
			v, ids, err := written.Mutate(ctx, next, im)
			if err != nil {
				return v, err
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
