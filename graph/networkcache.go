package graph

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// networkCache keeps built theme networks until the knowledge base changes. Building one
// reads every link row (about 128,000 at scale 1) and allocates tens of megabytes, so
// building it for every request dominated the server's memory under load. Any change
// event (from this instance or, through PostgreSQL, any other) empties the cache; a TTL
// covers writes that bypass the API (server gen, direct SQL). Concurrent builds of the
// same network are shared.
type networkCache struct {
	mu      sync.Mutex
	version uint64
	entries map[string]cachedNetwork
	group   singleflight.Group
}

type cachedNetwork struct {
	version uint64
	built   time.Time
	graph   *network.Graph
}

const (
	networkCacheSize = 32
	networkCacheTTL  = 5 * time.Minute
)

// newNetworkCache returns a cache emptied by every event of the broker; nil (no caching)
// when there is no broker to say when the data changes.
func newNetworkCache(b events.Broker) *networkCache {
	if b == nil {
		return nil
	}
	c := &networkCache{entries: map[string]cachedNetwork{}}
	go func() {
		for {
			for range b.Subscribe(context.Background()) {
				c.invalidate()
			}
			// Dropped for falling behind: events may have been missed.
			c.invalidate()
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return c
}

func (c *networkCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	clear(c.entries)
}

// get returns the cached network of key, or builds it (once for concurrent callers).
func (c *networkCache) get(key string, build func() (*network.Graph, error)) (*network.Graph, error) {
	if c == nil {
		v, err, _ := sharedBuilds.Do(key, func() (any, error) { return build() })
		if err != nil {
			return nil, err
		}
		return v.(*network.Graph), nil
	}
	c.mu.Lock()
	version := c.version
	if e, ok := c.entries[key]; ok && e.version == version && time.Since(e.built) < networkCacheTTL {
		c.mu.Unlock()
		return e.graph, nil
	}
	c.mu.Unlock()
	v, err, _ := c.group.Do(key, func() (any, error) { return build() })
	if err != nil {
		return nil, err
	}
	g := v.(*network.Graph)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version == version { // nothing changed while it was built
		if len(c.entries) >= networkCacheSize {
			clear(c.entries)
		}
		c.entries[key] = cachedNetwork{version: version, built: time.Now(), graph: g}
	}
	return g, nil
}

// sharedBuilds deduplicates concurrent builds when there is no cache.
var sharedBuilds singleflight.Group
