package bundle

import (
	"context"

	entgo "entgo.io/ent"
)

// maxParams is the most parameters one statement of an import binds. The databases
// refuse more: SQLite at 32,766 (SQLITE_MAX_VARIABLE_NUMBER, as the driver builds it),
// PostgreSQL at 65,535. A bundle is written in one transaction whatever its size, so its
// bulk inserts and its lookups by key are split into statements below both.
const maxParams = 30000

// saveInBatches creates builders in consecutive batches, calling save (one CreateBulk)
// on each, and returns what the saves return, in the order of builders. A bulk create
// writes its rows in one INSERT of every column (columns is the number of the table's
// columns) and the many-to-many edges of each join table in one INSERT of two
// parameters an edge; a batch is cut before the sum of both passes maxParams. edges
// counts the IDs a builder adds over all its edges (its foreign keys included, which
// only makes the bound safer).
func saveInBatches[B, E any](ctx context.Context, builders []B, columns int, edges func(B) int, save func(context.Context, []B) ([]E, error)) ([]E, error) {
	var out []E
	flush := func(part []B) error {
		saved, err := save(ctx, part)
		out = append(out, saved...)
		return err
	}
	start, params := 0, 0
	for i, b := range builders {
		n := columns + 2*edges(b)
		if i > start && params+n > maxParams {
			if err := flush(builders[start:i]); err != nil {
				return nil, err
			}
			start, params = i, 0
		}
		params += n
	}
	if start < len(builders) {
		if err := flush(builders[start:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// addedIDs counts the IDs a mutation adds over all its edges.
func addedIDs(m entgo.Mutation) int {
	n := 0
	for _, e := range m.AddedEdges() {
		n += len(m.AddedIDs(e))
	}
	return n
}

// readInChunks reads the rows of keys in consecutive parts, each listed in one
// statement (an IN list) with room for the rest of its parameters, and returns them
// all. read makes a new query for each part; what it loads with the rows (their edges)
// is read per part too, so those IN lists stay as short.
func readInChunks[K, E any](keys []K, read func([]K) ([]E, error)) ([]E, error) {
	const size = maxParams / 2
	var out []E
	for start := 0; start < len(keys); start += size {
		rows, err := read(keys[start:min(start+size, len(keys))])
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}
