// Package explorer serves the theme network explorer at /explore: a page that draws the
// theme network (Cytoscape.js), with the API's filters as controls, the whole view in
// its URL, a theme's ties with their evidence and sources on a click, search, a path
// finder and a slider over the years. It reads nothing but the public GraphQL API, as
// any client would.
//
// The page's script is built from web/explorer (npm ci && npm run build), which writes
// dist/ here; the build is committed, like the playground's (CI rebuilds it and fails
// when it differs), so every go build embeds it, and the page loads nothing but its own
// assets (under AssetPrefix), under a strict Content-Security-Policy. Should dist/ hold
// only its placeholder, the page says so and how to rebuild it.
//
// One handler serves both the page and its assets: mount Handler at "GET /explore" and
// at "GET " + AssetPrefix.
package explorer

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"sync"

	"github.com/teemaverkko/teemaverkko/internal/webasset"
)

// dist is the output of web/explorer's build (committed), and .keep.
//
//go:embed all:dist
var dist embed.FS

// Path is where the page is served.
const Path = "/explore"

// AssetPrefix is the URL path under which Handler serves the built script and
// stylesheet (their names carry a content hash).
const AssetPrefix = "/explore/assets/"

// CSP is the Content-Security-Policy of the page: only the server's own script and
// stylesheet, the API over HTTP, and no inline script (the configuration block is
// data), no inline style either. Styles set from the script go through the CSSOM, which
// style-src does not govern; Cytoscape.js draws on canvas, and would inject one
// <style> element but for the page's stylesheet link, whose id tells it the rule is there.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// BuildCommand rebuilds internal/explorer/dist from web/explorer's lock file.
const BuildCommand = "npm --prefix web/explorer ci && npm --prefix web/explorer run build"

// NotBuiltMessage is what the server should log when Embedded is false.
const NotBuiltMessage = "explorer assets not built (internal/explorer/dist holds no build): " +
	"/explore shows only how to fix it; restore the committed build (git checkout -- internal/explorer/dist) " +
	"or run: " + BuildCommand

// Embedded reports whether the binary carries the built explorer.
func Embedded() bool {
	_, ok := embeddedBuild()
	return ok
}

var embeddedBuild = sync.OnceValues(func() (*build, bool) { return loadBuild(dist) })

// build is a web/explorer build (see webasset.Build).
type build = webasset.Build

// loadBuild reads a build from fsys (rooted above dist/).
var loadBuild = webasset.LoadBuild

// config is the page's configuration, read by web/explorer/src/main.js from the
// <script type="application/json" id="explorer-config"> block.
type config struct {
	Endpoint   string `json:"endpoint"`
	ExportPath string `json:"exportPath"`
}

// Handler returns the explorer page for the API at endpoint, with download links to
// exportPath (the network export), and its assets under AssetPrefix. Register it for
// both:
//
//	ex := explorer.Handler("Teemaverkko", "/graphql", "/export/network")
//	mux.Handle("GET "+explorer.Path, ex)
//	mux.Handle("GET "+explorer.AssetPrefix, ex)
func Handler(title, endpoint, exportPath string) http.Handler {
	b, _ := embeddedBuild()
	return newHandler(title, endpoint, exportPath, b)
}

// newHandler serves the page and assets of b, or, when b is nil, a page that says the
// build is missing (with status 503).
func newHandler(title, endpoint, exportPath string, b *build) http.Handler {
	var html bytes.Buffer
	status := http.StatusOK
	if b == nil {
		status = http.StatusServiceUnavailable
		if err := notBuiltPage.Execute(&html, struct{ Title, Endpoint, Command string }{title, endpoint, BuildCommand}); err != nil {
			panic(err) // a bug in the template
		}
	} else {
		// encoding/json escapes <, > and &, so nothing can end the data block early.
		raw, err := json.Marshal(config{Endpoint: endpoint, ExportPath: exportPath})
		if err != nil {
			panic(err)
		}
		script, style := b.AssetPaths(AssetPrefix)
		if err := page.Execute(&html, struct {
			Title, Script, Style string
			Config               template.JS
		}{title, script, style, template.JS(raw)}); err != nil {
			panic(err)
		}
	}
	body := html.Bytes()
	return webasset.PageHandler(b, AssetPrefix, CSP, status, body)
}

// page is the explorer's HTML: the controls, the drawing, the details panel. The
// script fills them in; until it runs, #boot says what is happening (the note that the
// inline style reveals after eight seconds says the script did not start).
var page = template.Must(template.New("explorer").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{.Title}}: the theme network explorer</title>
  <link rel="icon" href="data:,">
  <!-- The id tells Cytoscape.js its container's rule (position: relative) is in this
       stylesheet already, so it does not inject a <style> element, which the CSP refuses. -->
  <link rel="stylesheet" id="__________cytoscape_stylesheet" href="{{.Style}}">
  <script type="module" src="{{.Script}}"></script>
