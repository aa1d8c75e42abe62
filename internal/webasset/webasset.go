// Package webasset serves the built, embedded assets of the server's pages (the
// playground's GraphiQL and the network explorer): every name carries a content hash,
// so each is cached for a year, and gzipped for clients that accept it, once, on first
// demand.
package webasset

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Files serves the files of one folder of built assets.
type Files struct {
	fsys fs.FS
	gz   sync.Map // asset name -> func() []byte: its gzip encoding, made on first demand
}

// New serves the files of fsys (rooted at the assets folder).
func New(fsys fs.FS) *Files { return &Files{fsys: fsys} }

// Has reports whether name is one of the files.
func (f *Files) Has(name string) bool {
	if name == "" || !fs.ValidPath(name) {
		return false
	}
	_, err := fs.Stat(f.fsys, name)
	return err == nil
}

// zeroTime: embedded files carry no modification time.
var zeroTime time.Time

// contentTypes are the types of the built assets, independent of the host's mime.types.
var contentTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".ttf":   "font/ttf",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".svg":   "image/svg+xml",
	".png":   "image/png",
}

// Serve serves one asset, gzipped to clients that accept it, cached for a year: every
// name carries a content hash. An unknown name is a 404.
func (f *Files) Serve(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" || !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(f.fsys, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	ext := path.Ext(name)
	ctype, ok := contentTypes[ext]
	if !ok {
		ctype = mime.TypeByExtension(ext)
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	if AcceptsGzip(r) {
		if gz := f.gzipped(name, data); gz != nil {
			h.Set("Content-Encoding", "gzip")
			data = gz
		}
	}
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(data))
}

// gzipped returns the gzip encoding of the asset name (whose content is data), or nil
// when it is not worth it: small files, fonts and images that are compressed already,
// or less than a tenth saved. Each asset is compressed once, on first demand, and kept:
// about 2 MB for the 7 MB of the playground's build, and a quarter of a second of CPU
// the first time a browser loads them all. (The builds do not ship .gz twins: the
// committed bundles stay a third smaller, and free of zlib's differences between Node
// versions.)
func (f *Files) gzipped(name string, data []byte) []byte {
	switch path.Ext(name) {
	case ".js", ".css", ".json", ".map", ".svg", ".ttf":
	default:
		return nil
	}
	if len(data) < 1024 {
		return nil
	}
	fn, _ := f.gz.LoadOrStore(name, sync.OnceValue(func() []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(data)
		if err := zw.Close(); err != nil || buf.Len() > len(data)*9/10 {
			return nil
		}
		return buf.Bytes()
	}))
	return fn.(func() []byte)()
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0"
		}
	}
	return false
}

// Build is a page's build as web/<page>/build.mjs writes it: dist/manifest.json naming
// the page's script and stylesheet, and dist/assets holding them.
type Build struct {
	Script string `json:"script"` // the page's ES module, relative to dist ("assets/main-HASH.js")
	Style  string `json:"style"`  // its stylesheet, relative to dist
	Assets *Files `json:"-"`
}

// LoadBuild reads a build from fsys (rooted above dist/); ok is false when there is
// none, or it is incomplete.
func LoadBuild(fsys fs.FS) (*Build, bool) {
	if fsys == nil {
		return nil, false
	}
	raw, err := fs.ReadFile(fsys, "dist/manifest.json")
	if err != nil {
		return nil, false
	}
	var b Build
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, false
	}
	assets, err := fs.Sub(fsys, "dist/assets")
	if err != nil {
		return nil, false
	}
	b.Assets = New(assets)
	for _, f := range []string{b.Script, b.Style} {
		name, ok := strings.CutPrefix(f, "assets/")
		if !ok || !b.Assets.Has(name) {
			return nil, false
		}
	}
	return &b, true
}

// AssetPaths returns the URLs of the build's script and stylesheet under prefix.
func (b *Build) AssetPaths(prefix string) (script, style string) {
	return path.Join(prefix, strings.TrimPrefix(b.Script, "assets/")), path.Join(prefix, strings.TrimPrefix(b.Style, "assets/"))
}

// PageHandler serves a page and its build: the build's assets under assetPrefix (404
// without a build), and page, with csp, for every other path. A page answered with a
// status other than 200 (a page that says the build is missing) is not cached; a 200
// page is revalidated (no-cache) and answers conditional requests.
func PageHandler(b *Build, assetPrefix, csp string, status int, page []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := strings.CutPrefix(r.URL.Path, assetPrefix); ok {
			if b == nil {
				http.NotFound(w, r)
				return
			}
			b.Assets.Serve(w, r, name)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", csp)
		if status != http.StatusOK {
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(status)
			_, _ = w.Write(page)
			return
		}
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(page))
	})
}
