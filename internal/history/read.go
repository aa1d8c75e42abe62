package history

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
)

// Revision is one recorded change of one object.
type Revision struct {
	// Seq numbers every revision, in commit order.
	Seq int64
	// Version is the knowledge base's version the change set made (the change set's number).
	Version int64
	// At is when the change set was committed (UTC, RFC 3339 with microseconds).
	At string
	// Actor made the change set.
	Actor Actor
	// Operation is what happened to the object.
	Operation Operation
	// NodeType and NodeID name the object.
	NodeType string
	NodeID   pulid.ID
	// BeforeSeq is the number of the revision that holds the state before the change
	// (0: the object had no earlier revision).
	BeforeSeq int64
	// BeforeBytes and AfterBytes are the sizes of the stored states in bytes (0: no
	// state), read without the states so that a reader can bound what it loads.
	BeforeBytes, AfterBytes int64
	// Before and After are the object's states around the change as they are stored (a
	// State in JSON), once LoadStates has read them; nil: not read, or the object did
	// not exist.
	Before, After *string
}

// BeforeState decodes the state before the change that LoadStates read (nil: none).
func (r *Revision) BeforeState() (*State, error) { return decodeStored(r.Before) }

// AfterState decodes the state after the change that LoadStates read (nil: none).
func (r *Revision) AfterState() (*State, error) { return decodeStored(r.After) }

func decodeStored(s *string) (*State, error) {
	if s == nil {
		return nil, nil
	}
	return decodeState(*s)
}

// KnowledgeBase is the state of the whole: its version (the number of the latest change
// set) and when that was committed.
type KnowledgeBase struct {
	Version   int64
	UpdatedAt string
}

// Current returns the knowledge base's version, in one statement.
func Current(ctx context.Context, client *ent.Client) (KnowledgeBase, error) {
	var kb KnowledgeBase
	if err := scanOne(ctx, client, `SELECT version, updated_at FROM knowledge_base WHERE id = 1`, nil, &kb.Version, &kb.UpdatedAt); err != nil {
		return kb, fmt.Errorf("history: read version: %w", err)
	}
	return kb, nil
}

// revisionColumns are the columns read for a Revision: the number of the previous
// revision (whose state is the state before) and the sizes of both states, not the
// states themselves (LoadStates reads those). octet_length reads a size without the
// value on both databases (PostgreSQL from the TOAST header, SQLite from the record).
const revisionColumns = `r.id, r.version, c.created_at, c.actor_role, c.actor_id, r.operation, r.node_type, r.node_id,
	COALESCE(octet_length(r.state), 0),
	COALESCE((SELECT p.id FROM revisions p WHERE p.node_id = r.node_id AND p.id < r.id ORDER BY p.id DESC LIMIT 1), 0),
	COALESCE((SELECT octet_length(p.state) FROM revisions p WHERE p.node_id = r.node_id AND p.id < r.id ORDER BY p.id DESC LIMIT 1), 0)
	FROM revisions r JOIN change_sets c ON c.version = r.version`

func scanRevisions(rows *sql.Rows) ([]*Revision, error) {
	defer rows.Close()
	var out []*Revision
	for rows.Next() {
		r := &Revision{}
		var op, id string
		if err := rows.Scan(&r.Seq, &r.Version, &r.At, &r.Actor.Role, &r.Actor.ID, &op, &r.NodeType, &id,
			&r.AfterBytes, &r.BeforeSeq, &r.BeforeBytes); err != nil {
			return nil, fmt.Errorf("history: scan revision: %w", err)
		}
		r.Operation, r.NodeID = Operation(op), pulid.ID(id)
		out = append(out, r)
	}
	return out, rows.Err()
}

// LoadStates reads the states of revs as they are stored, before and/or after as asked,
// in one statement per chunk of revisions: a reader first bounds the bytes it is about
// to load (BeforeBytes, AfterBytes), then loads them.
func LoadStates(ctx context.Context, client *ent.Client, revs []*Revision, before, after bool) error {
	if !before && !after {
		return nil
	}
	var seqs []int64
	seen := map[int64]bool{}
	want := func(seq, size int64) {
		if seq > 0 && size > 0 && !seen[seq] {
			seen[seq] = true
			seqs = append(seqs, seq)
		}
	}
	for _, r := range revs {
		if before {
			want(r.BeforeSeq, r.BeforeBytes)
		}
		if after {
			want(r.Seq, r.AfterBytes)
		}
	}
	states := make(map[int64]*string, len(seqs))
	for start := 0; start < len(seqs); start += chunk {
		part := seqs[start:min(start+chunk, len(seqs))]
		args := make([]any, len(part))
		for i, s := range part {
			args[i] = s
		}
		rows, err := client.QueryContext(ctx, rebind(client.Dialect(),
			`SELECT id, state FROM revisions WHERE state IS NOT NULL AND id IN (`+placeholders(len(part))+`)`), args...)
		if err != nil {
			return fmt.Errorf("history: read revision states: %w", err)
		}
		for rows.Next() {
			var seq int64
			var state string
			if err := rows.Scan(&seq, &state); err != nil {
				rows.Close()
				return fmt.Errorf("history: scan revision state: %w", err)
			}
			states[seq] = &state
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("history: read revision states: %w", err)
		}
	}
	for _, r := range revs {
		if before && r.BeforeSeq > 0 {
			r.Before = states[r.BeforeSeq]
		}
		if after {
			r.After = states[r.Seq]
		}
	}
	return nil
}

