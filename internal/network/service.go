package network

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/events"
)

// Request names one theme network: the evidence the filter keeps, the signals (nil or
// empty: DefaultSignals) and the minimum weight of an edge, as Build takes them.
type Request struct {
	Filter    Filter
	Signals   []Signal
	MinWeight float64
}

// key is the request in a canonical form: two requests with the same key build the same
// network (the filter's lists are sets, the signals are normalised, dates are calendar
// dates). An unknown signal, or a MinWeight that breaks the rule (CheckMinWeight), is an
// error.
func (r Request) key() (string, error) {
	signals, err := normalizeSignals(r.Signals)
	if err != nil {
		return "", err
	}
	if err := CheckMinWeight(r.MinWeight); err != nil {
		return "", err
	}
	var b strings.Builder
	ids := func(list []pulid.ID) {
		sorted := slices.Compact(slices.Sorted(slices.Values(list)))
		for i, id := range sorted {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(string(id))
		}
		b.WriteByte('|')
	}
	ids(r.Filter.SeminarIDs)
	ids(r.Filter.TermIDs)
	ids(r.Filter.MunicipalityIDs)
	ids(r.Filter.RegionIDs)
	for _, d := range []*time.Time{r.Filter.From, r.Filter.To} {
		if d != nil {
			b.WriteString(calendar.Normalize(*d).Format(calendar.Layout))
		}
		b.WriteByte('|')
	}
	for _, s := range signals {
		b.WriteString(string(s))
		b.WriteByte(',')
	}
	b.WriteByte('|')
	b.WriteString(strconv.FormatFloat(r.MinWeight, 'g', -1, 64))
	return b.String(), nil
}

// Options configure a Service. Zero fields take the defaults below.
type Options struct {
	// Events tells the service when the knowledge base changes: every event empties the
	// cache. The server passes its broker, which hears of every write on every instance.
	// Without it nothing is cached, since nothing would say when a network is stale.
	Events events.Broker
	// MaxEntries is the most networks kept (DefaultMaxEntries).
	MaxEntries int
	// MaxBytes is the most memory the kept networks may take, by Graph's estimate of its
	// own size (DefaultMaxBytes). The most recently built network is kept even when it
	// alone is larger: a request holds it anyway, and it would otherwise be rebuilt for
	// every request.
	MaxBytes int64
	// MaxBuilds is the most builds that run at once (DefaultMaxBuilds); more wait.
	MaxBuilds int
	// TTL is how long a kept network is served (DefaultTTL): writes that bypass ent
	// (server gen, SQL) publish no event.
	TTL time.Duration
	// Logger receives a build's panic (nil: slog.Default()).
	Logger *slog.Logger
}

// Defaults of Options.
const (
	DefaultMaxEntries = 32
	// The default network at synthetic scale 10 takes 7 MB, the one over all six
	// signals 55 MB (82,156 edges): 64 MiB keeps that one, or several smaller ones,
	// within the server's memory budget (BENCHMARKS.md "Memory").
	DefaultMaxBytes = 64 << 20
	// Each build holds every link row it reads (about 2.2 GB at synthetic scale 30), and
	// measuring a network keeps both of a 2-core machine's cores busy.
	DefaultMaxBuilds = 2
	DefaultTTL       = 5 * time.Minute
)

// ErrClosed is returned by Service.Network after Close.
var ErrClosed = errors.New("network: the service is closed")

