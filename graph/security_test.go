package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/persisted"
	"github.com/teemaverkko/teemaverkko/internal/auth"
)

// strictServer serves a seeded SQLite database with reads needing a token and only
// registered queries allowed.
func strictServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, client := seededDB(t, "sqlite")
	tokens, _ := auth.ParseTokens(tokenEntry("reader", "reader-token") + "," + tokenEntry("editor", editorToken))
	srv := httptest.NewServer(graph.NewHandler(client, graph.Config{
		Dialect: db.Dialect, Limits: graph.DefaultLimits, Tokens: tokens, ReadsNeedToken: true,
		Persisted: persisted.NewRegistry(docs.Queries()[0].Text, `{ themes { totalCount } }`), AllowListOnly: true,
	}))
	t.Cleanup(srv.Close)
	return srv
}

func rawPost(t *testing.T, url, token string, body map[string]any) gqlResponse {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r gqlResponse
	_ = json.NewDecoder(res.Body).Decode(&r)
	return r
}

// TestReadsNeedTokenAndAllowList checks the strict modes: without a token nothing is
// read; with one, only registered queries run, in full or by their hash alone.
func TestReadsNeedTokenAndAllowList(t *testing.T) {
	srv := strictServer(t)
	registered := `{ themes { totalCount } }`
	if r := rawPost(t, srv.URL, "", map[string]any{"query": registered}); r.code() != "UNAUTHENTICATED" {
		t.Errorf("a read without a token: %+v, want UNAUTHENTICATED", r.Errors)
	}
	if r := rawPost(t, srv.URL, "reader-token", map[string]any{"query": registered}); len(r.Errors) > 0 {
		t.Errorf("a registered read with a token: %+v", r.Errors)
	}
	if r := rawPost(t, srv.URL, "reader-token", map[string]any{"query": `{ regions { totalCount } }`}); r.code() != "PERSISTED_QUERY_NOT_ALLOWED" {
		t.Errorf("an unregistered query: %+v, want PERSISTED_QUERY_NOT_ALLOWED", r.Errors)
	}
	byHash := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": persisted.Hash(docs.Queries()[0].Text)}}}
	r := rawPost(t, srv.URL, "reader-token", byHash)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "USO-verkoston") {
		t.Errorf("a registered query by its hash: %s %+v", r.Data, r.Errors)
	}
	if r := rawPost(t, srv.URL, "reader-token", map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}}); r.code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("an unknown hash: %+v, want PERSISTED_QUERY_NOT_FOUND", r.Errors)
	}
}

// TestWebsocketAuthInInitPayload checks that a WebSocket client authenticates in the
// connection-init payload, and that a bad token there closes the connection.
func TestWebsocketAuthInInitPayload(t *testing.T) {
	srv := strictServer(t)
	dial := func(token string) (*coderws.Conn, wsMessage, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + token})
		if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
			t.Fatal(err)
		}
		var m wsMessage
		err = wsjson.Read(ctx, conn, &m)
		return conn, m, err
	}
	conn, m, err := dial("reader-token")
	if err != nil || m.Type != "connection_ack" {
		t.Fatalf("a good token: %v %+v", err, m)
	}
	conn.CloseNow()
	conn, m, err = dial("wrong-token")
	if err == nil && m.Type == "connection_ack" {
		t.Errorf("a wrong token in the init payload was acknowledged")
	}
	conn.CloseNow()
}
