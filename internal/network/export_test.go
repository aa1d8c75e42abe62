package network

import (
	"context"

	"github.com/teemaverkko/teemaverkko/ent"
)

// NewServiceFunc is NewService with build in place of Build.
func NewServiceFunc(opts Options, build func(context.Context, Request) (*Graph, error)) *Service {
	return newService(opts, build)
}

// Waiting returns the number of requests waiting for the build of r under way.
func (s *Service) Waiting(r Request) int {
	key, err := r.key()
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.flights[key]; f != nil {
		return f.waiters
	}
	return 0
}

// Version returns the number of invalidations so far.
func (s *Service) Version() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// SizeEstimate exposes sizeEstimate.
func (g *Graph) SizeEstimate() int64 { return g.sizeEstimate() }

// BuildReadingAllLinks is Build reading every evidence link, whatever its signals and
// filter read: what Build did before it narrowed the statement.
func BuildReadingAllLinks(ctx context.Context, client *ent.Client, f Filter, signals []Signal, minWeight float64) (*Graph, error) {
	signals, err := normalizeSignals(signals)
	if err != nil {
		return nil, err
	}
	n := needFor(f, signals)
	n.links = evidenceLinks
	ds, err := load(ctx, client, n)
	if err != nil {
		return nil, err
	}
	g := cooccurrence(ds, newScope(ds, f).evidence(signals), signals, minWeight, EvidenceCap)
	g.measure()
	return g, nil
}

// LinkKindsRead returns how many kinds of link Build reads for f and signals, and how
// many there are.
func LinkKindsRead(f Filter, signals []Signal) (read, all int) {
	return len(needFor(f, signals).links), len(evidenceLinks)
}