// ForNode returns up to first revisions of the object id, newest first, older than the
// revision numbered before (0: from the newest), in one statement.
func ForNode(ctx context.Context, client *ent.Client, id pulid.ID, before int64, first int) ([]*Revision, error) {
	args := []any{string(id)}
	where := `r.node_id = ?`
	if before > 0 {
		where += ` AND r.id < ?`
		args = append(args, before)
	}
	args = append(args, first)
	rows, err := client.QueryContext(ctx, rebind(client.Dialect(), `SELECT `+revisionColumns+` WHERE `+where+` ORDER BY r.id DESC LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("history: read revisions: %w", err)
	}
	return scanRevisions(rows)
}

// Filter selects the revisions of the change feed.
type Filter struct {
	// After: only revisions of versions after this one (0: from the start).
	After int64
	// AfterSeq: only revisions numbered after this one (a page's cursor).
	AfterSeq int64
	// Types: only objects of these types (none: all).
	Types []string
	// ActorID: only change sets of this actor ("": any).
	ActorID string
	// Since and Until bound the time of the change sets (RFC 3339; "": unbounded).
	Since, Until string
}

// Changes returns up to first revisions that f selects, oldest first, in one statement:
// a client polls it with After set to the last version it has seen.
func Changes(ctx context.Context, client *ent.Client, f Filter, first int) ([]*Revision, error) {
	var conds []string
	var args []any
	if f.After > 0 {
		conds, args = append(conds, `r.version > ?`), append(args, f.After)
	}
	if f.AfterSeq > 0 {
		conds, args = append(conds, `r.id > ?`), append(args, f.AfterSeq)
	}
	if len(f.Types) > 0 {
		conds = append(conds, `r.node_type IN (`+placeholders(len(f.Types))+`)`)
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	if f.ActorID != "" {
		conds, args = append(conds, `c.actor_id = ?`), append(args, f.ActorID)
	}
	if f.Since != "" {
		conds, args = append(conds, `c.created_at >= ?`), append(args, f.Since)
	}
	if f.Until != "" {
		conds, args = append(conds, `c.created_at < ?`), append(args, f.Until)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	args = append(args, first)
	rows, err := client.QueryContext(ctx, rebind(client.Dialect(), `SELECT `+revisionColumns+where+` ORDER BY r.id LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("history: read changes: %w", err)
	}
	return scanRevisions(rows)
}

// CheckVersion refuses (BAD_USER_INPUT naming field) a version that the knowledge base
// has not reached, one below zero, and one whose history has been pruned.
func CheckVersion(ctx context.Context, client *ent.Client, field string, v int64) error {
	var current, pruned int64
	if err := scanOne(ctx, client, `SELECT version, pruned_through FROM knowledge_base WHERE id = 1`, nil, &current, &pruned); err != nil {
		return fmt.Errorf("history: read version: %w", err)
	}
	if v < 0 || v > current {
		return apierr.BadInputf(field, "no version %d: the knowledge base is at version %d", v, current)
	}
	if v < pruned {
		return apierr.BadInputf(field, "the history before version %d has been pruned: ask from version %d on", pruned, pruned)
	}
	return nil
}

// ForNodes is ForNode for many objects in one statement: up to first revisions of each,
// newest first, older than the revision numbered before (0: from the newest).
func ForNodes(ctx context.Context, client *ent.Client, ids []pulid.ID, before int64, first int) (map[pulid.ID][]*Revision, error) {
	out := map[pulid.ID][]*Revision{}
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := anyIDs(part)
		where := `node_id IN (` + placeholders(len(part)) + `)`
		if before > 0 {
			where += ` AND id < ?`
			args = append(args, before)
		}
		args = append(args, first)
		rows, err := client.QueryContext(ctx, rebind(client.Dialect(), `SELECT `+revisionColumns+
			` WHERE r.id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY node_id ORDER BY id DESC) AS n FROM revisions WHERE `+where+`) ranked WHERE n <= ?)
			ORDER BY r.id DESC`), args...)
		if err != nil {
			return nil, fmt.Errorf("history: read revisions: %w", err)
		}
		revs, err := scanRevisions(rows)
		if err != nil {
			return nil, err
		}
		for _, r := range revs {
			out[r.NodeID] = append(out[r.NodeID], r)
		}
	}
	return out, nil
}

// TypeName returns the name of the recorded type spelled name, whatever its case
// ("theme" and "THEME" are "Theme"), and false when no type has that name.
func TypeName(name string) (string, bool) {
	for t := range storage {
		if strings.EqualFold(t, name) {
			return t, true
		}
	}
	return "", false
}

// TypeNames returns the names of the recorded types, sorted.
func TypeNames() []string {
	return slices.Sorted(maps.Keys(storage))
}

// CheckAsOf checks a version to read the knowledge base as of: it is refused
// (BAD_USER_INPUT on field) below 1, where versions start (0 would be the empty
// knowledge base before the first write, which no one cites; the current one is asked
// for without a version), and as CheckVersion refuses it.
func CheckAsOf(ctx context.Context, client *ent.Client, field string, v int64) error {
	if v < 1 {
		return apierr.BadInputf(field, "versions start at 1, got %d (leave %s out for the knowledge base as it is now)", v, field)
	}
	return CheckVersion(ctx, client, field, v)
}
