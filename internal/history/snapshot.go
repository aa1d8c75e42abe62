package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// State is an object as a revision records it: its stored fields (by column, the
// foreign keys of its edges aside) and the IDs at the end of each of its edges (by edge
// name, sorted). A deleted object has no State.
type State struct {
	Fields map[string]any      `json:"fields"`
	Edges  map[string][]string `json:"edges"`
}

// equal reports whether two states hold the same values.
func (s *State) equal(o *State) bool {
	if s == nil || o == nil {
		return s == o
	}
	a, _ := json.Marshal(s)
	b, _ := json.Marshal(o)
	return string(a) == string(b)
}

// neighbours returns the objects whose edges change when an object goes from state a to
// state b (either may be nil): those at the end of an edge in one and not the other.
func neighbours(a, b *State) []pulid.ID {
	ends := func(s *State) map[string]bool {
		out := map[string]bool{}
		if s == nil {
			return out
		}
		for name, ids := range s.Edges {
			for _, id := range ids {
				out[name+"\x00"+id] = true
			}
		}
		return out
	}
	ea, eb := ends(a), ends(b)
	var out []pulid.ID
	for k := range ea {
		if !eb[k] {
			out = append(out, pulid.ID(k[strings.IndexByte(k, 0)+1:]))
		}
	}
	for k := range eb {
		if !ea[k] {
			out = append(out, pulid.ID(k[strings.IndexByte(k, 0)+1:]))
		}
	}
	return out
}

// querier runs SQL: a transaction or a client.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// storage maps a type's name to how it is stored.
var storage = func() map[string]*ent.StorageType {
	out := map[string]*ent.StorageType{}
	for i := range ent.Storage {
		out[ent.Storage[i].Type] = &ent.Storage[i]
	}
	return out
}()

// typeOf returns the type of an ID by its prefix ("" when none has it).
func typeOf(id pulid.ID) string {
	if len(id) < 2 {
		return ""
	}
	return ent.TypeOfPrefix[string(id[:2])]
}

// chunk is the number of IDs one statement lists.
const chunk = 500

// rebind turns ? placeholders into PostgreSQL's $n.
func rebind(dialect, q string) string {
	if dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func anyIDs(ids []pulid.ID) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// snapshot loads the current state of ids (of any types); objects that do not exist are
// missing from the result. It costs one statement per type and edge of the types
// among ids (per 500 IDs), whatever their number.
func snapshot(ctx context.Context, q querier, dialect string, ids []pulid.ID) (map[pulid.ID]*State, error) {
	byType := map[string][]pulid.ID{}
	for _, id := range ids {
		if t := typeOf(id); t != "" {
			byType[t] = append(byType[t], id)
		}
	}
	out := map[pulid.ID]*State{}
	for _, t := range slices.Sorted(maps.Keys(byType)) {
		st := storage[t]
		all := byType[t]
		for start := 0; start < len(all); start += chunk {
			part := all[start:min(start+chunk, len(all))]
			if err := snapshotType(ctx, q, dialect, st, part, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func snapshotType(ctx context.Context, q querier, dialect string, st *ent.StorageType, ids []pulid.ID, out map[pulid.ID]*State) error {
	ownFK := map[string]string{} // column → edge name
	for _, e := range st.Edges {
		if e.OwnFK {
			ownFK[e.Columns[0]] = e.Name
		}
	}
	rows, err := q.QueryContext(ctx, rebind(dialect, `SELECT * FROM "`+st.Table+`" WHERE "id" IN (`+placeholders(len(ids))+`)`), anyIDs(ids)...)
	if err != nil {
		return fmt.Errorf("history: read %s: %w", st.Table, err)
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		return err
	}
	found := []pulid.ID{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return fmt.Errorf("history: scan %s: %w", st.Table, err)
		}
		s := &State{Fields: map[string]any{}, Edges: map[string][]string{}}
		var id pulid.ID
		for i, c := range cols {
			v := normalize(st.Columns[c], vals[i])
			switch {
			case c == "id":
				id = pulid.ID(fmt.Sprint(v))
			case ownFK[c] != "":
				if v != nil {
					s.Edges[ownFK[c]] = []string{fmt.Sprint(v)}
				}
			default:
				if _, known := st.Columns[c]; known {
					s.Fields[c] = v
				}
			}
		}
		out[id] = s
		found = append(found, id)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(found) == 0 {
		return nil
	}
	for _, e := range st.Edges {
		if e.OwnFK {
			continue
		}
		own, other, table := e.Columns[0], "id", e.Table
		if e.Rel == "M2M" {
			own, other = e.Columns[0], e.Columns[1]
			if e.Inverse {
				own, other = other, own
			}
		}
		rows, err := q.QueryContext(ctx, rebind(dialect, `SELECT "`+own+`", "`+other+`" FROM "`+table+`" WHERE "`+own+`" IN (`+placeholders(len(found))+`)`), anyIDs(found)...)
		if err != nil {
			return fmt.Errorf("history: read %s.%s: %w", st.Type, e.Name, err)
		}
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				rows.Close()
				return fmt.Errorf("history: scan %s.%s: %w", st.Type, e.Name, err)
			}
			if s := out[pulid.ID(a)]; s != nil {
				s.Edges[e.Name] = append(s.Edges[e.Name], b)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, id := range found {
		for _, ids := range out[id].Edges {
			slices.Sort(ids)
		}
	}
	return nil
}

// timeFormat is how times are kept in states and change sets: UTC, fixed width, so that
// they sort as text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// FormatTime formats t as change sets keep their times.
func FormatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// normalize turns a scanned value into its JSON form, the same on both databases.
func normalize(kind string, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		v = string(x)
	}
	switch kind {
	case "time.Time":
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Format(timeFormat)
		case string:
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
				if t, err := time.Parse(layout, x); err == nil {
					return t.UTC().Format(timeFormat)
				}
			}
		}
	case "bool":
		switch x := v.(type) {
		case int64:
			return x != 0
		case string:
			return x == "1" || x == "true"
		}
	case "int", "int64", "int32", "int16", "int8", "uint", "uint64", "uint32":
		switch x := v.(type) {
		case float64:
			return int64(x)
		}
	}
	return v
}

// denormalize turns a state's JSON value back into what a column of kind holds.
func denormalize(kind string, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if kind == "time.Time" {
			if t, err := time.Parse(timeFormat, x); err == nil {
				return t
			}
		}
	case float64:
		if kind != "float64" && kind != "float32" {
			return int64(x)
		}
	case json.Number:
		if kind == "float64" || kind == "float32" {
			f, _ := x.Float64()
			return f
		}
		n, _ := x.Int64()
		return n
	}
	return v
}
