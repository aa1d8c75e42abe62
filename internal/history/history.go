// Package history keeps every revision of every object: each write, whatever its path
// (GraphQL mutations, bundle imports, the seed, a restore), adds in its own transaction
// one change set, numbered by the knowledge base's version, with one revision for every
// object whose state it changed (the object's fields and edges after the change; the
// state before is the previous revision's).
//
// How: an ent hook (Use) notes the IDs each mutation touches; just before the
// transaction commits, the recorder locks the single knowledge_base row (which
// serialises writers on both databases, so that versions follow commit order without
// gaps), reads the touched objects as they now are, compares them with their latest
// revisions, and writes a revision for each that changed. An object whose edges change
// changes the objects at their other ends too (the edge lists of both), and an object
// deleted by the database itself (a cascade, a foreign key set to NULL) is found the same
// way, so that no write needs to tell the recorder more than the IDs it wrote. A rolled
// back transaction leaves nothing.
package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/written"
)

// Operation is what a revision did to its object.
type Operation string

// The operations.
const (
	Create Operation = "CREATE"
	Update Operation = "UPDATE"
	Delete Operation = "DELETE"
)

// Actor is who made a change set: a role (READER, EDITOR, ADMIN, or SYSTEM for the
// server itself: the seed, server import, the baseline) and a stable ID (a token's
// "token:<first 12 hex digits of its SHA-256>", a JWT's "jwt:<subject>", or what the
// system did). The token itself is never kept.
type Actor struct {
	Role string `json:"role"`
	ID   string `json:"id"`
}

type actorKey struct{}

// WithActor makes the writes made with ctx count as actor's (for writes without a
// caller's token: the seed, server import).
func WithActor(ctx context.Context, actor Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// actorFrom returns the actor of ctx: WithActor's, else the caller's token's, else SYSTEM.
func actorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	if role, valid := auth.Caller(ctx); valid && role != auth.Anonymous {
		return Actor{Role: strings.ToUpper(role.String()), ID: auth.Subject(ctx)}
	}
	return Actor{Role: "SYSTEM", ID: "server"}
}

// schemaSQL creates the history's tables, per dialect.
func schemaSQL(dialect string) []string {
	serial := "INTEGER PRIMARY KEY AUTOINCREMENT"
	if dialect == "postgres" {
		serial = "BIGSERIAL PRIMARY KEY"
	}
	return []string{
		`CREATE TABLE IF NOT EXISTS knowledge_base (id INTEGER PRIMARY KEY, version BIGINT NOT NULL, updated_at TEXT NOT NULL, pruned_through BIGINT NOT NULL DEFAULT 0)`,
		`CREATE TABLE IF NOT EXISTS change_sets (version BIGINT PRIMARY KEY, created_at TEXT NOT NULL, actor_role TEXT NOT NULL, actor_id TEXT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS change_sets_created_at ON change_sets (created_at)`,
		`CREATE TABLE IF NOT EXISTS revisions (id ` + serial + `, version BIGINT NOT NULL, node_type TEXT NOT NULL, node_id TEXT NOT NULL, operation TEXT NOT NULL, state TEXT)`,
		`CREATE INDEX IF NOT EXISTS revisions_node ON revisions (node_id, id)`,
		`CREATE INDEX IF NOT EXISTS revisions_version ON revisions (version, id)`,
	}
}

// Migrate creates the history's tables and, on a database that has objects but no
// history yet (one from before history was kept), records them all as its baseline
// change set, so that every later change has a state to start from.
func Migrate(ctx context.Context, client *ent.Client) error {
	d := client.Dialect()
	for _, stmt := range schemaSQL(d) {
		if _, err := client.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("history: migrate: %w", err)
		}
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("history: migrate: %w", err)
	}
	err = func() error {
		if _, err := tx.ExecContext(ctx, rebind(d, `INSERT INTO knowledge_base (id, version, updated_at) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING`), now()); err != nil {
			return err
		}
		v, _, err := lockVersion(ctx, tx, d)
		if err != nil || v > 0 {
			return err
		}
		var ids []pulid.ID
		for _, st := range ent.Storage {
			rows, err := tx.QueryContext(ctx, `SELECT "id" FROM "`+st.Table+`"`)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, pulid.ID(id))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if len(ids) == 0 {
			return nil
		}
		return baseline(ctx, tx, d, ids)
	}()
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("history: baseline: %w", err)
	}
	return tx.Commit()
}

