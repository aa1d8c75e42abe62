package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/synth"
)

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		ok   bool
		port int
	}{
		{"defaults", nil, nil, true, 8080},
		{"PORT", nil, map[string]string{"PORT": "9090"}, true, 9090},
		{"flag beats env", []string{"-port", "7070"}, map[string]string{"PORT": "9090"}, true, 7070},
		{"bad PORT", nil, map[string]string{"PORT": "eighty"}, false, 0},
		{"port out of range", []string{"-port", "70000"}, nil, false, 0},
		{"default above max", nil, map[string]string{"DEFAULT_PAGE_SIZE": "500"}, false, 0},
		{"bad SEED", nil, map[string]string{"SEED": "perhaps"}, false, 0},
		{"bad log format", []string{"-log-format", "xml"}, nil, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig(tc.args, func(k string) string { return tc.env[k] })
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if tc.ok && c.port != tc.port {
				t.Errorf("port = %d, want %d", c.port, tc.port)
			}
			if tc.ok && c.databaseURL != "data/teemaverkko.db" {
				t.Errorf("database URL = %q, want the SQLite default", c.databaseURL)
			}
		})
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServerRunsAndRestarts starts the server as a user does (embedded SQLite, seeding
// on), checks its endpoints, shuts it down gracefully, and starts it again on the same
// database: the restart neither fails nor duplicates anything.
func TestServerRunsAndRestarts(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "data", "kb.db")
	for round := 1; round <= 2; round++ {
		base, stop := startServer(t, "-database-url", dbPath)
		if code, body := get(t, base+"/schema.graphql"); code != http.StatusOK || !strings.Contains(body, "type Query") {
			t.Errorf("schema.graphql = %d", code)
		}
		if code, body := get(t, base+"/readyz"); code != http.StatusOK {
			t.Errorf("readyz = %d %s", code, body)
		}
		if code, body := get(t, base+"/"); code != http.StatusOK || !strings.Contains(body, "graphiql") || !strings.Contains(body, "KickoffSeminar") {
			t.Errorf("playground = %d, want GraphiQL with the example queries", code)
		}
		code, body := get(t, base+"/graphql?query="+strings.ReplaceAll("{ municipalities { totalCount } seminars { totalCount } }", " ", "%20"))
		if code != http.StatusOK || !strings.Contains(body, `"municipalities":{"totalCount":320}`) || strings.Contains(body, `"seminars":{"totalCount":0}`) {
			t.Errorf("round %d: GET /graphql = %d %s", round, code, body)
		}
		if err := stop(); err != nil {
			t.Fatalf("round %d: run returned %v, want a clean shutdown", round, err)
		}
	}
}

// TestImportExportCommands exports the seeded knowledge base with the export command,
// imports it into a new database with the import command (dry run first), and exports
// that: the same bytes.
func TestImportExportCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	_, stop := startServer(t, "-database-url", src)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	env := func(string) string { return "" }
	exported := filepath.Join(dir, "kb.json")
	if err := exportCommand(ctx, []string{"-database-url", src, "-o", exported}, env, io.Discard); err != nil {
		t.Fatalf("export: %v", err)
	}
	dst := filepath.Join(dir, "dst.db")
	var report strings.Builder
	if err := importCommand(ctx, []string{"-database-url", dst, "-dry-run", exported}, env, &report); err != nil {
		t.Fatalf("import -dry-run: %v", err)
	}
	if !strings.Contains(report.String(), "created") {
		t.Errorf("dry-run report = %q", report.String())
	}
	if err := importCommand(ctx, []string{"-database-url", dst, exported}, env, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}
	var again strings.Builder
	if err := exportCommand(ctx, []string{"-database-url", dst}, env, &again); err != nil {
		t.Fatalf("export again: %v", err)
	}
	first, _ := os.ReadFile(exported)
	if string(first) != again.String() {
		t.Errorf("export → import → export differs (%d vs %d bytes)", len(first), again.Len())
	}
	if err := importCommand(ctx, []string{"-database-url", dst, filepath.Join(dir, "missing.json")}, env, io.Discard); err == nil {
		t.Errorf("importing a missing file succeeded")
	}
}

// waitReady waits until /readyz answers 200.
func waitReady(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 400; i++ {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", base)
}

// startServer runs the server as a user does, on a free port, with its own SQLite file
// unless args name a database, and waits until it is ready. It returns the base URL and a
// stop function that shuts the server down and returns what run returned; the test's
// cleanup stops it too, if the test did not.
func startServer(t *testing.T, args ...string) (base string, stop func() error) {
	t.Helper()
	port := freePort(t)
	base = "http://127.0.0.1:" + strconv.Itoa(port)
	full := append([]string{"-port", strconv.Itoa(port)}, args...)
	if !slices.Contains(args, "-database-url") {
		full = append(full, "-database-url", filepath.Join(t.TempDir(), "kb.db"))
	}
	logs, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, full, func(string) string { return "" }, logs) }()
	stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			return fmt.Errorf("the server did not shut down within 20 s")
		}
	})
	t.Cleanup(func() { _ = stop() })
	waitReady(t, base)
	return base, stop
}

