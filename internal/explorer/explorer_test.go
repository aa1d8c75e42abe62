package explorer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

var mainJS = strings.Repeat("console.log('explorer');\n", 200)

func fakeBuild(t *testing.T) *build {
	t.Helper()
	b, ok := loadBuild(fstest.MapFS{
		"dist/.keep":               {},
		"dist/manifest.json":       {Data: []byte(`{"script":"assets/main-ABC.js","style":"assets/main-DEF.css"}`)},
		"dist/assets/main-ABC.js":  {Data: []byte(mainJS)},
		"dist/assets/main-DEF.css": {Data: []byte("body{margin:0}")},
	})
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

var configBlock = regexp.MustCompile(`(?s)<script type="application/json" id="explorer-config">(.*?)</script>`)

// TestPage checks the page of a build: its CSP (no inline script or style), its own
// script and stylesheet (the stylesheet with the id that keeps Cytoscape.js from
// injecting a <style>), its configuration, and its assets, gzipped when accepted.
func TestPage(t *testing.T) {
	h := newHandler("Teemaverkko", "/graphql", "/export/network", fakeBuild(t))
	rec := get(t, h, Path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", Path, rec.Code)
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self';", "style-src 'self';", "connect-src 'self';", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows something unsafe", csp)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`<script type="module" src="/explore/assets/main-ABC.js">`,
		`<link rel="stylesheet" id="__________cytoscape_stylesheet" href="/explore/assets/main-DEF.css">`,
		`id="f-year"`, `id="graph"`, `href="/"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if regexp.MustCompile(`<script>|<style>|style="`).MatchString(body) {
		t.Errorf("the page has an inline script or style, which its CSP refuses")
	}
	m := configBlock.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no configuration block")
	}
	var cfg config
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil || cfg != (config{Endpoint: "/graphql", ExportPath: "/export/network"}) {
		t.Errorf("configuration %s: %+v, %v", m[1], cfg, err)
	}

	tests := []struct {
		name, path, encoding string
		code                 int
		gzipped              bool
	}{
		{"script", AssetPrefix + "main-ABC.js", "", http.StatusOK, false},
		{"script gzipped", AssetPrefix + "main-ABC.js", "gzip, br", http.StatusOK, true},
		{"stylesheet (too small to gzip)", AssetPrefix + "main-DEF.css", "gzip", http.StatusOK, false},
		{"unknown", AssetPrefix + "nothing.js", "", http.StatusNotFound, false},
		{"outside", AssetPrefix + "../manifest.json", "", http.StatusNotFound, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, h, tc.path, "Accept-Encoding", tc.encoding)
			if rec.Code != tc.code {
				t.Fatalf("%s = %d, want %d", tc.path, rec.Code, tc.code)
			}
			if tc.code != http.StatusOK {
				return
			}
			if got := rec.Header().Get("Cache-Control"); !strings.Contains(got, "immutable") {
				t.Errorf("Cache-Control %q", got)
			}
			if (rec.Header().Get("Content-Encoding") == "gzip") != tc.gzipped {
				t.Fatalf("Content-Encoding %q, want gzipped %v", rec.Header().Get("Content-Encoding"), tc.gzipped)
			}
			if tc.gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				plain, _ := io.ReadAll(zr)
				if string(plain) != mainJS {
					t.Errorf("gzipped script differs from the script")
				}
			}
		})
	}
}

// TestNotBuilt checks that a binary without the build says so, with 503 and the command
// that rebuilds it, and serves no assets.
func TestNotBuilt(t *testing.T) {
	h := newHandler("Teemaverkko", "/graphql", "/export/network", nil)
	rec := get(t, h, Path)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), template.HTMLEscapeString(BuildCommand)) {
		t.Errorf("GET %s without a build = %d %s", Path, rec.Code, rec.Body)
	}
	if rec := get(t, h, AssetPrefix+"main-ABC.js"); rec.Code != http.StatusNotFound {
		t.Errorf("an asset without a build = %d", rec.Code)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"placeholder only": {"dist/.keep": {}},
		"script missing": {
			"dist/manifest.json":       {Data: []byte(`{"script":"assets/main-ABC.js","style":"assets/main-DEF.css"}`)},
			"dist/assets/main-DEF.css": {Data: []byte("x")},
		},
		"manifest not JSON": {"dist/manifest.json": {Data: []byte("{")}},
	} {
		if _, ok := loadBuild(fsys); ok {
			t.Errorf("%s: loadBuild accepted it", name)
		}
	}
}

// TestCommittedBuild checks the build embedded in this binary: it is there, and its
// script is the Cytoscape.js bundle.
func TestCommittedBuild(t *testing.T) {
	b, ok := embeddedBuild()
	if !ok {
		t.Fatalf("no explorer build embedded; run %s", BuildCommand)
	}
	rec := get(t, newHandler("T", "/graphql", "/export/network", b), "/explore/"+b.Script)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "themeNetwork") {
		t.Errorf("the embedded script: %d, %d bytes", rec.Code, rec.Body.Len())
	}
}
