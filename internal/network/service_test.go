package network_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// gatedBuild is a build function for NewServiceFunc that counts its calls and, while
// gate is open, holds each until release.
type gatedBuild struct {
	calls   atomic.Int64
	release chan struct{}
}

func newGatedBuild() *gatedBuild { return &gatedBuild{release: make(chan struct{})} }

func (b *gatedBuild) build(ctx context.Context, _ network.Request) (*network.Graph, error) {
	b.calls.Add(1)
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &network.Graph{Nodes: []network.Node{}, Edges: []network.Edge{}}, nil
}

// instant is a build function that returns at once.
func instant(context.Context, network.Request) (*network.Graph, error) {
	return &network.Graph{Nodes: []network.Node{}, Edges: []network.Edge{}}, nil
}

// eventually waits up to five seconds for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

// TestServiceSharesBuilds sends concurrent identical requests, spelled differently (the
// filter's IDs in another order, the signals repeated and reordered), to a service
// without a cache: one build answers them all with the same graph.
func TestServiceSharesBuilds(t *testing.T) {
	b := newGatedBuild()
	s := network.NewServiceFunc(network.Options{}, b.build)
	defer s.Close()
	a, c := pulid.ID("SE01A"), pulid.ID("SE01B")
	spellings := []network.Request{
		{Filter: network.Filter{SeminarIDs: []pulid.ID{a, c}}, Signals: []network.Signal{network.SignalOutcome, network.SignalSession}, MinWeight: 1},
		{Filter: network.Filter{SeminarIDs: []pulid.ID{c, a, c}}, Signals: []network.Signal{network.SignalSession, network.SignalOutcome, network.SignalSession}, MinWeight: 1},
	}
	const n = 16
	graphs := make([]*network.Graph, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			g, err := s.Network(context.Background(), spellings[i%2])
			if err != nil {
				t.Error(err)
			}
			graphs[i] = g
		})
	}
	eventually(t, "every request waits for the build", func() bool { return s.Waiting(spellings[0]) == n })
	close(b.release)
	wg.Wait()
	if got := b.calls.Load(); got != 1 {
		t.Fatalf("%d concurrent identical requests built %d times, want once", n, got)
	}
	for _, g := range graphs {
		if g != graphs[0] || g == nil {
			t.Fatal("the requests got different graphs")
		}
	}
	if st := s.Stats(); st.Builds != 1 || st.Entries != 0 {
		t.Errorf("stats %+v, want one build and nothing kept (no events, no cache)", st)
	}
	// Without events nothing is kept: the next request builds again.
	if _, err := s.Network(context.Background(), spellings[0]); err != nil || b.calls.Load() != 2 {
		t.Errorf("after the shared build: err %v, %d builds, want 2", err, b.calls.Load())
	}
	if _, err := s.Network(context.Background(), network.Request{Signals: []network.Signal{"GOSSIP"}}); err == nil {
		t.Error("an unknown signal was accepted")
	}
}

// TestServiceCacheFollowsEvents checks the cache over a real database: a second request
// is served from it, and a write (its change event, through events.Hook) empties it, so
// that the next request sees the write.
func TestServiceCacheFollowsEvents(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		broker := events.NewLocal()
		client := db.Client()
		client.Use(events.Hook(broker, slog.New(slog.NewTextHandler(io.Discard, nil))))
		f := newFixture(t, client)
		s := network.NewService(client, network.Options{Events: broker})
		defer s.Close()
		req := network.Request{Signals: []network.Signal{network.SignalOutcome}, MinWeight: 1}
		weight := func(g *network.Graph) float64 {
			for _, e := range g.Edges {
				if (e.Source == f.A.ID && e.Target == f.E.ID) || (e.Source == f.E.ID && e.Target == f.A.ID) {
					return e.Weight
				}
			}
			return 0
		}
		g1, err := s.Network(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		g2, err := s.Network(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if g2 != g1 || s.Stats().Builds != 1 || s.Stats().Hits != 1 {
			t.Fatalf("the second request was not served from the cache: %+v", s.Stats())
		}
		if w := weight(g1); w != 0 {
			t.Fatalf("A–E weight %v before the write, want 0", w)
		}
		client.Outcome.Create().SetKind(outcome.KindINSIGHT).SetText("A and E together").SetSeminar(f.S1).
			AddThemes(f.A, f.E).SaveX(ctx)
		eventually(t, "the network shows the new outcome", func() bool {
			g, err := s.Network(ctx, req)
			return err == nil && weight(g) == 1
		})
		if st := s.Stats(); st.Builds < 2 {
			t.Errorf("stats %+v: the write did not cause a build", st)
		}
	})
}

