package countcache

import (
	"context"
	"strings"
	"testing"
)

// op returns an operation of c that reads version v.
func op(c *Cache, v int64) *Operation { return c.Operation(v) }

// count runs a count of query through o and reports whether it was computed.
func count(t *testing.T, o *Operation, query string, n int) (int, bool) {
	t.Helper()
	computed := false
	got, err := o.Count(context.Background(), query, []any{"a", 1}, func(context.Context) (int, error) {
		computed = true
		return n, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, computed
}

func TestVersions(t *testing.T) {
	c := New(0, 0)
	steps := []struct {
		version      int64
		query        string
		n, want      int
		wantComputed bool
	}{
		{1, "q", 5, 5, true},
		{1, "q", 6, 5, false},  // kept
		{1, "r", 7, 7, true},   // another statement
		{2, "q", 8, 8, true},   // a write: counted again
		{1, "q", 9, 9, true},   // an operation older than the cache: counted, not kept
		{2, "q", 10, 8, false}, // the newer count stands
		{2, "r", 11, 11, true}, // version 1's counts are gone
	}
	for i, s := range steps {
		got, computed := count(t, op(c, s.version), s.query, s.n)
		if got != s.want || computed != s.wantComputed {
			t.Fatalf("step %d: got %d (computed %v), want %d (computed %v)", i, got, computed, s.want, s.wantComputed)
		}
	}
}

func TestBounds(t *testing.T) {
	t.Run("entries", func(t *testing.T) {
		c := New(2, 0)
		o := op(c, 1)
		count(t, o, "a", 1)
		count(t, o, "b", 2)
		count(t, o, "a", 1) // a is now the most recently used
		count(t, o, "c", 3) // evicts b
		if _, computed := count(t, o, "a", 1); computed {
			t.Fatal("a was evicted, b should have been")
		}
		if _, computed := count(t, o, "b", 2); !computed {
			t.Fatal("b was kept past the bound of 2 entries")
		}
		if s := c.Stats(); s.Entries != 2 {
			t.Fatalf("%d entries, want 2", s.Entries)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		long := strings.Repeat("x", 1000)
		c := New(0, 3*(1000+entryOverhead+20))
		o := op(c, 1)
		for i := range 10 {
			count(t, o, long+string(rune('a'+i)), i)
		}
		s := c.Stats()
		if s.Bytes > 3*(1000+entryOverhead+20) || s.Entries != 3 {
			t.Fatalf("%d entries of %d bytes, want 3 within the bound", s.Entries, s.Bytes)
		}
	})
}

func TestKey(t *testing.T) {
	if Key("q", []any{"1"}) == Key("q", []any{1}) {
		t.Fatal("the string 1 and the number 1 share a key")
	}
	if Key("q", []any{"a", "b"}) == Key("q", []any{"a\x00string b"}) {
		t.Fatal("arguments run together")
	}
}
