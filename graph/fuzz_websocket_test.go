package graph_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// wsFrameSeparator splits a fuzz input into the frames a client sends.
const wsFrameSeparator = "\x1e"

// FuzzGraphQLWebsocket sends arbitrary sequences of frames over a graphql-transport-ws
// connection to the real handler, and checks that the server never hangs on them, never
// logs an internal error, leaks no database or runtime text the client did not send, and
// still accepts a new connection afterwards (nothing it held was leaked for good).
func FuzzGraphQLWebsocket(f *testing.F) {
	for _, s := range [][]string{
		{`{"type":"connection_init"}`, `{"id":"1","type":"subscribe","payload":{"query":"{ themes(first: 2) { totalCount } }"}}`},
		{`{"type":"connection_init","payload":{"Authorization":"Bearer nope"}}`},
		{`{"type":"connection_init","payload":{"Authorization":"Bearer test-editor-token"}}`, `{"id":"m","type":"subscribe","payload":{"query":"mutation { ... on Mutation { deleteTheme(id: \"th01ARZ3NDEKTSV4RRFFQ69G5FAV\") } }"}}`},
		{`{"type":"connection_init"}`, `{"id":"s","type":"subscribe","payload":{"query":"subscription { nodeChanged { id } }"}}`, `{"id":"s","type":"complete"}`},
		{`{"type":"connection_init"}`, `{"id":"1","type":"subscribe","payload":{"query":"{ nodes(ids: [\"x\"]) { id } }","variables":{"a":[[[[[[[[1]]]]]]]]}}}`},
		{`{"type":"subscribe"}`},
		{`{"type":"connection_init"}`, `{"type":"connection_init"}`},
		{`{"type":"connection_init"}`, `{"id":"1","type":"subscribe","payload":{"query":"mutation { createTheme(input: {slug: \"x\", name: \"y\"}) { id } }"}}`},
		{`not json`},
		{`{"type":"connection_init"}`, `{"type":"ping"}`, `{"id":"","type":"subscribe","payload":null}`},
	} {
		f.Add([]byte(strings.Join(s, wsFrameSeparator)))
	}
	db := testdb.Open(f, "sqlite")
	client := db.Client()
	if err := seed.Run(context.Background(), client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		f.Fatalf("seed: %v", err)
	}
	tokens, _ := auth.ParseTokens(tokenEntry("editor", editorToken))
	internal := &internalLog{}
	srv := httptest.NewServer(graph.NewHandler(client, graph.Config{
		Limits: graph.DefaultLimits, Logger: slog.New(internal), Tokens: tokens,
		Websocket: graph.WebsocketLimits{ConnectionsPerClient: 4, SubscriptionsPerConnection: 4, InitTimeout: 500 * time.Millisecond},
	}))
	f.Cleanup(srv.Close)
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	f.Fuzz(func(t *testing.T, input []byte) {
		frames := bytes.Split(input, []byte(wsFrameSeparator))
		if len(frames) > 20 {
			frames = frames[:20]
		}
		internal.reset()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, _, err := coderws.Dial(ctx, url, &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer conn.CloseNow()
		for _, frame := range frames {
			if err := conn.Write(ctx, coderws.MessageText, frame); err != nil {
				break // the server closed the connection: fine
			}
		}
		var got [][]byte
		readCtx, stop := context.WithTimeout(ctx, 300*time.Millisecond)
		for {
			_, msg, err := conn.Read(readCtx)
			if err != nil {
				if ctx.Err() != nil {
					t.Fatalf("the connection hung: %q", input)
				}
				break
			}
			got = append(got, msg)
		}
		stop()
		conn.CloseNow()
		sent := unescaped(input)
		for _, msg := range got {
			for _, leak := range leaks {
				if bytes.Contains(msg, []byte(leak)) && !containsAny(sent, leak) {
					t.Fatalf("a message leaks %q: %.500s", leak, msg)
				}
			}
		}
		if msg := internal.first(); msg != "" && !strings.Contains(msg, "context canceled") {
			t.Fatalf("internal error: %s\ninput: %q", msg, input)
		}
		// The connection's place is given back: a new one is accepted (within the
		// per-client limit of 4, after the server has seen the close).
		deadline := time.Now().Add(3 * time.Second)
		for {
			c, _, err := coderws.Dial(ctx, url, &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
			if err == nil {
				c.CloseNow()
				break
			}
			if time.Now().After(deadline) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("no new connection after the input %q: %v", input, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
