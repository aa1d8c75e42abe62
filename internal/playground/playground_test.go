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

func TestFallbackPage(t *testing.T) {
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

	h := newHandler("Teemaverkko", "/graphql", nil)
	rec := get(t, h, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	if got := rec.Header().Get("Content-Security-Policy"); got != "" {
		t.Errorf("the CDN page carries a CSP that would block it: %q", got)
	}
	body := rec.Body.String()
	for _, want := range []string{
		"https://cdn.jsdelivr.net/npm/graphiql@",
		`integrity="sha256-`,
		"defaultTabs: tabs",
		"defaultEditorToolsVisibility: 'headers'",
		"query KickoffSeminar",
		`id="graphiql"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the CDN page lacks %s", want)
		}
	}
	if strings.Count(strings.ToLower(body), "</script") != 4 {
		t.Errorf("the CDN page's script elements are off:\n%s", body)
	}
	if rec := get(t, h, AssetPrefix+"main-ABC.js"); rec.Code != http.StatusNotFound {
		t.Errorf("an asset without a build = %d, want 404", rec.Code)
	}
}

// TestCompiledIn checks the binary's own dist/: it always embeds (the placeholder keeps
// the pattern valid), and Embedded agrees with whether a build is present.
func TestCompiledIn(t *testing.T) {
	if _, err := dist.ReadFile("dist/.keep"); err != nil {
		t.Fatalf("the placeholder dist/.keep is not embedded: %v", err)
	}
	_, err := dist.ReadFile("dist/manifest.json")
	if built := err == nil; built != Embedded() {
		t.Fatalf("Embedded() = %v with manifest present = %v", Embedded(), built)
	}
	rec := get(t, Handler("Teemaverkko", "/graphql"), "/")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "KickoffSeminar") {
		t.Fatalf("GET / = %d", rec.Code)
	}
	if hasCSP := rec.Header().Get("Content-Security-Policy") != ""; hasCSP != Embedded() {
		t.Errorf("CSP present = %v, Embedded() = %v", hasCSP, Embedded())
	}
	if Embedded() {
		b, _ := embeddedBuild()
		if rec := get(t, Handler("Teemaverkko", "/graphql"), AssetPrefix+strings.TrimPrefix(b.Script, "assets/")); rec.Code != http.StatusOK {
			t.Errorf("the built script = %d", rec.Code)
		}
	} else {
		t.Log(NotBuiltMessage)
	}
}
