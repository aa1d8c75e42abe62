package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/events"
)

// wsClient speaks graphql-transport-ws, the protocol current clients use.
type wsClient struct {
	t    *testing.T
	conn *coderws.Conn
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialWS(t *testing.T, srv *httptest.Server) *wsClient {
	t.Helper()
	return dialProtocol(t, srv, "graphql-transport-ws")
}

func dialProtocol(t *testing.T, srv *httptest.Server, protocol string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &coderws.DialOptions{Subprotocols: []string{protocol}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, conn: conn}
	c.send(wsMessage{Type: "connection_init", Payload: json.RawMessage(`{}`)})
	if m := c.read(); m.Type != "connection_ack" {
		t.Fatalf("got %s, want connection_ack", m.Type)
	}
	return c
}

func (c *wsClient) send(m wsMessage) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, c.conn, m); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// read returns the next message that is not a ping or pong.
func (c *wsClient) read() wsMessage {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, c.conn, &m); err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if m.Type != "ping" && m.Type != "pong" && m.Type != "ka" {
			return m
		}
	}
}

// nextByID reads the next messages of n operations, one each, and returns their payloads
// by operation ID; anything but next fails the test.
func (c *wsClient) nextByID(n int) map[string]string {
	c.t.Helper()
	got := map[string]string{}
	for len(got) < n {
		m := c.read()
		if m.Type != "next" {
			c.t.Fatalf("got %s %s, want next", m.Type, m.Payload)
		}
		got[m.ID] = string(m.Payload)
	}
	return got
}

func (c *wsClient) subscribe(id, query string) {
	payload, _ := json.Marshal(map[string]any{"query": query})
	c.send(wsMessage{ID: id, Type: "subscribe", Payload: payload})
	// Give the server a moment to register the subscription before anything is written.
	time.Sleep(200 * time.Millisecond)
}

// instance is one server instance: its own ent client and broker over a shared database.
func instance(t *testing.T, db *database.DB, dsn string) (*httptest.Server, *ent.Client) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var broker events.Broker = events.NewLocal()
	if db.Dialect == "postgres" {
		pg, err := events.NewPostgres(db.SQL, dsn, logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pg.Close() })
		broker = pg
	}
	client := db.Client()
	client.Use(events.Hook(broker, logger))
	tokens, _ := auth.ParseTokens(tokenEntry("editor", editorToken) + "," + tokenEntry("admin", adminToken))
	srv := httptest.NewServer(graph.NewHandler(client, graph.Config{Dialect: db.Dialect, Limits: graph.DefaultLimits, Tokens: tokens, Events: broker}))
	t.Cleanup(srv.Close)
	return srv, client
}

// TestSubscriptions checks that a mutation on one server instance reaches a subscriber
// on another (through PostgreSQL LISTEN/NOTIFY; in process on SQLite), for both
// outcomeAdded and nodeChanged, over graphql-transport-ws.
func TestSubscriptions(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, _ *ent.Client) {
		dsn := db.URL
		writer, client := instance(t, db, dsn)
		reader := writer
		if db.Dialect == "postgres" {
			reader, _ = instance(t, db, dsn)
		}
		ctx := context.Background()
		kickoff := client.Seminar.Query().FirstIDX(ctx)
		doc := client.Document.Query().FirstIDX(ctx)
		theme := client.Theme.Query().FirstX(ctx)

		ws := dialWS(t, reader)
		ws.subscribe("added", `subscription { outcomeAdded(filter: {seminarIDs: ["`+string(kickoff)+`"]}) { text seminar { title } } }`)
		ws.subscribe("theme", `subscription { nodeChanged(ids: ["`+string(theme.ID)+`"]) { id type change node { ... on Theme { nameEn } } } }`)

		mustPost(t, writer, `mutation($s: ID!, $d: ID!) { createOutcome(input: {kind: RECOMMENDATION, text: "Live outcome.", seminarID: $s, sourceIDs: [$d]}) { id } }`,
			map[string]any{"s": kickoff, "d": doc}, nil)
		mustPost(t, writer, `mutation($id: ID!) { updateTheme(id: $id, input: {nameEn: "Renamed live"}) { id } }`, map[string]any{"id": theme.ID}, nil)

		got := ws.nextByID(2)
		if !strings.Contains(got["added"], `"text":"Live outcome."`) || !strings.Contains(got["added"], "käynnistysseminaari") {
			t.Errorf("outcomeAdded = %s", got["added"])
		}
		if !strings.Contains(got["theme"], `"change":"UPDATED"`) || !strings.Contains(got["theme"], `"nameEn":"Renamed live"`) {
			t.Errorf("nodeChanged = %s", got["theme"])
		}
		// A failed mutation publishes nothing: the next event is the one after it.
		post(t, writer, `mutation($id: ID!) { a: updateTheme(id: $id, input: {nameEn: "Never"}) { id } b: createTheme(input: {slug: "valitila", name: "X"}) { id } }`,
			map[string]any{"id": theme.ID}, nil)
		mustPost(t, writer, `mutation($id: ID!) { updateTheme(id: $id, input: {nameEn: "After"}) { id } }`, map[string]any{"id": theme.ID}, nil)
		if m := ws.read(); !strings.Contains(string(m.Payload), `"nameEn":"After"`) {
			t.Errorf("after a rolled-back mutation, got %s, want the next committed change", m.Payload)
		}
		ws.send(wsMessage{ID: "theme", Type: "complete"})
	})
}

