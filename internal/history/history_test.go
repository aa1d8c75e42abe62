package history_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
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
		history.Use(client)
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
			if err := history.LoadStates(ctx, client, revs, true, true); err != nil {
				t.Fatal(err)
			}
			var prev *history.State // the after state of the older revision
			for i := len(revs) - 1; i >= 0; i-- {
				r, w := revs[i], tc.want[i]
				after, err := r.AfterState()
				if err != nil {
					t.Fatal(err)
				}
				before, err := r.BeforeState()
				if err != nil {
					t.Fatal(err)
				}
				if (after == nil) != (r.AfterBytes == 0) || (before == nil) != (r.BeforeBytes == 0) ||
					(r.After != nil && int64(len(*r.After)) != r.AfterBytes) || (r.Before != nil && int64(len(*r.Before)) != r.BeforeBytes) {
					t.Errorf("%s revision %d: sizes %d/%d do not match the states read %v/%v", tc.id, i, r.BeforeBytes, r.AfterBytes, r.Before, r.After)
				}
				if r.Version != w.version || r.Operation != w.op {
					t.Errorf("%s revision %d: version %d %s, want %d %s", tc.id, i, r.Version, r.Operation, w.version, w.op)
				}
				if w.name == nil {
					if after != nil {
						t.Errorf("%s revision %d: after = %+v, want none", tc.id, i, after)
					}
				} else if after == nil || after.Fields["name"] != w.name || !slices.Equal(after.Edges["parent"], w.parent) {
					t.Errorf("%s revision %d: after = %+v, want name %v parent %v", tc.id, i, after, w.name, w.parent)
				}
				if (prev == nil) != (before == nil) || (prev != nil && prev.Fields["name"] != before.Fields["name"]) {
					t.Errorf("%s revision %d: before = %+v, want %+v", tc.id, i, before, prev)
				}
				prev = after
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

// TestTwoInstancesOneSequence writes from two clients over separate connection pools to
// one database at once (two server instances) and checks that the versions they make
// are gapless, one per write, and that revisions are numbered in version order.
func TestTwoInstancesOneSequence(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		other, err := database.Open(ctx, db.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		clients := []*ent.Client{db.Client(), other.Client()}
		for _, c := range clients {
			history.Use(c)
		}
		const perClient = 15
		errs := make(chan error, len(clients))
		for i, c := range clients {
			go func() {
				for j := range perClient {
					tx, err := c.Tx(ctx)
					if err != nil {
						errs <- err
						return
					}
					slug := fmt.Sprintf("t%d-%d", i, j)
					if err := tx.Client().Theme.Create().SetSlug(slug).SetName(slug).Exec(ctx); err != nil {
						_ = tx.Rollback()
						errs <- err
						return
					}
					if err := tx.Commit(); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range clients {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		revs, err := history.Changes(ctx, clients[0], history.Filter{}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2*perClient {
			t.Fatalf("%d revisions, want %d", len(revs), 2*perClient)
		}
		for i, r := range revs {
			if r.Version != int64(i+1) {
				t.Fatalf("revision %d has version %d, want %d: versions are not one gapless sequence in revision order", i, r.Version, i+1)
			}
		}
	})
}

// TestPruneKeepsLaterVersions prunes the history before a time between two change sets
// and checks that the states as of every later version are unchanged, that fewer
// revisions remain, and that an older version is refused with its field.
func TestPruneKeepsLaterVersions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		history.Use(client)
		var a *ent.Theme
		inTx(t, client, func(c *ent.Client) (err error) { // 1
			a, err = c.Theme.Create().SetSlug("a").SetName("A").Save(ctx)
			return err
		})
		inTx(t, client, func(c *ent.Client) error { return c.Theme.Create().SetSlug("gone").SetName("G").Exec(ctx) })             // 2
		inTx(t, client, func(c *ent.Client) error { return c.Theme.UpdateOneID(a.ID).SetName("A2").Exec(ctx) })                   // 3
		inTx(t, client, func(c *ent.Client) error { _, err := c.Theme.Delete().Where(theme.Slug("gone")).Exec(ctx); return err }) // 4
		time.Sleep(20 * time.Millisecond)
		cut := time.Now()
		time.Sleep(20 * time.Millisecond)
		inTx(t, client, func(c *ent.Client) error { return c.Theme.UpdateOneID(a.ID).SetName("A3").Exec(ctx) }) // 5
		names := func(v int64) []string {
			past, done, err := history.AsOf(ctx, client, "as-of", v)
			if err != nil {
				t.Fatal(err)
			}
			defer done()
			var out []string
			for _, th := range past.Theme.Query().Order(theme.BySlug()).AllX(ctx) {
				out = append(out, th.Slug+"="+th.Name)
			}
			return out
		}
		before := map[int64][]string{4: names(4), 5: names(5)}
		rep, err := history.Prune(ctx, client, cut)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Through != 4 || rep.Revisions != 3 { // a's 1, gone's 2 and its deletion
			t.Errorf("prune = %+v, want through 4, 3 revisions", rep)
		}
		for v, want := range before {
			if got := names(v); !slices.Equal(got, want) {
				t.Errorf("as of %d after the prune = %v, want %v", v, got, want)
			}
		}
		_, _, err = history.AsOf(ctx, client, "as-of", 3)
		var ae *apierr.Error
		if !errors.As(err, &ae) || ae.Field != "as-of" {
			t.Errorf("as of a pruned version: %v, want a BAD_USER_INPUT on as-of", err)
		}
	})
}

// TestBaseline: a database written before history was kept gets its objects recorded
// once, as version 1, when migrated; a later change then has the state it starts from.
func TestBaseline(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		plain := db.Client() // no history: a database from before it
		parent := plain.Theme.Create().SetSlug("p").SetName("P").SaveX(ctx)
		child := plain.Theme.Create().SetSlug("c").SetName("C").SetParent(parent).SaveX(ctx)
		if err := history.Migrate(ctx, plain); err != nil {
			t.Fatal(err)
		}
		if err := history.Migrate(ctx, plain); err != nil { // again: nothing more
			t.Fatal(err)
		}
		client := db.Client()
		history.Use(client)
		client.Theme.UpdateOneID(child.ID).SetName("C2").ExecX(ctx)
		revs, err := history.Changes(ctx, client, history.Filter{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range revs {
			got = append(got, fmt.Sprintf("%d %s %s", r.Version, r.Operation, r.NodeID))
		}
		want := []string{"1 CREATE " + string(parent.ID), "1 CREATE " + string(child.ID), "2 UPDATE " + string(child.ID)}
		if parent.ID > child.ID {
			want[0], want[1] = want[1], want[0]
		}
		if !slices.Equal(got, want) {
			t.Errorf("revisions = %v, want %v", got, want)
		}
		last := revs[len(revs)-1]
		if err := history.LoadStates(ctx, client, revs[len(revs)-1:], true, false); err != nil {
			t.Fatal(err)
		}
		if before, err := last.BeforeState(); err != nil || before == nil || before.Fields["name"] != "C" || !slices.Equal(before.Edges["parent"], []string{string(parent.ID)}) {
			t.Errorf("the update's state before = %+v (%v), want the baseline's", before, err)
		}
		if last.After != nil {
			t.Errorf("after was read though only before was asked: %s", *last.After)
		}
	})
}
