// Package written runs an ent mutation and tells which objects it wrote: the one
// object of a create or an update or delete by ID, or every object a bulk update or
// delete matched (asked before it runs, since afterwards a delete's rows are gone). The
// change events and the revision history both need exactly that.
package written

import (
	"context"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Mutation is an ent mutation of a type with prefixed IDs (every type here).
type Mutation interface {
	ent.Mutation
	ID() (pulid.ID, bool)
	IDs(ctx context.Context) ([]pulid.ID, error)
	Tx() (*ent.Tx, error)
}

// Mutate runs m through next and returns its value with the IDs of the objects it
// wrote.
func Mutate(ctx context.Context, next ent.Mutator, m Mutation) (ent.Value, []pulid.ID, error) {
	// Bulk updates and deletes do not know their IDs until asked.
	var ids []pulid.ID
	if id, ok := m.ID(); ok {
		ids = []pulid.ID{id}
	} else if !m.Op().Is(ent.OpCreate) {
		var err error
		if ids, err = m.IDs(ctx); err != nil {
			return nil, nil, err
		}
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, nil, err
	}
	if len(ids) == 0 {
		if id, ok := m.ID(); ok {
			ids = []pulid.ID{id}
		}
	}
	return v, ids, nil
}
