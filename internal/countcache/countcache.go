// Package countcache keeps the totalCount of connections, per distinct count statement,
// until the next write to the knowledge base.
//
// Every transaction that writes bumps the knowledge base's version (package history), in
// the database, on whichever instance it runs. An operation starts from a version the
// knowledge base had before it began (graph's version extension: the one its instance
// read last; Cache.Operation), and looks its counts up under it: a count is
// kept only for the newest version the cache has seen, and the first operation that reads
// a newer version drops every count of the older one. So no count can be stale:
//
//   - a request that starts after a write has committed reads the new version (or a newer
//     one), and the counts kept for an older version are not looked at;
//   - a count kept for version v was computed after its operation read v, so after every
//     write up to v had committed, and it includes them.
//
// A write that commits between an operation's version read and its count makes that count
// newer than v, not older: it includes that write, and it is kept under v. An operation
// that read v before that write may then be served the newer count, which it could have
// computed itself had it counted a moment later; it then reads the version again at its
// end, sees it moved, and runs again. What a count never does is miss a write that
// committed before its operation began. Operations that read an older version than
// the cache's newest (they began before a write that another has already seen) count
// without the cache.
//
// The cache is bounded by its number of entries and by the bytes of its keys (the count
// statements' SQL and arguments); past either bound the least recently used counts go.
package countcache

import (
	"container/list"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Default bounds of a cache made by New with zero bounds.
const (
	DefaultMaxEntries = 4096
	DefaultMaxBytes   = 4 << 20
)

// entryOverhead is what an entry costs besides its key, by estimate (the list element,
// the map slot, the entry).
const entryOverhead = 128

// Cache holds the counts of one version of the knowledge base. It is safe for concurrent
// use.
type Cache struct {
	maxEntries, maxBytes int

	mu      sync.Mutex
	version int64
	bytes   int
	lru     *list.List // of *entry, most recently used first
	entries map[string]*list.Element

	hits, misses atomic.Int64
}

type entry struct {
	key string
	n   int
}

// New returns a cache of at most maxEntries counts whose keys take at most maxBytes
// (DefaultMaxEntries and DefaultMaxBytes where zero).
func New(maxEntries, maxBytes int) *Cache {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Cache{maxEntries: maxEntries, maxBytes: maxBytes, lru: list.New(), entries: map[string]*list.Element{}}
}

// Stats are a cache's figures.
type Stats struct {
	Version      int64
	Entries      int
	Bytes        int
	Hits, Misses int64
}

// Stats returns the cache's figures.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Version: c.version, Entries: len(c.entries), Bytes: c.bytes, Hits: c.hits.Load(), Misses: c.misses.Load()}
}

// advance moves the cache to version (dropping every count of an older one) and reports
// whether version is the cache's. Called with c.mu held.
func (c *Cache) advance(version int64) bool {
	if version > c.version {
		c.version = version
		c.lru.Init()
		clear(c.entries)
		c.bytes = 0
	}
	return version == c.version
}

func (c *Cache) get(version int64, key string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.advance(version) {
		return 0, false
	}
	el, ok := c.entries[key]
	if !ok {
		return 0, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*entry).n, true
}

func (c *Cache) put(version int64, key string, n int) {
	size := len(key) + entryOverhead
	if size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.advance(version) {
		return
	}
	if el, ok := c.entries[key]; ok {
		el.Value.(*entry).n = n
		c.lru.MoveToFront(el)
		return
	}
	c.entries[key] = c.lru.PushFront(&entry{key: key, n: n})
	c.bytes += size
	for len(c.entries) > c.maxEntries || c.bytes > c.maxBytes {
		last := c.lru.Back()
		e := last.Value.(*entry)
		c.lru.Remove(last)
		delete(c.entries, e.key)
		c.bytes -= len(e.key) + entryOverhead
	}
}

// Operation is the cache as one GraphQL operation sees it: the counts kept under the
// version of the knowledge base the operation read before it ran.
type Operation struct {
	cache   *Cache
	version int64
}

// Operation returns the view of an operation that reads the knowledge base at version.
func (c *Cache) Operation(version int64) *Operation {
	return &Operation{cache: c, version: version}
}

// Count returns the count of the statement query with args: kept from an earlier
// operation of the same version, or computed by count (and then kept).
func (o *Operation) Count(ctx context.Context, query string, args []any, count func(context.Context) (int, error)) (int, error) {
	version := o.version
	key := Key(query, args)
	if n, ok := o.cache.get(version, key); ok {
		o.cache.hits.Add(1)
		return n, nil
	}
	o.cache.misses.Add(1)
	n, err := count(ctx)
	if err != nil {
		return 0, err
	}
	o.cache.put(version, key, n)
	return n, nil
}

// Key makes the key of a count statement: its SQL text and its arguments, each with its
// type (so that the text "1" and the number 1 differ).
func Key(query string, args []any) string {
	var b strings.Builder
	b.Grow(len(query) + 16*len(args))
	b.WriteString(query)
	for _, a := range args {
		fmt.Fprintf(&b, "\x00%T %#v", a, a)
	}
	return b.String()
}
