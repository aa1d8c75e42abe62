package network

import "context"

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
