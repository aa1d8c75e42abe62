package graph

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// blockingWriter is a client that does not read: its first write blocks until release.
type blockingWriter struct {
	*httptest.ResponseRecorder
	once    sync.Once
	writing chan struct{}
	release chan struct{}
}

func (w *blockingWriter) Write(b []byte) (int, error) {
	w.once.Do(func() {
		close(w.writing)
		<-w.release
	})
	return w.ResponseRecorder.Write(b)
}

// TestStatesHeldUntilWritten: over HTTP, an operation's share of the server's bound on
// revision states is held until its response is written, not only until it is complete:
// a client that does not read its response cannot make the server hold responses past
// the bound. Through the real handler, on the seed knowledge.
func TestStatesHeldUntilWritten(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	client := db.Client()
	history.Use(client)
	if err := seed.Run(context.Background(), client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	h := NewHandler(client, Config{Dialect: db.Dialect, Limits: DefaultLimits, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	body := `{"query":"{ themes(first: 1) { edges { node { revisions(first: 1) { edges { node { after } } } } } } }"}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := &blockingWriter{ResponseRecorder: httptest.NewRecorder(), writing: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(w, req)
		close(done)
	}()
	<-w.writing
	if statesInFlight.TryAcquire(MaxStateBytesInFlight) {
		statesInFlight.Release(MaxStateBytesInFlight)
		t.Fatal("the operation's share was given back before its response was written")
	}
	close(w.release)
	<-done
	if !strings.Contains(w.Body.String(), `"after":"{`) {
		t.Fatalf("the response has no state: %.300s", w.Body.String())
	}
	if !statesInFlight.TryAcquire(MaxStateBytesInFlight) {
		t.Fatal("the operation's share was not given back after its response was written")
	}
	statesInFlight.Release(MaxStateBytesInFlight)
}