</head>
<body data-state="loading">
  <header>
    <h1>{{.Title}}: the theme network</h1>
    <span id="status" role="status">Loading…</span>
    <nav><a href="/">GraphQL playground</a><a href="/schema.graphql">schema</a></nav>
  </header>
  <main>
    <aside>
      <div id="boot">
        <noscript><p><strong>The explorer needs JavaScript.</strong> The API itself answers at <code>/graphql</code>.</p></noscript>
        <p class="boot-stuck"><strong>The explorer has not started.</strong> Its script did not load or failed
          to run: the browser's console says why. The API itself answers at <code>/graphql</code>.</p>
      </div>
      <form id="filters">
        <fieldset><legend>Signals</legend>
          <label class="inline"><input type="checkbox" id="sig-OUTCOME"> outcomes</label>
          <label class="inline"><input type="checkbox" id="sig-SESSION"> sessions</label>
          <label class="inline"><input type="checkbox" id="sig-SEMINAR"> seminars</label>
          <label class="inline"><input type="checkbox" id="sig-EXPERT"> experts</label>
          <label class="inline"><input type="checkbox" id="sig-MUNICIPALITY"> municipalities</label>
          <label class="inline"><input type="checkbox" id="sig-DOCUMENT"> documents</label>
        </fieldset>
        <fieldset><legend>Edges</legend>
          <label>Minimum weight <input type="number" id="f-minWeight" min="0" step="1" value="1"></label>
          <label>At most this many drawn (the heaviest) <input type="number" id="f-maxEdges" min="1" max="20000" step="50" value="300"></label>
        </fieldset>
        <fieldset><legend>Evidence from</legend>
          <label>From <input type="date" id="f-from"></label>
          <label>To <input type="date" id="f-to"></label>
          <label>Seminars <select id="f-seminar" multiple></select></label>
          <label>Network terms <select id="f-term" multiple></select></label>
          <label>Regions <select id="f-region" multiple></select></label>
          <label>Municipalities <select id="f-municipality" multiple></select></label>
        </fieldset>
        <button type="button" id="reset">Reset the view</button>
      </form>
      <form id="search"><fieldset><legend>Search</legend>
        <input type="search" id="search-q" placeholder="e.g. digitalisaatio" aria-label="Search">
        <button type="submit">Search</button></fieldset></form>
      <div id="search-results"></div>
      <form id="path"><fieldset><legend>Path between two themes</legend>
        <label>From <input type="text" id="path-from" list="theme-names" autocomplete="off"></label>
        <label>To <input type="text" id="path-to" list="theme-names" autocomplete="off"></label>
        <datalist id="theme-names"></datalist>
        <button type="submit">Find chains</button></fieldset></form>
      <div id="path-result"></div>
      <details id="token-box"><summary>Token</summary>
        <form id="token-form"><p>If this server needs a token for reads, paste it here; it is kept for this tab only.</p>
          <input type="password" id="token" autocomplete="off" aria-label="Token"> <button type="submit">Use</button>
          <p id="token-state" class="muted"></p></form></details>
    </aside>
    <section id="graph-col">
      <div id="slider"><label for="f-year">Year</label><input type="range" id="f-year" min="0" max="0" step="1" value="0"><span id="year-label">all years</span></div>
      <div id="graph"></div>
      <div><section id="shares-box"><h2>What each signal makes of this network</h2><div id="shares"></div></section>
        <div id="drawn" data-edges="0" data-nodes="0"></div>
        <div id="exports">This view as: <a data-format="gexf" href="#">GEXF</a><a data-format="graphml" href="#">GraphML</a><a data-format="edges-csv" href="#">edges CSV</a><a data-format="nodes-csv" href="#">nodes CSV</a>
          (the drawing shows at most the heaviest edges; the files have them all)</div>
        <div id="cite"><button type="button" id="cite-btn">Cite this view</button> <span id="cite-state" class="muted"></span></div></div>
    </section>
    <section id="details-col"><div id="details"></div></section>
  </main>
  <script type="application/json" id="explorer-config">{{.Config}}</script>
</body>
</html>
`))

// notBuiltPage is served when the binary carries no build of web/explorer.
var notBuiltPage = template.Must(template.New("notbuilt").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{.Title}}: the explorer is not built</title>
  <link rel="icon" href="data:,">
</head>
<body>
  <h1>The explorer's assets are not built</h1>
  <p>This server was compiled without the explorer's bundle that is normally committed in
    <code>internal/explorer/dist</code>. Restore it (<code>git checkout -- internal/explorer/dist</code>)
    or rebuild it, then restart the server:</p>
  <pre>{{.Command}}</pre>
  <p>The API itself works: <code>POST {{.Endpoint}}</code>.</p>
</body>
</html>
`))
