package playground

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/teemaverkko/teemaverkko/docs"
)

// mainJS is the fake build's page script: large and repetitive enough to be gzipped.
var mainJS = strings.Repeat("console.log('main');\n", 200)

// fakeBuild is a minimal web/playground build.
func fakeBuild(t *testing.T) *build {
	t.Helper()
	fsys := fstest.MapFS{
		"dist/.keep":                    {},
		"dist/manifest.json":            {Data: []byte(`{"script":"assets/main-ABC.js","style":"assets/main-DEF.css","workers":{}}`)},
		"dist/assets/main-ABC.js":       {Data: []byte(mainJS)},
		"dist/assets/main-DEF.css":      {Data: []byte("body{margin:0}")},
		"dist/assets/codicon-XYZ.ttf":   {Data: []byte("font")},
		"dist/assets/sub/chunk-ABC.txt": {Data: []byte("nested")},
	}
	b, ok := loadBuild(fsys)
	if !ok {
		t.Fatal("loadBuild refused a complete build")
	}
	return b
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var configBlock = regexp.MustCompile(`(?s)<script type="application/json" id="teemaverkko-config">(.*?)</script>`)

// pageConfig returns the JSON configuration block of an embedded page.
func pageConfig(t *testing.T, body string) config {
	t.Helper()
	m := configBlock.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no configuration block in\n%s", body)
	}
	var cfg config
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("configuration block is not JSON: %v\n%s", err, m[1])
	}
	return cfg
}

func TestEmbeddedPage(t *testing.T) {
	h := newHandler("Teemaverkko", "/graphql", fakeBuild(t))
	rec := get(t, h, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	if got := rec.Header().Get("Content-Security-Policy"); got != CSP {
		t.Errorf("Content-Security-Policy = %q, want %q", got, CSP)
	}
	for _, directive := range []string{"default-src 'self'", "script-src 'self';", "connect-src 'self' ws: wss:"} {
		if !strings.Contains(CSP, directive) {
			t.Errorf("CSP lacks %q", directive)
		}
	}
	if strings.Contains(CSP, "unsafe-eval") || strings.Contains(CSP, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP allows script beyond the server's own files: %s", CSP)
	}
	if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`<script type="module" src="/playground/assets/main-ABC.js"></script>`,
		`<link rel="stylesheet" href="/playground/assets/main-DEF.css">`,
		`<title>Teemaverkko</title>`,
		`id="graphiql"`,
		// Until the script replaces it, the page says what is wrong if it never starts.
		"<noscript>",
		"GraphiQL has not started.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Same-origin only, and no inline script that CSP would block (the one
	// <script> without src is the JSON data block).
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Errorf("the embedded page references another origin:\n%s", body)
	}
	if n := strings.Count(body, "<script"); n != 2 {
		t.Errorf("%d script elements, want the module and the data block", n)
	}
	cfg := pageConfig(t, body)
	if cfg.Endpoint != "/graphql" {
		t.Errorf("endpoint = %q", cfg.Endpoint)
	}
	queries := docs.Queries()
	if len(queries) == 0 || len(cfg.Tabs) != len(queries) {
		t.Fatalf("%d tabs for %d example queries", len(cfg.Tabs), len(queries))
	}
	for i, q := range queries {
		if cfg.Tabs[i].Query != q.Text {
			t.Errorf("tab %d is not %s", i, q.Name)
		}
	}
	if !strings.Contains(cfg.Tabs[0].Query, "query KickoffSeminar") {
		t.Errorf("the first tab is not the kickoff seminar query")
	}
}

func TestEmbeddedConfigEscapesScriptEnd(t *testing.T) {
	b := fakeBuild(t)
	h := newHandler("Teemaverkko", `/graphql</script><script>alert(1)</script><!--`, b)
	body := get(t, h, "/").Body.String()
	if strings.Contains(body, "alert(1)</script>") || strings.Contains(body, "<!--") {
		t.Fatalf("the endpoint broke out of the data block:\n%s", body)
	}
	if n := strings.Count(strings.ToLower(body), "</script"); n != 2 {
		t.Errorf("%d script end tags, want 2", n)
	}
	cfg := pageConfig(t, body)
	if cfg.Endpoint != `/graphql</script><script>alert(1)</script><!--` {
		t.Errorf("endpoint = %q, want it back intact", cfg.Endpoint)
	}
}

