// Package playground serves GraphiQL, pointed at the API and opening with the example
// queries of docs/queries as tabs.
//
// GraphiQL is built from the npm graphiql package by web/playground (npm ci && npm run
// build), which writes dist/ here. That build is committed, like the code ent and gqlgen
// generate (CI rebuilds it and fails when it differs), so every go build embeds it: the
// page loads nothing but its own assets (under AssetPrefix), is served with a strict
// Content-Security-Policy, and works offline, subscriptions included. Should dist/ hold
// only its placeholder (deleted, or a build that failed half-way), the page says so and
// how to rebuild it; Embedded reports which of the two the binary serves.
//
// One handler serves both the page and its assets: mount Handler at "GET /{$}" and at
// "GET " + AssetPrefix.
package playground

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"sync"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/internal/webasset"
)

// dist is the output of web/playground's build (committed), and .keep (hence all:, which
// embeds dot files, so that the pattern matches something even without the build).
//
//go:embed all:dist
var dist embed.FS

// AssetPrefix is the URL path under which Handler serves the built assets (scripts,
// styles, fonts and web workers, every name carrying a content hash).
const AssetPrefix = "/playground/assets/"

// CSP is the Content-Security-Policy of the embedded page: only the server's own
// scripts, styles, fonts and workers (Monaco's language workers are same-origin
// scripts), inline styles (the editor positions its widgets with them), and the API over
// HTTP and WebSocket. Its JSON configuration block is data, not script. The page without
// a build (which has no script at all) is served under it too.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self' ws: wss:; font-src 'self' data:; " +
	"worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// BuildCommand rebuilds internal/playground/dist from web/playground's lock file.
const BuildCommand = "npm --prefix web/playground ci && npm --prefix web/playground run build"

// NotBuiltMessage is what the server should log when Embedded is false.
const NotBuiltMessage = "playground assets not built (internal/playground/dist holds no build): " +
	"/ shows only how to fix it; restore the committed build (git checkout -- internal/playground/dist) " +
	"or run: " + BuildCommand

// Embedded reports whether the binary carries the built GraphiQL assets (and so serves
// GraphiQL offline, under CSP) rather than the page that says they are missing.
func Embedded() bool {
	_, ok := embeddedBuild()
	return ok
}

var embeddedBuild = sync.OnceValues(func() (*build, bool) { return loadBuild(dist) })

// build is a web/playground build (see webasset.Build).
type build = webasset.Build

// loadBuild reads a build from fsys (rooted above dist/).
var loadBuild = webasset.LoadBuild

// Tab is one example query tab.
type Tab struct {
	Query string `json:"query"`
}

// config is the page's configuration, read by web/playground/src/main.jsx from the
// <script type="application/json" id="teemaverkko-config"> block.
type config struct {
	Endpoint string `json:"endpoint"`
	Tabs     []Tab  `json:"tabs"`
}

// Handler returns the GraphiQL page for the API at endpoint (a URL path, resolved
// against the page's URL) and, when the assets are embedded, the assets under
// AssetPrefix. Register it for both:
//
//	pg := playground.Handler("Teemaverkko", "/graphql")
//	mux.Handle("GET /{$}", pg)
//	mux.Handle("GET "+playground.AssetPrefix, pg)
func Handler(title, endpoint string) http.Handler {
	b, _ := embeddedBuild()
	return newHandler(title, endpoint, b)
}