// Service builds theme networks (and their series over time and their full evidence)
// for a server, keeps the recent ones until the knowledge base changes, and bounds the
// memory both take. The API's themeNetwork and themeNetworkSeries and the network
// exports all ask it, so that a network is built once for all of them.
//
//   - Concurrent requests for the same network share one build; a request that ends
//     (its context) stops waiting, and a build that no request waits for any more is
//     dropped before it starts, or kept in the cache once it has started.
//   - At most MaxBuilds builds run at once.
//   - At most MaxEntries networks and MaxBytes of them are kept, least recently used
//     dropped first.
//   - Every change event empties the cache, and a request that arrives after an event is
//     served a network built after it. A build that an event overtook still answers the
//     requests that were waiting for it, but is not kept. When the subscription is
//     dropped for falling behind, the cache is emptied and not filled until the service
//     has subscribed again.
//
// The service touches no process-wide state (the garbage collector's settings are the
// server's). Its goroutine (with Events) runs until Close, which the server calls on
// shutdown.
type Service struct {
	client *ent.Client
	build  func(ctx context.Context, r Request) (*Graph, error)
	events events.Broker
	opts   Options
	sem    chan struct{}

	ctx    context.Context // ends with Close: the builds' and the subscription's
	cancel context.CancelFunc
	wg     sync.WaitGroup // the listener and the builds
	once   sync.Once

	mu         sync.Mutex
	closed     bool
	subscribed bool   // false while the subscription is being renewed
	version    uint64 // incremented by every change event
	lru        *list.List
	entries    map[string]*list.Element
	bytes      int64
	flights    map[string]*flight

	builds, hits atomic.Int64
}

// cached is what the service keeps: a network or a series.
type cached interface{ sizeEstimate() int64 }

// entry is a kept network or series.
type entry struct {
	key   string
	value cached
	built time.Time
	size  int64
}

// flight is a build and the requests waiting for it.
type flight struct {
	done    chan struct{}
	value   cached
	err     error
	waiters int
	started bool
	cancel  context.CancelFunc
}

// NewService returns a service that builds networks from client. With opts.Events it
// subscribes at once (a change after NewService returns is never missed) and runs a
// goroutine until Close.
func NewService(client *ent.Client, opts Options) *Service {
	s := newService(opts, nil)
	s.client = client
	return s
}