// baseline records every object of ids as it is, as version 1, a chunk at a time (a
// large database need not fit in memory at once).
func baseline(ctx context.Context, q querier, dialect string, ids []pulid.ID) error {
	slices.Sort(ids)
	at := now()
	for start := 0; start < len(ids); start += chunk {
		states, err := snapshot(ctx, q, dialect, ids[start:min(start+chunk, len(ids))])
		if err != nil {
			return err
		}
		revs := make([]rev, 0, len(states))
		for _, id := range slices.Sorted(maps.Keys(states)) {
			revs = append(revs, rev{id: id, op: Create, state: states[id]})
		}
		if err := insertRevisions(ctx, q, dialect, 1, revs); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, rebind(dialect, `UPDATE knowledge_base SET version = 1, updated_at = ? WHERE id = 1`), at); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, rebind(dialect, `INSERT INTO change_sets (version, created_at, actor_role, actor_id) VALUES (1, ?, 'SYSTEM', 'baseline')`), at)
	return err
}

func now() string { return time.Now().UTC().Format(timeFormat) }

// lockVersion reads the knowledge base's version, locking its row until the transaction
// ends on PostgreSQL (SQLite's writers are serialised by their immediate transactions).
func lockVersion(ctx context.Context, q querier, dialect string) (int64, string, error) {
	stmt := `SELECT version, updated_at FROM knowledge_base WHERE id = 1`
	if dialect == "postgres" {
		stmt += ` FOR UPDATE`
	}
	var v int64
	var at string
	if err := scanOne(ctx, q, stmt, nil, &v, &at); err != nil {
		return 0, "", fmt.Errorf("read version: %w", err)
	}
	return v, at, nil
}