// newHandler serves the embedded page and assets of b, or, when b is nil, a page that
// says the build is missing (with status 503, so that no check mistakes it for GraphiQL).
func newHandler(title, endpoint string, b *build) http.Handler {
	cfg := config{Endpoint: endpoint, Tabs: []Tab{}}
	for _, q := range docs.Queries() {
		cfg.Tabs = append(cfg.Tabs, Tab{Query: q.Text})
	}
	var html bytes.Buffer
	status := http.StatusOK
	if b == nil {
		status = http.StatusServiceUnavailable
		if err := notBuiltPage.Execute(&html, struct{ Title, Endpoint, Command string }{title, endpoint, BuildCommand}); err != nil {
			panic(err) // a bug in the template
		}
	} else {
		// encoding/json escapes <, > and & (and U+2028/9), so no query text can end the
		// data block early ("</script>") or open a comment in it.
		raw, err := json.Marshal(cfg)
		if err != nil {
			panic(err)
		}
		script, style := b.AssetPaths(AssetPrefix)
		if err := embeddedPage.Execute(&html, struct {
			Title, Script, Style string
			Config               template.JS
		}{title, script, style, template.JS(raw)}); err != nil {
			panic(err)
		}
	}
	page := html.Bytes()

	return webasset.PageHandler(b, AssetPrefix, CSP, status, page)
}

// embeddedPage is the page of the embedded build: same-origin assets only, and the
// configuration as a JSON data block (not executed, so script-src 'self' allows it).
//
// Until the module script replaces it, #graphiql says what is happening: with scripts
// off, the <noscript> note; when the script fails to load or to start (a wrong asset,
// a browser too old for ES2022 modules), the note that the inline style reveals after
// eight seconds, instead of "Loading…" for ever. main.jsx writes its own errors there.
var embeddedPage = template.Must(template.New("embedded").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{.Title}}</title>
  <link rel="icon" href="data:,">
  <style>
    .teemaverkko-boot { font: 16px/1.5 system-ui, sans-serif; max-width: 44em; margin: 2em auto; padding: 0 1em; }
    .teemaverkko-stuck { visibility: hidden; animation: teemaverkko-show 0s 8s forwards; }
    @keyframes teemaverkko-show { to { visibility: visible; } }
    .teemaverkko-explore { position: fixed; right: 12px; bottom: 8px; z-index: 10; font: 13px system-ui, sans-serif;
      padding: 3px 8px; border-radius: 4px; background: rgba(255,255,255,0.9); border: 1px solid #ccc; }
  </style>
  <link rel="stylesheet" href="{{.Style}}">
  <script type="module" src="{{.Script}}"></script>
</head>
<body>
  <div id="graphiql">
    <div class="teemaverkko-boot">
      <p>Loading GraphiQL…</p>
      <noscript><p><strong>The playground needs JavaScript.</strong> The API itself answers at
        <code>/graphql</code> (POST JSON, or GET with <code>?query=</code>); its schema is at
        <a href="/schema.graphql">/schema.graphql</a>.</p></noscript>
      <p class="teemaverkko-stuck"><strong>GraphiQL has not started.</strong> Its script
        (<code>{{.Script}}</code>) did not load or failed to run: the browser's console says
        why. The API itself answers at <code>/graphql</code>; its schema is at
        <a href="/schema.graphql">/schema.graphql</a>.</p>
    </div>
  </div>
  <a class="teemaverkko-explore" href="/explore">The theme network, drawn: /explore</a>
  <script type="application/json" id="teemaverkko-config">{{.Config}}</script>
</body>
</html>
`))

// notBuiltPage is served when the binary carries no build of web/playground (its dist/
// was deleted, or a build failed half-way): no GraphiQL from elsewhere, which would not
// work offline or under the CSP, but a page that says what is wrong and how to fix it.
var notBuiltPage = template.Must(template.New("notbuilt").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{.Title}}: the playground is not built</title>
  <link rel="icon" href="data:,">
  <style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 44em; margin: 2em auto; padding: 0 1em; }</style>
</head>
<body>
  <h1>The playground's assets are not built</h1>
  <p>This server was compiled without the GraphiQL bundle that is normally committed in
    <code>internal/playground/dist</code>. Restore it (<code>git checkout -- internal/playground/dist</code>)
    or rebuild it, then restart the server:</p>
  <pre>{{.Command}}</pre>
  <p>The API itself works: <code>POST {{.Endpoint}}</code> with a JSON body, or
    <code>GET {{.Endpoint}}?query=…</code>; the schema is at <a href="/schema.graphql">/schema.graphql</a>.</p>
</body>
</html>
`))