// TestLegacySubscriptionProtocol checks that older clients speaking graphql-ws (the
// subscriptions-transport-ws protocol) are served too.
func TestLegacySubscriptionProtocol(t *testing.T) {
	db, _ := seededDB(t, "sqlite")
	srv, client := instance(t, db, "")
	theme := client.Theme.Query().FirstX(context.Background())
	ws := dialProtocol(t, srv, "graphql-ws")
	payload, _ := json.Marshal(map[string]any{"query": `subscription { nodeChanged(types: ["Theme"]) { id change } }`})
	ws.send(wsMessage{ID: "1", Type: "start", Payload: payload})
	time.Sleep(200 * time.Millisecond)
	mustPost(t, srv, `mutation($id: ID!) { updateTheme(id: $id, input: {nameEn: "Legacy"}) { id } }`, map[string]any{"id": theme.ID}, nil)
	m := ws.read()
	if m.Type != "data" || !strings.Contains(string(m.Payload), string(theme.ID)) {
		t.Errorf("got %s %s, want data with the theme", m.Type, m.Payload)
	}
}

// TestMalformedWebsocketMessages sends what broken clients send over a WebSocket: the
// server answers with an error or closes the connection, and keeps serving.
func TestMalformedWebsocketMessages(t *testing.T) {
	db, _ := seededDB(t, "sqlite")
	srv, _ := instance(t, db, "")
	for _, msg := range []string{
		"not json",
		`{"type": "subscribe", "id": "1", "payload": {"query": 42}}`,
		`{"type": "subscribe", "id": "1", "payload": {"query": "subscription { nope }"}}`,
		`{"type": "unknown-type"}`,
		`{"type": "subscribe", "payload": {"query": "subscription { nodeChanged { id } }"}}`,
		strings.Repeat("[", 10000),
	} {
		ws := dialWS(t, srv)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		_ = ws.conn.Write(ctx, coderws.MessageText, []byte(msg))
		var m wsMessage
		err := wsjson.Read(ctx, ws.conn, &m)
		cancel()
		if err == nil && m.Type != "error" && m.Type != "connection_error" {
			t.Errorf("%.40q: got %s %s, want an error or a closed connection", msg, m.Type, m.Payload)
		}
		ws.conn.CloseNow()
	}
	// The server still serves.
	mustPost(t, srv, `{ themes(first: 1) { totalCount } }`, nil, nil)
}

// TestStatesNotOverWebsocket: a query over a WebSocket that selects revision states is
// refused (QUERY_TOO_COSTLY) before any is read, since a WebSocket queues whole responses
// for a client that may never read them; the same query without states is answered, and
// over HTTP with them.
func TestStatesNotOverWebsocket(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		ws := dialWS(t, srv)
		for i, tc := range []struct {
			query   string
			refused bool
		}{
			{`{ themes(first: 2) { edges { node { revisions(first: 1) { edges { node { seq after } } } } } } }`, true},
			{`{ changes(first: 2) { edges { node { ...S } } } } fragment S on Revision { before }`, true},
			{`{ themes(first: 2) { edges { node { revisions(first: 1) { edges { node { seq version } } } } } } }`, false},
		} {
			id := "q" + itoa(i)
			payload, _ := json.Marshal(map[string]any{"query": tc.query})
			ws.send(wsMessage{ID: id, Type: "subscribe", Payload: payload})
			m := ws.read()
			if m.Type != "next" || m.ID != id {
				t.Fatalf("%s: got %s %s, want next", tc.query, m.Type, m.Payload)
			}
			refused := strings.Contains(string(m.Payload), `"QUERY_TOO_COSTLY"`) && strings.Contains(string(m.Payload), "over HTTP")
			if refused != tc.refused {
				t.Errorf("%s: refused %v, want %v: %.300s", tc.query, refused, tc.refused, m.Payload)
			}
			if c := ws.read(); c.Type != "complete" {
				t.Fatalf("%s: got %s after next, want complete", tc.query, c.Type)
			}
		}
		var out struct {
			Themes struct {
				Edges []struct {
					Node struct{ Revisions revisionPage }
				}
			}
		}
		mustPost(t, srv, `{ themes(first: 1) { edges { node { revisions(first: 1) { edges { node { seq after } } } } } } }`, nil, &out)
		if len(out.Themes.Edges) != 1 || len(out.Themes.Edges[0].Node.Revisions.Edges) != 1 || out.Themes.Edges[0].Node.Revisions.Edges[0].Node.After == nil {
			t.Errorf("over HTTP the state is answered: %+v", out)
		}
	})
}
