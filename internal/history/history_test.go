package history_test

import (
	"context"
	"slices"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

func inTx(t *testing.T, client *ent.Client, fn func(c *ent.Client) error) {
	t.Helper()
	ctx := context.Background()
	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := fn(tx.Client()); err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

type want struct {
	version int64
	op      history.Operation
	name    any // the after state's name; nil for a delete
	parent  []string
}

// TestRecordsEveryChange checks the revisions of creates, updates, an edge that the
// other end's change removes, a delete, a rolled-back transaction and a write outside
// any transaction, in order, with their states before and after.
func TestRecordsEveryChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		history.Use(client, nil)
		var a, b *ent.Theme
		inTx(t, client, func(c *ent.Client) (err error) { // version 1
			if b, err = c.Theme.Create().SetSlug("b").SetName("B").Save(ctx); err != nil {
				return err
			}
			a, err = c.Theme.Create().SetSlug("a").SetName("A").SetParentID(b.ID).Save(ctx)
			return err
		})
		inTx(t, client, func(c *ent.Client) error { // version 2
			return c.Theme.UpdateOneID(a.ID).SetName("A2").Exec(ctx)
		})
		tx, err := client.Tx(ctx) // rolled back: no revision, no version
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Client().Theme.UpdateOneID(b.ID).SetName("never").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		inTx(t, client, func(c *ent.Client) error { // version 3: a loses its parent
			if err := c.Theme.UpdateOneID(a.ID).ClearParent().Exec(ctx); err != nil {
				return err
			}
			return c.Theme.DeleteOneID(b.ID).Exec(ctx)
		})
		if err := client.Theme.UpdateOneID(a.ID).SetName("A3").Exec(ctx); err != nil { // version 4, no tx
			t.Fatal(err)
		}
		kb, err := history.Current(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		if kb.Version != 4 {
			t.Errorf("version = %d, want 4", kb.Version)
		}
		for _, tc := range []struct {
			id   string
			want []want // newest first
		}{
			{string(a.ID), []want{
				{4, history.Update, "A3", nil},
				{3, history.Update, "A2", nil},
				{2, history.Update, "A2", []string{string(b.ID)}},
				{1, history.Create, "A", []string{string(b.ID)}},
			}},
			{string(b.ID), []want{
				{3, history.Delete, nil, nil},
				{1, history.Create, "B", nil},
			}},
		} {
			revs, err := history.ForNode(ctx, client, pulid.ID(tc.id), 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(revs) != len(tc.want) {
				t.Fatalf("%s: %d revisions, want %d", tc.id, len(revs), len(tc.want))
			}
			var prev *history.State // the after state of the older revision
			for i := len(revs) - 1; i >= 0; i-- {
				r, w := revs[i], tc.want[i]
				if r.Version != w.version || r.Operation != w.op {
					t.Errorf("%s revision %d: version %d %s, want %d %s", tc.id, i, r.Version, r.Operation, w.version, w.op)
				}
				if w.name == nil {
					if r.After != nil {
						t.Errorf("%s revision %d: after = %+v, want none", tc.id, i, r.After)
					}
				} else if r.After == nil || r.After.Fields["name"] != w.name || !slices.Equal(r.After.Edges["parent"], w.parent) {
					t.Errorf("%s revision %d: after = %+v, want name %v parent %v", tc.id, i, r.After, w.name, w.parent)
				}
				if (prev == nil) != (r.Before == nil) || (prev != nil && prev.Fields["name"] != r.Before.Fields["name"]) {
					t.Errorf("%s revision %d: before = %+v, want %+v", tc.id, i, r.Before, prev)
				}
				prev = r.After
			}
		}
		// b's children went with the edge; the feed lists every revision once, in order.
		revs, err := history.Changes(ctx, client, history.Filter{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		var seq []int64
		for _, r := range revs {
			seq = append(seq, r.Version)
		}
		if !slices.Equal(seq, []int64{1, 1, 2, 3, 3, 4}) {
			t.Errorf("feed versions = %v", seq)
		}
		if revs[0].Actor.Role != "SYSTEM" {
			t.Errorf("actor = %+v, want SYSTEM", revs[0].Actor)
		}
	})
}
