package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/migrate"
)

// keyTables say how a row of a table is named independently of its ID, in an order in
// which every name refers only to names made before it. An ID found in any column is
// replaced by the name of its row.
var keyTables = []struct {
	table string
	cols  []string
}{
	{"regions", []string{"code"}},
	{"municipalities", []string{"code"}},
	{"organizations", []string{"name"}},
	{"networks", []string{"name"}},
	{"network_terms", []string{"network_id", "number"}},
	{"themes", []string{"slug"}},
	{"documents", []string{"key"}},
	{"experts", []string{"name", "organization_id", "title"}},
	{"seminars", []string{"title", "date"}},
	{"sessions", []string{"seminar_id", "position"}},
	{"outcomes", []string{"seminar_id", "session_id", "kind", "text", "quote"}},
}

// Digest returns a SHA-256 of the database's whole knowledge base, every table of the
// ent schema, independent of IDs (which are fresh ULIDs on every run) and of row order:
// every ID is replaced by its row's natural key (a theme's slug, a seminar's title and
// date, an outcome's seminar and text …), the rows of each table are sorted. Two
// databases with the same content have the same digest, SQLite or PostgreSQL alike.
func Digest(ctx context.Context, client *ent.Client) (string, error) {
	h := sha256.New()
	if err := dump(ctx, client, h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// dump writes what Digest hashes: per table its name, row count and sorted rows.
func dump(ctx context.Context, client *ent.Client, h io.Writer) error {
	names := map[string]string{}
	for _, kt := range keyTables {
		rows, err := readRows(ctx, client, kt.table, append([]string{"id"}, kt.cols...))
		if err != nil {
			return err
		}
		for _, row := range rows {
			parts := make([]string, len(kt.cols))
			for i, v := range row[1:] {
				parts[i] = name(names, v)
			}
			names[row[0]] = kt.table + ":" + strings.Join(parts, "/")
		}
	}
	tables := slices.Clone(migrate.Tables)
	slices.SortFunc(tables, func(a, b *schema.Table) int { return strings.Compare(a.Name, b.Name) })
	for _, t := range tables {
		var cols []string
		for _, c := range t.Columns {
			if c.Name != "id" {
				cols = append(cols, c.Name)
			}
		}
		rows, err := readRows(ctx, client, t.Name, cols)
		if err != nil {
			return err
		}
		lines := make([]string, len(rows))
		for i, row := range rows {
			for j, v := range row {
				row[j] = name(names, v)
			}
			lines[i] = strings.Join(row, "\x1f")
		}
		slices.Sort(lines)
		fmt.Fprintf(h, "%s %d\n", t.Name, len(lines))
		for _, l := range lines {
			if _, err := io.WriteString(h, l+"\n"); err != nil {
				return err
			}
		}
	}
	return nil
}

func name(names map[string]string, v string) string {
	if n, ok := names[v]; ok {
		return n
	}
	return v
}

// readRows reads the columns of every row of a table as text, in the same form on
// SQLite and PostgreSQL: dates as YYYY-MM-DD, booleans as 0/1, NULL as ∅.
func readRows(ctx context.Context, client *ent.Client, table string, cols []string) ([][]string, error) {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	rows, err := client.QueryContext(ctx, "SELECT "+strings.Join(quoted, ", ")+` FROM "`+table+`"`)
	if err != nil {
		return nil, fmt.Errorf("synth: digest: read %s: %w", table, err)
	}
	defer rows.Close()
	var out [][]string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("synth: digest: read %s: %w", table, err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = text(v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("synth: digest: read %s: %w", table, err)
	}
	return out, nil
}

func text(v any) string {
	switch v := v.(type) {
	case nil:
		return "∅"
	case time.Time:
		return v.UTC().Format("2006-01-02")
	case []byte:
		return normalize(string(v))
	case string:
		return normalize(v)
	case bool:
		if v {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// normalize shortens a date stored as text with a midnight time ("2017-03-14
// 00:00:00+00:00", SQLite) to the date, and compacts JSON (PostgreSQL's jsonb adds
// spaces).
func normalize(s string) string {
	if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{") {
		var b bytes.Buffer
		if json.Compact(&b, []byte(s)) == nil {
			return b.String()
		}
	}
	if len(s) >= 19 && s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T') && s[11:19] == "00:00:00" {
		if _, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return s[:10]
		}
	}
	return s
}
