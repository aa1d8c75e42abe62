package history

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"

	entsql "entgo.io/ent/dialect/sql"
	// Registers the "sqlite" driver for the in-memory copies.
	_ "modernc.org/sqlite"

	"github.com/teemaverkko/teemaverkko/ent"
)

var memories atomic.Int64

// checkEvery is how many objects a rebuild reads or writes between looks at its context
// (every statement looks too): a rebuild stops soon after its request's deadline.
const checkEvery = 256

// AsOf rebuilds the knowledge base as it stood at version, from the revisions, into a
// fresh in-memory SQLite database, and returns an ent client over it (read it like the
// live one: bundle.Export, the theme network, statistics) and the function that frees
// it. The version must be one the knowledge base has reached (BAD_USER_INPUT on field
// otherwise). It reads every object's latest revision up to version in one statement.
// It stops, with ctx's error, once ctx ends.
func AsOf(ctx context.Context, client *ent.Client, field string, version int64) (*ent.Client, func(), error) {
	if err := CheckVersion(ctx, client, field, version); err != nil {
		return nil, nil, err
	}
	d := client.Dialect()
	rows, err := client.QueryContext(ctx, rebind(d, `SELECT node_type, node_id, state FROM revisions WHERE id IN (SELECT MAX(id) FROM revisions WHERE version <= ? GROUP BY node_id) AND state IS NOT NULL`), version)
	if err != nil {
		return nil, nil, fmt.Errorf("history: read states: %w", err)
	}
	byType := map[string][]*State{}
	for n := 0; rows.Next(); n++ {
		if n%checkEvery == 0 && ctx.Err() != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("history: read states: %w", ctx.Err())
		}
		var typ, id, state string
		if err := rows.Scan(&typ, &id, &state); err != nil {
			rows.Close()
			return nil, nil, err
		}
		s, err := decodeState(state)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		s.Fields["id"] = id // for fill
		byType[typ] = append(byType[typ], s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("history: read states: %w", err)
	}
	// A named in-memory database that lives as long as its one connection.
	dsn := fmt.Sprintf("file:asof%d?mode=memory&_pragma=foreign_keys(1)", memories.Add(1))
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("history: open copy: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	mem := ent.NewClient(ent.Driver(entsql.OpenDB("sqlite3", db)))
	closeAll := func() { _ = mem.Close() }
	if err := mem.Schema.Create(ctx); err != nil {
		closeAll()
		return nil, nil, fmt.Errorf("history: create copy: %w", err)
	}
	// The rows go in in any order: a state's foreign keys are checked by the database it
	// was read from.
	if _, err := db.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		closeAll()
		return nil, nil, fmt.Errorf("history: copy: %w", err)
	}
	if err := fill(ctx, db, byType); err != nil {
		closeAll()
		return nil, nil, err
	}
	return mem, closeAll, nil
}

// fill writes the states into the copy: each object's row, and the rows of the join
// tables of the edges it owns.
func fill(ctx context.Context, db *sql.DB, byType map[string][]*State) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, typ := range slices.Sorted(maps.Keys(byType)) {
		st := storage[typ]
		if st == nil {
			continue // a type that no longer exists
		}
		cols := slices.Sorted(maps.Keys(st.Columns))
		fks := map[string]string{} // column → edge
		for _, e := range st.Edges {
			if e.OwnFK {
				fks[e.Columns[0]] = e.Name
				if !slices.Contains(cols, e.Columns[0]) {
					cols = append(cols, e.Columns[0])
				}
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO "`+st.Table+`" ("`+strings.Join(cols, `", "`)+`") VALUES (`+placeholders(len(cols))+`)`)
		if err != nil {
			return fmt.Errorf("history: copy %s: %w", typ, err)
		}
		for n, s := range byType[typ] {
			if n%checkEvery == 0 && ctx.Err() != nil {
				ins.Close()
				return fmt.Errorf("history: copy %s: %w", typ, ctx.Err())
			}
			args := make([]any, len(cols))
			id := s.Fields["id"]
			for i, c := range cols {
				switch {
				case c == "id":
					args[i] = id
				case fks[c] != "":
					if ids := s.Edges[fks[c]]; len(ids) == 1 {
						args[i] = ids[0]
					}
				default:
					args[i] = denormalize(st.Columns[c], s.Fields[c])
				}
			}
			if _, err := ins.ExecContext(ctx, args...); err != nil {
				ins.Close()
				return fmt.Errorf("history: copy %s %v: %w", typ, id, err)
			}
			for _, e := range st.Edges {
				if e.Rel != "M2M" || e.Inverse {
					continue
				}
				for _, t := range s.Edges[e.Name] {
					if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO "`+e.Table+`" ("`+e.Columns[0]+`", "`+e.Columns[1]+`") VALUES (?, ?)`, id, t); err != nil {
						ins.Close()
						return fmt.Errorf("history: copy %s.%s: %w", typ, e.Name, err)
					}
				}
			}
		}
		ins.Close()
	}
	return tx.Commit()
}
