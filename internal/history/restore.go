package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lib/pq"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
)

// StateAt returns the state of the object id as of version (nil: it did not exist then).
func StateAt(ctx context.Context, q querier, dialect string, id pulid.ID, version int64) (*State, error) {
	var state sql.NullString
	err := scanOne(ctx, q, rebind(dialect, `SELECT state FROM revisions WHERE node_id = ? AND version <= ? ORDER BY id DESC LIMIT 1`),
		[]any{string(id), version}, &state)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !state.Valid) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: read state: %w", err)
	}
	return decodeState(state.String)
}

// Restore writes the object id back as it stood at version, in the transaction tx (whose
// commit records it as a change set): its fields, its foreign keys and its edges to the
// objects that still exist. A deleted object comes back with its ID. It refuses
// (BAD_USER_INPUT) a version the knowledge base has not reached or at which the object
// did not exist (field "version"), and an object whose required edge leads to an object
// that is gone (field "id", naming the edge).
func Restore(ctx context.Context, tx *ent.Tx, id pulid.ID, version int64) error {
	client := tx.Client()
	d := client.Dialect()
	st := storage[typeOf(id)]
	if st == nil {
		return apierr.NotFoundf("id", "no object has the id %s", id)
	}
	if version < 1 {
		return apierr.BadInputf("version", "versions start at 1, got %d", version)
	}
	if err := CheckVersion(ctx, client, "version", version); err != nil {
		return err
	}
	state, err := StateAt(ctx, tx, d, id, version)
	if err != nil {
		return err
	}
	if state == nil {
		var n int
		if err := scanOne(ctx, tx, rebind(d, `SELECT COUNT(*) FROM (SELECT 1 FROM revisions WHERE node_id = ? LIMIT 1) AS r`), []any{string(id)}, &n); err != nil {
			return fmt.Errorf("history: restore: %w", err)
		}
		if n == 0 {
			return apierr.NotFoundf("id", "no %s has the id %s, now or in the history", st.Type, id)
		}
		return apierr.BadInputf("version", "%s %s did not exist at version %d", st.Type, id, version)
	}
	// Which of the objects the state links to still exist.
	exists := map[pulid.ID]bool{}
	byType := map[string][]pulid.ID{}
	for _, e := range st.Edges {
		for _, t := range state.Edges[e.Name] {
			byType[e.Type] = append(byType[e.Type], pulid.ID(t))
		}
	}
	for typ, ids := range byType {
		found, err := client.ExistingIDs(ctx, typ, ids)
		if err != nil {
			return fmt.Errorf("history: restore: %w", err)
		}
		for _, f := range found {
			exists[f] = true
		}
	}
	touched := []pulid.ID{id}
	cols := map[string]any{"id": string(id)}
	for c, v := range state.Fields {
		cols[c] = denormalize(st.Columns[c], v)
	}
	for _, e := range st.Edges {
		if !e.OwnFK {
			continue
		}
		var target any
		if ts := state.Edges[e.Name]; len(ts) == 1 {
			if !exists[pulid.ID(ts[0])] {
				if ref := ent.EdgeRefs[st.Type][e.Name]; ref.ClearField == "" {
					return apierr.BadInputf("id", "%s %s cannot be restored as of version %d: its %s (%s %s) no longer exists; restore that first",
						st.Type, id, version, e.Name, e.Type, ts[0])
				}
			} else {
				target = ts[0]
				touched = append(touched, pulid.ID(ts[0]))
			}
		}
		cols[e.Columns[0]] = target
	}
	names := slices.Sorted(maps.Keys(cols))
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = cols[n]
	}
	var n int
	if err := scanOne(ctx, tx, rebind(d, `SELECT COUNT(*) FROM "`+st.Table+`" WHERE "id" = ?`), []any{string(id)}, &n); err != nil {
		return fmt.Errorf("history: restore: %w", err)
	}
	var stmt string
	if n == 0 {
		stmt = `INSERT INTO "` + st.Table + `" ("` + strings.Join(names, `", "`) + `") VALUES (` + placeholders(len(names)) + `)`
	} else {
		sets := make([]string, len(names))
		for i, n := range names {
			sets[i] = `"` + n + `" = ?`
		}
		stmt = `UPDATE "` + st.Table + `" SET ` + strings.Join(sets, ", ") + ` WHERE "id" = ?`
		args = append(args, string(id))
	}
	res, err := tx.ExecContext(ctx, rebind(d, stmt), args...)
	if err != nil {
		return fmt.Errorf("history: restore %s %s: %w", st.Type, id, apiErr(st.Type, id, err))
	}
	if n > 0 {
		if rows, err := res.RowsAffected(); err == nil && rows == 0 {
			// Deleted by a write that committed after the count (PostgreSQL).
			return changedMeanwhile(st.Type, id)
		}
	}
	for _, e := range st.Edges {
		if e.OwnFK {
			continue
		}
		var keep []string
		for _, t := range state.Edges[e.Name] {
			if exists[pulid.ID(t)] {
				keep = append(keep, t)
				touched = append(touched, pulid.ID(t))
			}
		}
		if e.Rel == "M2M" {
			own, other := e.Columns[0], e.Columns[1]
			if e.Inverse {
				own, other = other, own
			}
			// The links of now, which change too: their other ends are touched.
			rows, err := tx.QueryContext(ctx, rebind(d, `SELECT "`+other+`" FROM "`+e.Table+`" WHERE "`+own+`" = ?`), string(id))
			if err != nil {
				return fmt.Errorf("history: restore: %w", err)
			}
			for rows.Next() {
				var t string
				if err := rows.Scan(&t); err != nil {
					rows.Close()
					return err
				}
				touched = append(touched, pulid.ID(t))
			}
			rows.Close()
			if _, err := tx.ExecContext(ctx, rebind(d, `DELETE FROM "`+e.Table+`" WHERE "`+own+`" = ?`), string(id)); err != nil {
				return fmt.Errorf("history: restore %s: %w", e.Name, err)
			}
			for _, t := range keep {
				if _, err := tx.ExecContext(ctx, rebind(d, `INSERT INTO "`+e.Table+`" ("`+own+`", "`+other+`") VALUES (?, ?)`), string(id), t); err != nil {
					return fmt.Errorf("history: restore %s: %w", e.Name, apiErr(st.Type, id, err))
				}
			}
			continue
		}
		// The other end holds the key (O2M, or O2O owned there): point the objects of
		// the state back here.
		for _, t := range keep {
			if _, err := tx.ExecContext(ctx, rebind(d, `UPDATE "`+e.Table+`" SET "`+e.Columns[0]+`" = ? WHERE "id" = ?`), string(id), t); err != nil {
				return fmt.Errorf("history: restore %s: %w", e.Name, apiErr(st.Type, id, err))
			}
		}
	}
	Touch(ctx, tx, touched...)
	return nil
}

// apiErr turns a constraint violation of the restore's writes into a client error. A
// unique value that another object has taken since is that field's CONFLICT. Every other
// violation can only come from a write that committed while the restore ran (PostgreSQL;
// SQLite's writers take turns): the object itself created again (its ID taken), or an
// object it links to, checked a moment before, deleted. So can a deadlock with such a
// write, or a serialization failure.
func apiErr(typ string, id pulid.ID, err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && (pqErr.Code == "40P01" || pqErr.Code == "40001") {
		return changedMeanwhile(typ, id)
	}
	e := apierr.FromConstraint(err)
	switch {
	case e == nil:
		return err
	case e.Code == apierr.Conflict && e.Field == "":
		return changedMeanwhile(typ, id)
	}
	return e
}

// changedMeanwhile is the CONFLICT of a restore that another write overtook. It is not
// retried here: the write that overtook it (a delete, most often) is news to the admin,
// who decides whether to restore again.
func changedMeanwhile(typ string, id pulid.ID) error {
	return apierr.Conflictf("id", "%s %s, or an object it links to, changed while it was being restored (another write committed meanwhile); try again", typ, id)
}
