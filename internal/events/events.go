// Package events carries change events from writers to subscribers. Every write through
// the ent client is turned into an Event (by Hook) once its transaction commits, and a
// Broker fans it out: in process on SQLite, and through PostgreSQL LISTEN/NOTIFY across
// every server instance on PostgreSQL, so that a mutation on one instance reaches
// subscribers on all of them.
//
// Delivery is at most once and never blocks a writer: each subscriber has a bounded
// buffer, and a subscriber that falls behind by more than that is dropped (its channel
// closed), so that neither slow nor vanished subscribers hold up writes or leak.
package events

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Change is what happened to an object.
type Change string

// The changes.
const (
	Created Change = "CREATED"
	Updated Change = "UPDATED"
	Deleted Change = "DELETED"
)

// Event is one change to one object.
type Event struct {
	// ID is the object's global ID.
	ID pulid.ID `json:"id"`
	// Type is the object's GraphQL type name (Theme, Outcome, …).
	Type string `json:"type"`
	// Change is what happened.
	Change Change `json:"change"`
	// Seq numbers the events this process delivers, in order; every subscriber of one
	// delivery sees the same Seq, so that subscribers can share the work an event asks
	// for (loading the changed object once, not once per subscriber).
	Seq uint64 `json:"-"`
}

// Broker publishes events and lets callers subscribe to them.
type Broker interface {
	// Publish sends events to every subscriber (on every instance). It never blocks on a
	// subscriber.
	Publish(ctx context.Context, events ...Event) error
	// Subscribe returns a channel of events that is closed when ctx ends or the
	// subscriber falls behind.
	Subscribe(ctx context.Context) <-chan Event
}

// Buffer is the number of events a subscriber may fall behind before it is dropped.
const Buffer = 256

// Local fans events out to the subscribers of this process.
type Local struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
	seq  uint64
}

// NewLocal returns an in-process broker.
func NewLocal() *Local { return &Local{subs: map[chan Event]struct{}{}} }

// Publish implements Broker.
func (l *Local) Publish(_ context.Context, events ...Event) error {
	l.deliver(events...)
	return nil
}

// deliver hands events to every subscriber without blocking, dropping those whose
// buffers are full.
func (l *Local) deliver(events ...Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	events = slices.Clone(events)
	for i := range events {
		l.seq++
		events[i].Seq = l.seq
	}
	for ch := range l.subs {
		for _, e := range events {
			select {
			case ch <- e:
			default:
				delete(l.subs, ch)
				close(ch)
				goto next
			}
		}
	next:
	}
}

// Subscribe implements Broker.
func (l *Local) Subscribe(ctx context.Context) <-chan Event {
	ch := make(chan Event, Buffer)
	l.mu.Lock()
	l.subs[ch] = struct{}{}
	l.mu.Unlock()
	go func() {
		<-ctx.Done()
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, ok := l.subs[ch]; ok {
			delete(l.subs, ch)
			close(ch)
		}
	}()
	return ch
}

// Subscribers returns the number of live subscribers.
func (l *Local) Subscribers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.subs)
}

// MarshalGQL implements graphql.Marshaler.
func (c Change) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(c))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (c *Change) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch Change(s) {
	case Created, Updated, Deleted:
		*c = Change(s)
		return nil
	}
	return fmt.Errorf("%q is not a valid ChangeKind", v)
}