func scanOne(ctx context.Context, q querier, stmt string, args []any, dest ...any) error {
	rows, err := q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

// record writes the change set of a transaction that touched ids: a revision for each
// object (those ids and, through changed edges and deletions, their neighbours) whose
// state differs from its latest revision. It returns the new version, or 0 when nothing
// changed (and no version is used).
func record(ctx context.Context, q querier, dialect string, ids []pulid.ID, actor Actor) (int64, error) {
	version, _, err := lockVersion(ctx, q, dialect)
	if err != nil {
		return 0, err
	}
	var revs []rev
	done := map[pulid.ID]bool{}
	pending := ids
	for len(pending) > 0 {
		var batch []pulid.ID
		for _, id := range pending {
			if !done[id] && typeOf(id) != "" {
				done[id] = true
				batch = append(batch, id)
			}
		}
		pending = nil
		if len(batch) == 0 {
			break
		}
		before, err := latest(ctx, q, dialect, batch)
		if err != nil {
			return 0, err
		}
		after, err := snapshot(ctx, q, dialect, batch)
		if err != nil {
			return 0, err
		}
		for _, id := range batch {
			b, a := before[id], after[id]
			if b.equal(a) {
				continue
			}
			op := Update
			switch {
			case b == nil:
				op = Create
			case a == nil:
				op = Delete
			}
			revs = append(revs, rev{id: id, op: op, state: a})
			pending = append(pending, neighbours(b, a)...)
		}
	}
	if len(revs) == 0 {
		return 0, nil
	}
	version++
	at := now()
	if _, err := q.ExecContext(ctx, rebind(dialect, `UPDATE knowledge_base SET version = ?, updated_at = ? WHERE id = 1`), version, at); err != nil {
		return 0, fmt.Errorf("bump version: %w", err)
	}
	if _, err := q.ExecContext(ctx, rebind(dialect, `INSERT INTO change_sets (version, created_at, actor_role, actor_id) VALUES (?, ?, ?, ?)`),
		version, at, actor.Role, actor.ID); err != nil {
		return 0, fmt.Errorf("write change set: %w", err)
	}
	// In the order of the objects' IDs, so that a change set's revisions are numbered the
	// same way on every run.
	slices.SortFunc(revs, func(a, b rev) int {
		if a.id < b.id {
			return -1
		}
		if a.id > b.id {
			return 1
		}
		return 0
	})
	if err := insertRevisions(ctx, q, dialect, version, revs); err != nil {
		return 0, err
	}
	return version, nil
}

// rev is a revision to write.
type rev struct {
	id    pulid.ID
	op    Operation
	state *State
}

// insertRevisions writes revs as revisions of version, 100 to a statement.
func insertRevisions(ctx context.Context, q querier, dialect string, version int64, revs []rev) error {
	const perInsert = 100
	for start := 0; start < len(revs); start += perInsert {
		part := revs[start:min(start+perInsert, len(revs))]
		args := make([]any, 0, len(part)*5)
		vals := make([]byte, 0, len(part)*16)
		for i, r := range part {
			var state any
			if r.state != nil {
				b, err := json.Marshal(r.state)
				if err != nil {
					return err
				}
				state = string(b)
			}
			if i > 0 {
				vals = append(vals, ',')
			}
			vals = append(vals, "(?,?,?,?,?)"...)
			args = append(args, version, typeOf(r.id), string(r.id), string(r.op), state)
		}
		if _, err := q.ExecContext(ctx, rebind(dialect, `INSERT INTO revisions (version, node_type, node_id, operation, state) VALUES `+string(vals)), args...); err != nil {
			return fmt.Errorf("write revisions: %w", err)
		}
	}
	return nil
}

// latest returns the state of each of ids after its latest revision (nil for an object
// without one, or deleted).
func latest(ctx context.Context, q querier, dialect string, ids []pulid.ID) (map[pulid.ID]*State, error) {
	out := map[pulid.ID]*State{}
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		ph := placeholders(len(part))
		rows, err := q.QueryContext(ctx, rebind(dialect, `SELECT node_id, state FROM revisions WHERE id IN (SELECT MAX(id) FROM revisions WHERE node_id IN (`+ph+`) GROUP BY node_id)`), anyIDs(part)...)
		if err != nil {
			return nil, fmt.Errorf("read latest revisions: %w", err)
		}
		for rows.Next() {
			var id string
			var state sql.NullString
			if err := rows.Scan(&id, &state); err != nil {
				rows.Close()
				return nil, err
			}
			if state.Valid {
				s, err := decodeState(state.String)
				if err != nil {
					rows.Close()
					return nil, err
				}
				out[pulid.ID(id)] = s
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeState(s string) (*State, error) {
	var st State
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return nil, fmt.Errorf("decode revision state: %w", err)
	}
	if st.Fields == nil {
		st.Fields = map[string]any{}
	}
	if st.Edges == nil {
		st.Edges = map[string][]string{}
	}
	return &st, nil
}

// Recorder gathers the objects each transaction writes and records them when it
// commits.
type Recorder struct {
	client *ent.Client
}

// sets are the change sets of the open transactions, by ent.TxKey.
var (
	setsMu sync.Mutex
	sets   = map[any]*changeSet{}
)

type changeSet struct {
	ids   map[pulid.ID]struct{}
	actor Actor
}

var installed sync.Map // *ent.Client → *Recorder

// Use installs the recorder on client (once, however often it is called) and returns it.
func Use(client *ent.Client) *Recorder {
	r := &Recorder{client: client}
	if old, loaded := installed.LoadOrStore(client, r); loaded {
		return old.(*Recorder)
	}
	client.Use(r.hook)
	return r
}

func (r *Recorder) hook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		im, ok := m.(written.Mutation)
		if !ok {
			return next.Mutate(ctx, m)
		}
		v, ids, err := written.Mutate(ctx, next, im)
		if err != nil {
			return v, err
		}
		if len(ids) == 0 {
			return v, nil
		}
		key := ent.TxKey(m)
		if key == nil {
			// Outside a transaction (no write path of the server; tests' fixtures): the
			// change is recorded at once, in a transaction of its own.
			if err := r.recordNow(ctx, ids); err != nil {
				return v, err
			}
			return v, nil
		}
		tx, err := im.Tx()
		if err != nil {
			return v, err
		}
		touch(ctx, key, tx, ids)
		return v, nil
	})
}

