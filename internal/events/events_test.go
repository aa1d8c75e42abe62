package events_test

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func receive(t *testing.T, ch <-chan events.Event) events.Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("channel closed")
		}
		if e.Seq == 0 {
			t.Errorf("event %+v delivered without a sequence number", e)
		}
		e.Seq = 0 // compared by content
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return events.Event{}
}

// TestSlowSubscribersDoNotBlock checks that a subscriber that never reads is dropped
// instead of blocking the writer, and that subscribers that go away leave no goroutine.
func TestSlowSubscribersDoNotBlock(t *testing.T) {
	b := events.NewLocal()
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	slow := b.Subscribe(ctx)
	fast := b.Subscribe(ctx)
	done := make(chan struct{})
	go func() {
		for i := 0; i < events.Buffer*4; i++ {
			_ = b.Publish(ctx, events.Event{ID: "th01ARZ3NDEKTSV4RRFFQ69G5FAV", Type: "Theme", Change: events.Updated})
		}
		close(done)
	}()
	go func() {
		for range fast {
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("publishing blocked on a slow subscriber")
	}
	n := 0
	for range slow {
		n++
	}
	if n != events.Buffer {
		t.Errorf("the slow subscriber got %d events before being dropped, want %d", n, events.Buffer)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for b.Subscribers() > 0 || runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("subscribers %d, goroutines %d (were %d): something leaked", b.Subscribers(), runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPostgresAcrossInstances publishes on one broker and receives on another, as two
// server instances on one database do.
func TestPostgresAcrossInstances(t *testing.T) {
	db := testdb.Open(t, "postgres")
	dsn := db.URL
	a, err := events.NewPostgres(db.SQL, dsn, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := events.NewPostgres(db.SQL, dsn, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := b.Subscribe(ctx)
	want := events.Event{ID: "oc01ARZ3NDEKTSV4RRFFQ69G5FAV", Type: "Outcome", Change: events.Created}
	if err := a.Publish(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// A batch larger than one notification's payload (about 90 events) arrives whole;
	// it stays below the subscriber's buffer, so that a slow reader is not dropped.
	many := make([]events.Event, events.Buffer-10)
	for i := range many {
		many[i] = want
	}
	if err := a.Publish(ctx, many...); err != nil {
		t.Fatal(err)
	}
	for range many {
		receive(t, ch)
	}
}

// TestSeqSharedBySubscribers: every subscriber of one delivery sees the same sequence
// number, and later deliveries have higher ones.
func TestSeqSharedBySubscribers(t *testing.T) {
	ctx := t.Context()
	l := events.NewLocal()
	a, b := l.Subscribe(ctx), l.Subscribe(ctx)
	_ = l.Publish(ctx, events.Event{ID: "th1", Type: "Theme", Change: events.Created}, events.Event{ID: "th2", Type: "Theme", Change: events.Created})
	a1, a2, b1, b2 := <-a, <-a, <-b, <-b
	if a1.Seq == 0 || a1.Seq != b1.Seq || a2.Seq != b2.Seq || a2.Seq <= a1.Seq {
		t.Errorf("sequence numbers a %d %d, b %d %d", a1.Seq, a2.Seq, b1.Seq, b2.Seq)
	}
}
