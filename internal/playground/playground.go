// Package playground serves GraphiQL, pointed at the API and opening with the example
// queries of docs/queries as tabs.
package playground

import (
	"html/template"
	"net/http"

	"github.com/teemaverkko/teemaverkko/docs"
)

// The GraphiQL and React builds (with their subresource-integrity hashes) that gqlgen's
// own playground uses.
var page = template.Must(template.New("graphiql").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{.Title}}</title>
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
  <script src="https://cdn.jsdelivr.net/npm/react@18.2.0/umd/react.production.min.js"
    integrity="sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=" crossorigin="anonymous"></script>
  <script src="https://cdn.jsdelivr.net/npm/react-dom@18.2.0/umd/react-dom.production.min.js"
    integrity="sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=" crossorigin="anonymous"></script>
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/graphiql@4.1.2/graphiql.min.css"
    integrity="sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=" crossorigin="anonymous">
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="https://cdn.jsdelivr.net/npm/graphiql@4.1.2/graphiql.min.js"
    integrity="sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=" crossorigin="anonymous"></script>
  <script>
    const endpoint = new URL({{.Endpoint}}, location.href).toString();
    const fetcher = GraphiQL.createFetcher({ url: endpoint });
    const tabs = {{.Tabs}};
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: tabs,
        defaultQuery: tabs.length ? tabs[0].query : undefined,
        defaultEditorToolsVisibility: true,
      }),
    );
  </script>
</body>
</html>
`))

// Tab is one example query tab.
type Tab struct {
	Query string `json:"query"`
}

// Handler returns the GraphiQL page for the API at endpoint.
func Handler(title, endpoint string) http.Handler {
	data := struct {
		Title, Endpoint string
		Tabs            []Tab
	}{Title: title, Endpoint: endpoint}
	for _, q := range docs.Queries() {
		data.Tabs = append(data.Tabs, Tab{Query: q.Text})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, data)
	})
}