// TestNetworkExport downloads the theme network as each format from a running server.
func TestNetworkExport(t *testing.T) {
	base, _ := startServer(t)
	for _, tc := range []struct{ format, contentType, file, contains string }{
		{"graphml", "application/graphml+xml", "teemaverkko-themes.graphml", "<graphml"},
		{"gexf", "application/gexf+xml", "teemaverkko-themes.gexf", "<gexf"},
		{"nodes-csv", "text/csv", "teemaverkko-themes-nodes.csv", "id,"},
		{"edges-csv", "text/csv", "teemaverkko-themes-edges.csv", "source,target,weight"},
	} {
		res, err := http.Get(base + "/export/network?format=" + tc.format + "&signals=OUTCOME,SESSION&minWeight=1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), tc.contentType) ||
			!strings.Contains(res.Header.Get("Content-Disposition"), tc.file) || !strings.Contains(string(body), tc.contains) {
			t.Errorf("%s: %d %q %q %.80s", tc.format, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), body)
		}
	}
	for _, bad := range []string{"format=xlsx", "from=14.3.2017", "seminar=nope", "signals=GOSSIP", "minWeight=-1"} {
		res, err := http.Get(base + "/export/network?" + bad)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || errorCode(string(body)) != "BAD_USER_INPUT" {
			t.Errorf("%s: %d %s, want 400 BAD_USER_INPUT", bad, res.StatusCode, body)
		}
	}
}

// TestMetricsAndRateLimit checks that /metrics counts GraphQL operations and that a
// client over its rate is refused with 429 and RATE_LIMITED. /metrics shares the limit
// of the read routes, so the scraper uses a token of its own: its own bucket.
func TestMetricsAndRateLimit(t *testing.T) {
	scraper, entry := auth.New(auth.Reader)
	base, _ := startServer(t, "-rate-limit", "0.001", "-rate-burst", "3", "-tokens", entry)
	query := base + "/graphql?query=" + strings.ReplaceAll("query Kunnat { municipalities { totalCount } }", " ", "%20")
	codes := []int{}
	var last string
	for i := 0; i < 4; i++ {
		code, body := get(t, query)
		codes = append(codes, code)
		last = body
	}
	if codes[0] != 200 || codes[3] != http.StatusTooManyRequests || !strings.Contains(last, "RATE_LIMITED") {
		t.Errorf("statuses %v (last %s), want 200 first and 429 RATE_LIMITED after the burst", codes, last)
	}
	code, _, body := request(t, http.MethodGet, base+"/metrics", "Authorization", "Bearer "+scraper)
	if code != 200 || !strings.Contains(body, `graphql_requests_total{operation="Kunnat",status="ok",type="query"}`) {
		t.Errorf("/metrics = %d, lacks the operation's counter", code)
	}
	if !strings.Contains(body, "go_sql_open_connections") {
		t.Errorf("/metrics lacks the database pool")
	}
}

// TestWebsocketThroughTheServer opens a subscription through every layer of the real
// server (request IDs, access log, metrics, CORS, rate limit), which must all let the
// WebSocket upgrade through.
func TestWebsocketThroughTheServer(t *testing.T) {
	base, _ := startServer(t)
	dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer dcancel()
	conn, _, err := coderws.Dial(dctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("the WebSocket upgrade failed through the server: %v", err)
	}
	defer conn.CloseNow()
	if err := wsjson.Write(dctx, conn, map[string]any{"type": "connection_init"}); err != nil {
		t.Fatal(err)
	}
	var ack map[string]any
	if err := wsjson.Read(dctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("no connection_ack: %v %v", ack, err)
	}
}