func TestEmbeddedAssets(t *testing.T) {
	h := newHandler("Teemaverkko", "/graphql", fakeBuild(t))

	rec := get(t, h, AssetPrefix+"main-ABC.js")
	if rec.Code != http.StatusOK || rec.Body.String() != mainJS {
		t.Fatalf("script = %d %q", rec.Code, rec.Body.String())
	}
	if got := rec.Header().Get("Content-Type"); got != "text/javascript; charset=utf-8" {
		t.Errorf("script Content-Type = %q", got)
	}
	if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("script Cache-Control = %q", got)
	}
	if got := rec.Header().Get("Content-Encoding"); got != "" {
		t.Errorf("Content-Encoding = %q without Accept-Encoding", got)
	}

	// Compressed on first demand, then the same bytes every time.
	var first []byte
	for i := range 2 {
		rec = get(t, h, AssetPrefix+"main-ABC.js", "Accept-Encoding", "br, gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Fatalf("gzip: Content-Encoding %q, Vary %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
		}
		if rec.Body.Len() >= len(mainJS)/2 {
			t.Errorf("gzipped script: %d bytes for %d", rec.Body.Len(), len(mainJS))
		}
		if i == 0 {
			first = bytes.Clone(rec.Body.Bytes())
		} else if !bytes.Equal(first, rec.Body.Bytes()) {
			t.Errorf("the second gzipped response differs from the first")
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if plain, _ := io.ReadAll(zr); string(plain) != mainJS {
			t.Errorf("gzipped script = %q", plain)
		}
	}
	if rec := get(t, h, AssetPrefix+"main-ABC.js", "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip sent to a client that refuses it")
	}
	// Too small to be worth it, or compressed already.
	for _, name := range []string{"main-DEF.css", "codicon-XYZ.ttf"} {
		if rec := get(t, h, AssetPrefix+name, "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s gzipped", name)
		}
	}

	for path, ctype := range map[string]string{
		AssetPrefix + "main-DEF.css":    "text/css; charset=utf-8",
		AssetPrefix + "codicon-XYZ.ttf": "font/ttf",
	} {
		rec := get(t, h, path)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ctype {
			t.Errorf("%s = %d %q, want 200 %q", path, rec.Code, rec.Header().Get("Content-Type"), ctype)
		}
	}

	for _, path := range []string{
		AssetPrefix,
		AssetPrefix + "missing.js",
		AssetPrefix + "sub",
		AssetPrefix + "../manifest.json",
		AssetPrefix + "%2e%2e/manifest.json",
	} {
		rec := get(t, h, path)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, rec.Code)
		}
		if strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: a 404 cached as immutable", path)
		}
	}
}

func TestNotBuiltPage(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"placeholder only":   {"dist/.keep": {}},
		"manifest, no files": {"dist/manifest.json": {Data: []byte(`{"script":"assets/main.js","style":"assets/main.css"}`)}},
		"manifest escapes":   {"dist/manifest.json": {Data: []byte(`{"script":"../playground.go","style":"assets/main.css"}`)}, "dist/assets/main.css": {}},
		"broken manifest":    {"dist/manifest.json": {Data: []byte(`{`)}},
	} {
		if _, ok := loadBuild(fsys); ok {
			t.Errorf("%s: loadBuild accepted it", name)
		}
	}

	// Without a build the page loads nothing from anywhere (no CDN: it would not work
	// offline, nor under the CSP, nor with subscriptions), and says what is wrong.
	h := newHandler("Teemaverkko", "/graphql", nil)
	rec := get(t, h, "/")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("GET / = %d, want 503", rec.Code)
	}
	if got := rec.Header().Get("Content-Security-Policy"); got != CSP {
		t.Errorf("Content-Security-Policy = %q, want %q", got, CSP)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	body := rec.Body.String()
	for _, want := range []string{
		"The playground's assets are not built",
		"git checkout -- internal/playground/dist",
		"npm --prefix web/playground ci &amp;&amp; npm --prefix web/playground run build",
		"/graphql",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "https://") {
		t.Errorf("the page loads something:\n%s", body)
	}
	if rec := get(t, h, AssetPrefix+"main-ABC.js"); rec.Code != http.StatusNotFound {
		t.Errorf("an asset without a build = %d, want 404", rec.Code)
	}
}

// TestCompiledIn checks the binary's own dist/, the committed build: it is complete (the
// manifest's script, stylesheet and workers are there), and the page and its assets are
// served from it. (CI checks that it is also fresh: the build from package-lock.json
// reproduces it byte for byte.)
func TestCompiledIn(t *testing.T) {
	if _, err := dist.ReadFile("dist/.keep"); err != nil {
		t.Fatalf("the placeholder dist/.keep is not embedded: %v", err)
	}
	if !Embedded() {
		t.Fatalf("the committed build in internal/playground/dist is missing or incomplete: %s", NotBuiltMessage)
	}
	b, _ := embeddedBuild()
	raw, err := dist.ReadFile("dist/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Workers map[string]string `json:"workers"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest.Workers) == 0 {
		t.Errorf("the manifest names no web workers:\n%s", raw)
	}
	h := Handler("Teemaverkko", "/graphql")
	rec := get(t, h, "/")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "KickoffSeminar") || rec.Header().Get("Content-Security-Policy") != CSP {
		t.Fatalf("GET / = %d, CSP %q", rec.Code, rec.Header().Get("Content-Security-Policy"))
	}
	assets := []string{b.Script, b.Style}
	for _, w := range manifest.Workers {
		assets = append(assets, "assets/"+w)
	}
	for _, a := range assets {
		name := strings.TrimPrefix(a, "assets/")
		if rec := get(t, h, AssetPrefix+name); rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("%s = %d (%d bytes)", a, rec.Code, rec.Body.Len())
		}
	}
	rec = get(t, h, AssetPrefix+strings.TrimPrefix(b.Script, "assets/"), "Accept-Encoding", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("the page script is not served gzipped")
	}
}

// TestLinksExplorer checks that the playground links the network explorer.
func TestLinksExplorer(t *testing.T) {
	rec := get(t, newHandler("Teemaverkko", "/graphql", fakeBuild(t)), "/")
	if !strings.Contains(rec.Body.String(), `<a class="teemaverkko-explore" href="/explore">`) {
		t.Errorf("the playground does not link /explore:\n%s", rec.Body)
	}
}