func newService(opts Options, build func(context.Context, Request) (*Graph, error)) *Service {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxBuilds <= 0 {
		opts.MaxBuilds = DefaultMaxBuilds
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{
		build: build, events: opts.Events, opts: opts, sem: make(chan struct{}, opts.MaxBuilds),
		lru: list.New(), entries: map[string]*list.Element{}, flights: map[string]*flight{},
	}
	if s.build == nil {
		s.build = func(ctx context.Context, r Request) (*Graph, error) {
			return Build(ctx, s.client, r.Filter, r.Signals, r.MinWeight)
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if s.events != nil {
		s.subscribed = true
		ch := s.events.Subscribe(s.ctx)
		s.wg.Add(1)
		go s.listen(ch)
	}
	return s
}

// Network returns the network r names: kept, being built, or built now. The graph is
// shared: callers must not change it. It returns ctx's error when ctx ends first, and
// ErrClosed after Close.
func (s *Service) Network(ctx context.Context, r Request) (*Graph, error) {
	key, err := r.key()
	if err != nil {
		return nil, err
	}
	v, err := s.get(ctx, key, func(ctx context.Context) (cached, error) { return s.build(ctx, r) })
	if err != nil {
		return nil, err
	}
	return v.(*Graph), nil
}

// Series returns the series r names: kept, being built, or built now (BuildSeries),
// shared, bounded and kept like networks. The series is shared: callers must not
// change it.
func (s *Service) Series(ctx context.Context, r SeriesRequest) (*Series, error) {
	key, err := r.key()
	if err != nil {
		return nil, err
	}
	v, err := s.get(ctx, key, func(ctx context.Context) (cached, error) { return BuildSeries(ctx, s.client, r) })
	if err != nil {
		return nil, err
	}
	return v.(*Series), nil
}

// FullEvidence returns the edges of the network r names with every shared item listed
// (BuildFullEvidence), shared, bounded and kept like networks, for the exports that
// cite. The graph is shared: callers must not change it.
func (s *Service) FullEvidence(ctx context.Context, r Request) (*Graph, error) {
	key, err := r.key()
	if err != nil {
		return nil, err
	}
	v, err := s.get(ctx, "full|"+key, func(ctx context.Context) (cached, error) {
		return BuildFullEvidence(ctx, s.client, r.Filter, r.Signals, r.MinWeight)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Graph), nil
}

type versionKey struct{}

// WithVersion returns a context whose requests read the knowledge base at version v (the
// version a query read before it ran): the service keeps and shares what it builds for
// such a request under v, so that no request is answered with a network of another
// version, whichever instance wrote it and however late its change event arrives.
func WithVersion(ctx context.Context, v int64) context.Context {
	return context.WithValue(ctx, versionKey{}, v)
}

// get returns the value kept under key (and the version of ctx), or shares or starts its
// build.
func (s *Service) get(ctx context.Context, key string, build func(context.Context) (cached, error)) (cached, error) {
	if v, ok := ctx.Value(versionKey{}).(int64); ok {
		key += "@" + strconv.FormatInt(v, 10)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	if v := s.lookup(key); v != nil {
		s.mu.Unlock()
		s.hits.Add(1)
		return v, nil
	}
	f := s.flights[key]
	if f == nil {
		bctx, cancel := context.WithCancel(s.ctx)
		f = &flight{done: make(chan struct{}), cancel: cancel}
		s.flights[key] = f
		s.wg.Add(1)
		go s.run(bctx, key, s.version, build, f)
	}
	f.waiters++
	s.mu.Unlock()

	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		s.mu.Lock()
		f.waiters--
		if f.waiters == 0 && !f.started {
			// Nobody wants it, and it has not begun: drop it.
			f.cancel()
			if s.flights[key] == f {
				delete(s.flights, key)
			}
		}
		s.mu.Unlock()
		return nil, ctx.Err()
	}
}

// run builds the network of a flight once a build slot is free, answers its waiters and
// keeps the network if nothing changed meanwhile.
func (s *Service) run(ctx context.Context, key string, version uint64, build func(context.Context) (cached, error), f *flight) {
	defer s.wg.Done()
	defer f.cancel()
	v, err := s.buildInSlot(ctx, build, f)
	var size int64
	if err == nil {
		size = v.sizeEstimate()
	}
	s.mu.Lock()
	f.value, f.err = v, err
	if s.flights[key] == f {
		delete(s.flights, key)
	}
	if err == nil && s.subscribed && !s.closed && s.events != nil && s.version == version {
		s.store(key, v, size)
	}
	s.mu.Unlock()
	close(f.done)
}

func (s *Service) buildInSlot(ctx context.Context, build func(context.Context) (cached, error), f *flight) (v cached, err error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sem }()
	s.mu.Lock()
	if ctx.Err() == nil {
		f.started = true
	}
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.builds.Add(1)
	// The build runs on a goroutine of its own; a panic must not end the process.
	defer func() {
		if p := recover(); p != nil {
			s.opts.Logger.Error("theme network build panicked", "panic", p, "stack", string(debug.Stack()))
			v, err = nil, fmt.Errorf("network: build panicked: %v", p)
		}
	}()
	v, err = build(ctx)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// lookup returns the kept value of key, if it is fresh. s.mu is held.
func (s *Service) lookup(key string) cached {
	el := s.entries[key]
	if el == nil {
		return nil
	}
	e := el.Value.(*entry)
	if time.Since(e.built) >= s.opts.TTL {
		s.remove(el)
		return nil
	}
	s.lru.MoveToFront(el)
	return e.value
}

// store keeps v, of the given size, under key and drops the least recently used values beyond the bounds,
// but never the one just kept. s.mu is held.
func (s *Service) store(key string, v cached, size int64) {
	if el := s.entries[key]; el != nil {
		s.remove(el)
	}
	e := &entry{key: key, value: v, built: time.Now(), size: size}
	s.entries[key] = s.lru.PushFront(e)
	s.bytes += e.size
	for s.lru.Len() > 1 && (s.lru.Len() > s.opts.MaxEntries || s.bytes > s.opts.MaxBytes) {
		s.remove(s.lru.Back())
	}
}

func (s *Service) remove(el *list.Element) {
	e := s.lru.Remove(el).(*entry)
	delete(s.entries, e.key)
	s.bytes -= e.size
}

// invalidate empties the cache and detaches the builds under way, so that requests from
// now on get networks built after the change. s.mu is not held.
func (s *Service) invalidate(subscribed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.subscribed = subscribed
	s.lru.Init()
	clear(s.entries)
	s.bytes = 0
	clear(s.flights)
}

// resubscribeDelay is the pause before subscribing again after the broker dropped the
// service for falling behind.
const resubscribeDelay = 100 * time.Millisecond

// listen empties the cache on every change event until Close.
func (s *Service) listen(ch <-chan events.Event) {
	defer s.wg.Done()
	for {
		for range ch {
			s.invalidate(true)
		}
		if s.ctx.Err() != nil {
			return
		}
		// Dropped for falling behind: events may have been missed. Keep nothing until
		// subscribed again.
		s.invalidate(false)
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(resubscribeDelay):
		}
		ch = s.events.Subscribe(s.ctx)
		s.invalidate(true)
	}
}

// Close stops the service's goroutine and waits for the builds under way, whose
// statements it cancels; Network returns ErrClosed afterwards. Calling it again does
// nothing.
func (s *Service) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.wg.Wait()
		s.mu.Lock()
		s.lru.Init()
		clear(s.entries)
		s.bytes = 0
		s.mu.Unlock()
	})
}