// TestGenCommand fills a database with a small synthetic knowledge base: progress on
// stderr as log lines (stderr is no terminal here), none with -quiet, the result on
// stdout, the history's baseline recorded once, and a second run refused.
func TestGenCommand(t *testing.T) {
	ctx := context.Background()
	noEnv := func(string) string { return "" }
	dbPath := filepath.Join(t.TempDir(), "gen.db")
	var out, errOut strings.Builder
	if err := genCommand(ctx, []string{"-database-url", dbPath, "-scale", "0.02"}, noEnv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "generated") {
		t.Errorf("output = %q", out.String())
	}
	for _, want := range []string{"msg=\"gen progress\" stage=seminars done=4 total=4 percent=100.0", "stage=history done=1 total=1", "stage=\"search index\" done=1 total=1"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr = %q, want it to contain %q", errOut.String(), want)
		}
	}

	// Every object has exactly one revision, in one change set: the baseline.
	db, err := database.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	client := db.Client()
	kb, err := history.Current(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	outcomes, err := client.Outcome.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var revisions, versions int
	if err := db.SQL.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT version) FROM revisions WHERE node_type = 'Outcome'`).Scan(&revisions, &versions); err != nil {
		t.Fatal(err)
	}
	// The command writes what synth.Generate writes (the same digest as its test's).
	digest, err := synth.Digest(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	if want := "e1324b6fe1e180632f2287f3c3aef4ca30342bf640a488e7fc8e62711cf0a646"; digest != want {
		t.Errorf("seed 1 at scale 0.02 gives digest %s, want %s (internal/synth's seed1Digest)", digest, want)
	}
	db.Close()
	if kb.Version != 1 || outcomes == 0 || revisions != outcomes || versions != 1 {
		t.Errorf("version %d, %d outcomes with %d revisions in %d versions; want version 1, one revision each in one version", kb.Version, outcomes, revisions, versions)
	}

	errOut.Reset()
	if err := genCommand(ctx, []string{"-database-url", dbPath, "-scale", "0.02", "-quiet"}, noEnv, io.Discard, &errOut); err == nil {
		t.Errorf("a second run into the same database succeeded")
	}
	if errOut.Len() != 0 {
		t.Errorf("-quiet wrote %q to stderr", errOut.String())
	}
	errOut.Reset()
	if err := genCommand(ctx, []string{"-database-url", filepath.Join(t.TempDir(), "quiet.db"), "-scale", "0.01", "-quiet"}, noEnv, io.Discard, &errOut); err != nil {
		t.Fatal(err)
	}
	if errOut.Len() != 0 {
		t.Errorf("-quiet wrote %q to stderr", errOut.String())
	}
}

// TestSearchExport downloads search hits with their sources from a running server, as
// JSON and CSV: the same hits in the same order as the API's search, each labelled, and
// documents (titles, URLs) behind the outcomes.
func TestSearchExport(t *testing.T) {
	base, _ := startServer(t)
	get := func(query string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(base + "/export/search?" + query)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, body
	}
	res, body := get("q=strategia&format=json&first=50")
	var out struct {
		Query      string
		TotalCount int
		Hits       []struct {
			ID, Type, Label, SnippetText string
			Sources                      []struct{ ID, Title, URL, Date, DatePrecision string }
		}
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || len(out.Hits) == 0 || out.Query != "strategia" {
		t.Fatalf("json: %d %.300s", res.StatusCode, body)
	}
	gres, err := http.Get(base + "/graphql?query=" + url.QueryEscape(`{ search(query: "strategia", first: 50) { totalCount edges { node { node { id } } } } }`))
	if err != nil {
		t.Fatal(err)
	}
	var gql struct {
		Data struct {
			Search struct {
				TotalCount int
				Edges      []struct {
					Node struct{ Node struct{ ID string } }
				}
			}
		}
	}
	if err := json.NewDecoder(gres.Body).Decode(&gql); err != nil {
		t.Fatal(err)
	}
	gres.Body.Close()
	if gql.Data.Search.TotalCount != out.TotalCount || len(gql.Data.Search.Edges) != len(out.Hits) {
		t.Fatalf("export: %d of %d hits, API: %d of %d", len(out.Hits), out.TotalCount, len(gql.Data.Search.Edges), gql.Data.Search.TotalCount)
	}
	cited := 0
	for i, h := range out.Hits {
		if h.ID != gql.Data.Search.Edges[i].Node.Node.ID || h.Label == "" || h.Type == "" || strings.Contains(h.SnippetText, "<mark>") {
			t.Errorf("hit %d: %+v, API %s", i, h, gql.Data.Search.Edges[i].Node.Node.ID)
		}
		if len(h.Sources) > 0 && h.Sources[0].Title != "" {
			cited++
		}
	}
	if cited == 0 {
		t.Error("no hit has a source")
	}
	res, body = get("q=strategia&format=csv&type=theme,seminar")
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if res.StatusCode != http.StatusOK || err != nil || len(rows) < 2 || rows[0][7] != "document_id" || (rows[1][2] != "Theme" && rows[1][2] != "Seminar") {
		t.Fatalf("csv: %d %v %.300s", res.StatusCode, err, body)
	}
	for _, bad := range []string{"q=", "q=strategia&format=xml", "q=strategia&type=PLANET", "q=strategia&first=0", "q=strategia&seminar=nope"} {
		res, body := get(bad)
		if res.StatusCode != http.StatusBadRequest || errorCode(string(body)) != "BAD_USER_INPUT" {
			t.Errorf("%s: %d %s, want 400 BAD_USER_INPUT", bad, res.StatusCode, body)
		}
	}
}
