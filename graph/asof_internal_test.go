package graph

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestPastCopiesBounded: the server holds at most MaxPastCopies knowledge bases rebuilt as
// of a version; a rebuild that finds no room waits for one to be freed within its
// request's deadline, and gets it once a reader is done.
func TestPastCopiesBounded(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		history.Use(client)
		for i := range MaxPastCopies + 2 {
			client.Theme.Create().SetSlug(fmt.Sprintf("t%d", i)).SetName(fmt.Sprintf("T%d", i)).SaveX(ctx)
		}
		c := newPastCache()
		var held []*past
		for v := int64(1); v <= MaxPastCopies; v++ {
			p, err := c.acquire(ctx, client, v)
			if err != nil {
				t.Fatalf("as of %d: %v", v, err)
			}
			held = append(held, p)
		}
		if copies, _ := c.stats(); copies != MaxPastCopies {
			t.Fatalf("%d copies in memory, want %d", copies, MaxPastCopies)
		}
		// Every copy is read: one more version has no room, and its request runs out of time.
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if _, err := c.acquire(short, client, MaxPastCopies+1); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a version past the room: %v, want the deadline", err)
		}
		if copies, _ := c.stats(); copies != MaxPastCopies {
			t.Errorf("after a rebuild gave up: %d copies, want %d", copies, MaxPastCopies)
		}
		// A reader done with a replaced copy frees it: the next version gets its room.
		for _, p := range held {
			c.release(p)
		}
		p, err := c.acquire(ctx, client, MaxPastCopies+2)
		if err != nil {
			t.Fatalf("once the readers are done: %v", err)
		}
		c.release(p)
		if copies, peak := c.stats(); copies > MaxPastCopies || peak != 1 {
			t.Errorf("%d copies (at most %d), %d rebuilds at once (want 1)", copies, MaxPastCopies, peak)
		}
	})
}