// Stats are counters of a Service.
type Stats struct {
	// Builds is the number of builds started; Hits the number of requests served from
	// the cache.
	Builds, Hits int64
	// Entries and Bytes are the networks kept now and their estimated size.
	Entries int
	Bytes   int64
}

// Stats returns the service's counters.
func (s *Service) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Builds: s.builds.Load(), Hits: s.hits.Load(), Entries: s.lru.Len(), Bytes: s.bytes}
}

// sizeEstimate is an estimate of the memory the graph holds, measured against the heap
// (within 10% for the default network at synthetic scale 10, see BENCHMARKS.md "Memory"):
// its nodes with their names and counts, its edges, their evidence and ID lists (cut
// from shared arrays, counted by length), each distinct item ID's bytes once however
// many edges list it, and Heaviest's ranking (one int per edge, whether or not it has
// been asked for yet). The service calls it once per build, outside its lock: it visits
// every listed ID.
func (g *Graph) sizeEstimate() int64 {
	const (
		mapHeader = 48 // a map's header
		mapSlot   = 32 // a Signal key and an int value, with the map's overhead
		idHeader  = int64(unsafe.Sizeof(pulid.ID("")))
	)
	n := int64(unsafe.Sizeof(*g))
	n += int64(cap(g.Nodes)) * int64(unsafe.Sizeof(Node{}))
	for _, nd := range g.Nodes {
		n += allocSize(len(nd.ThemeID)) + allocSize(len(nd.Slug)) + allocSize(len(nd.Name)) + allocSize(len(nd.NameEn)) +
			mapHeader + int64(len(nd.Counts))*mapSlot
	}
	n += int64(cap(g.Edges)) * (int64(unsafe.Sizeof(Edge{})) + int64(unsafe.Sizeof(int(0))))
	seen := map[*byte]struct{}{}
	for _, e := range g.Edges {
		n += int64(len(e.Evidence)) * int64(unsafe.Sizeof(Evidence{}))
		for _, ev := range e.Evidence {
			n += int64(len(ev.IDs)) * idHeader
			for _, id := range ev.IDs {
				p := unsafe.StringData(string(id))
				if _, ok := seen[p]; !ok {
					seen[p] = struct{}{}
					n += allocSize(len(id))
				}
			}
		}
	}
	return n
}

// allocSize is what the heap gives a string of n bytes: n rounded up to a multiple of
// 16 (Go's size classes up to 128 bytes, which IDs are).
func allocSize(n int) int64 { return int64((n + 15) &^ 15) }