// Touch notes that the transaction tx wrote ids by other means than ent mutations (SQL
// of its own), so that its change set includes them.
func Touch(ctx context.Context, tx *ent.Tx, ids ...pulid.ID) {
	if key := tx.TxKey(); key != nil {
		touch(ctx, key, tx, ids)
	}
}

func touch(ctx context.Context, key any, tx *ent.Tx, ids []pulid.ID) {
	setsMu.Lock()
	cs := sets[key]
	fresh := cs == nil
	if fresh {
		cs = &changeSet{ids: map[pulid.ID]struct{}{}, actor: actorFrom(ctx)}
		sets[key] = cs
	}
	for _, id := range ids {
		cs.ids[id] = struct{}{}
	}
	setsMu.Unlock()
	if !fresh {
		return
	}
	forget := func() {
		setsMu.Lock()
		delete(sets, key)
		setsMu.Unlock()
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			defer forget()
			setsMu.Lock()
			ids := slices.Sorted(maps.Keys(cs.ids))
			setsMu.Unlock()
			v, err := record(ctx, tx, tx.Client().Dialect(), ids, cs.actor)
			if err != nil {
				err = fmt.Errorf("history: record change set: %w", err)
				if rerr := tx.Rollback(); rerr != nil {
					err = errors.Join(err, rerr)
				}
				return err
			}
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			if sink, _ := ctx.Value(commitVersionKey{}).(*atomic.Int64); sink != nil && v > 0 {
				sink.Store(v)
			}
			return nil
		})
	})
	tx.OnRollback(func(next ent.Rollbacker) ent.Rollbacker {
		return ent.RollbackFunc(func(ctx context.Context, tx *ent.Tx) error {
			forget()
			return next.Rollback(ctx, tx)
		})
	})
}

// recordNow records a write made outside a transaction.
func (r *Recorder) recordNow(ctx context.Context, ids []pulid.ID) error {
	tx, err := r.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if _, err := record(ctx, tx, r.client.Dialect(), ids, actorFrom(ctx)); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("history: record change: %w", err)
	}
	return tx.Commit()
}

type commitVersionKey struct{}

// WithCommitVersion returns a context whose transactions, once committed, tell the
// version of their change set to the returned function (0 while none has committed with
// a change): what an operation that wrote should cite, whatever other writers commit
// after it.
func WithCommitVersion(ctx context.Context) (context.Context, func() int64) {
	sink := new(atomic.Int64)
	return context.WithValue(ctx, commitVersionKey{}, sink), sink.Load
}

// LockWriters makes the writing transaction tx wait for every other writer of the
// knowledge base, and them for it, from now until it ends: on PostgreSQL it locks the
// version row, which every change set's commit locks anyway (SQLite's writers already
// take turns). Taken when a transaction opens, before any check reads what it will
// write, it keeps the rules between objects that hooks check (an outcome's source, a
// theme's ancestors, a municipality's periods) from being broken by two writers that
// each passed its check before the other committed.
func LockWriters(ctx context.Context, tx *ent.Tx) error {
	d := tx.Client().Dialect()
	if d != "postgres" {
		return nil
	}
	if _, _, err := lockVersion(ctx, tx, d); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("history: lock writers: %w", err)
	}
	return nil
}