// TestServiceEventOvertakesBuild checks that a build under way when a change event
// arrives answers its waiting requests but is not kept, and that a request after the
// event does not join it.
func TestServiceEventOvertakesBuild(t *testing.T) {
	broker := events.NewLocal()
	b := newGatedBuild()
	s := network.NewServiceFunc(network.Options{Events: broker}, b.build)
	defer s.Close()
	req := network.Request{}
	first := make(chan error, 1)
	go func() { _, err := s.Network(context.Background(), req); first <- err }()
	eventually(t, "the first request waits", func() bool { return s.Waiting(req) == 1 })
	v := s.Version()
	_ = broker.Publish(context.Background(), events.Event{ID: "TH01", Type: "Theme", Change: events.Updated})
	eventually(t, "the event arrives", func() bool { return s.Version() > v })
	second := make(chan error, 1)
	go func() { _, err := s.Network(context.Background(), req); second <- err }()
	eventually(t, "the second request waits for a build of its own", func() bool { return b.calls.Load() == 2 })
	close(b.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Network(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Builds != 2 || st.Hits != 1 || st.Entries != 1 {
		t.Errorf("stats %+v, want 2 builds, the second kept and served once", st)
	}
}

// TestServiceBounds checks the cache's bounds: at most MaxEntries networks, least
// recently used dropped first; at most MaxBytes, but always the newest; and the TTL.
func TestServiceBounds(t *testing.T) {
	broker := events.NewLocal()
	var builds atomic.Int64
	build := func(_ context.Context, r network.Request) (*network.Graph, error) {
		builds.Add(1)
		// A network whose size grows with MinWeight.
		g := &network.Graph{Nodes: []network.Node{}, Edges: make([]network.Edge, int(r.MinWeight)*100)}
		return g, nil
	}
	get := func(s *network.Service, w float64) {
		t.Helper()
		if _, err := s.Network(context.Background(), network.Request{MinWeight: w}); err != nil {
			t.Fatal(err)
		}
	}
	s := network.NewServiceFunc(network.Options{Events: broker, MaxEntries: 2}, build)
	defer s.Close()
	get(s, 1)
	get(s, 2)
	get(s, 1) // 1 is now the most recently used
	get(s, 3) // drops 2
	if st := s.Stats(); st.Entries != 2 || st.Builds != 3 {
		t.Fatalf("stats %+v, want 2 kept of 3 built", st)
	}
	get(s, 1)
	get(s, 3)
	if builds.Load() != 3 {
		t.Fatalf("1 and 3 were rebuilt: %d builds", builds.Load())
	}
	get(s, 2)
	if builds.Load() != 4 {
		t.Fatalf("2 was not dropped: %d builds", builds.Load())
	}

	one := (&network.Graph{Edges: make([]network.Edge, 100)}).SizeEstimate()
	sized := network.NewServiceFunc(network.Options{Events: broker, MaxBytes: 3 * one}, build)
	defer sized.Close()
	get(sized, 1) // one
	get(sized, 2) // two: three in all, within the bound
	if st := sized.Stats(); st.Entries != 2 || st.Bytes > 3*one {
		t.Fatalf("stats %+v, want both kept within %d bytes", st, 3*one)
	}
	get(sized, 5) // five alone: more than the bound, kept, and the others dropped
	if st := sized.Stats(); st.Entries != 1 || st.Bytes <= 3*one {
		t.Fatalf("stats %+v, want only the newest, larger than the bound", st)
	}

	builds.Store(0)
	short := network.NewServiceFunc(network.Options{Events: broker, TTL: 20 * time.Millisecond}, build)
	defer short.Close()
	get(short, 1)
	get(short, 1)
	time.Sleep(30 * time.Millisecond)
	get(short, 1)
	if builds.Load() != 2 {
		t.Fatalf("TTL: %d builds, want 2", builds.Load())
	}
}

// TestServiceMaxBuilds checks that builds beyond MaxBuilds wait, and that a waiting
// build nobody wants any more is dropped without running.
func TestServiceMaxBuilds(t *testing.T) {
	b := newGatedBuild()
	s := network.NewServiceFunc(network.Options{MaxBuilds: 1}, b.build)
	defer s.Close()
	running := network.Request{MinWeight: 1}
	queued := network.Request{MinWeight: 2}
	done := make(chan error, 1)
	go func() { _, err := s.Network(context.Background(), running); done <- err }()
	eventually(t, "the first build runs", func() bool { return b.calls.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Network(ctx, queued); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second build ran beside the first (MaxBuilds 1): err %v", err)
	}
	close(b.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Network(context.Background(), running); err != nil {
		t.Fatal(err)
	}
	if got := b.calls.Load(); got != 2 {
		t.Errorf("%d builds, want 2: the abandoned one never runs", got)
	}
}

// TestServicePanic checks that a build's panic is an error, not the end of the process.
func TestServicePanic(t *testing.T) {
	s := network.NewServiceFunc(network.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		func(context.Context, network.Request) (*network.Graph, error) { panic("boom") })
	defer s.Close()
	if _, err := s.Network(context.Background(), network.Request{}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err %v, want the panic", err)
	}
}

// TestServiceClose checks that Close ends the service's goroutine and its subscription,
// cancels a build under way, and that the service refuses requests afterwards.
func TestServiceClose(t *testing.T) {
	before := testdb.Goroutines("internal/network.(*Service)")
	broker := events.NewLocal()
	b := newGatedBuild()
	s := network.NewServiceFunc(network.Options{Events: broker}, b.build)
	if broker.Subscribers() != 1 {
		t.Fatalf("%d subscribers, want the service", broker.Subscribers())
	}
	waiting := make(chan error, 1)
	go func() { _, err := s.Network(context.Background(), network.Request{}); waiting <- err }()
	eventually(t, "a build runs", func() bool { return b.calls.Load() == 1 })
	if got := testdb.Goroutines("internal/network.(*Service)"); got < before+2 {
		t.Fatalf("%d service goroutines while running, want the listener and a build", got)
	}
	s.Close()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Errorf("the build under way: err %v, want it cancelled", err)
	}
	if got := testdb.Goroutines("internal/network.(*Service)"); got != before {
		t.Errorf("%d service goroutines after Close, want %d", got, before)
	}
	eventually(t, "the subscription ends", func() bool { return broker.Subscribers() == 0 })
	if _, err := s.Network(context.Background(), network.Request{}); !errors.Is(err, network.ErrClosed) {
		t.Errorf("after Close: err %v, want ErrClosed", err)
	}
	s.Close() // again: nothing
	// A service without events has no goroutine of its own.
	network.NewServiceFunc(network.Options{}, instant).Close()
}
