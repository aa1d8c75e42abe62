package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestSearchExportCursors pages through a search with the export and the API in turn:
// the export's endCursor (JSON) and X-End-Cursor (CSV) are the API's
// pageInfo.endCursor, and each takes the other's cursor as after and gives the same
// next page.
func TestSearchExportCursors(t *testing.T) {
	base, _ := startServer(t)
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, body
	}
	type page struct {
		ids       []string
		endCursor string
	}
	api := func(after string) page {
		t.Helper()
		args := `query: "strategia", first: 3`
		if after != "" {
			args += `, after: "` + after + `"`
		}
		res, body := get("/graphql?query=" + url.QueryEscape(`{ search(`+args+`) { pageInfo { hasNextPage endCursor } edges { node { node { id } } } } }`))
		var out struct {
			Data struct {
				Search struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct {
						Node struct{ Node struct{ ID string } }
					}
				}
			}
			Errors []any
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || len(out.Errors) > 0 || !out.Data.Search.PageInfo.HasNextPage {
			t.Fatalf("API search after %q: %d %.300s", after, res.StatusCode, body)
		}
		p := page{endCursor: out.Data.Search.PageInfo.EndCursor}
		for _, e := range out.Data.Search.Edges {
			p.ids = append(p.ids, e.Node.Node.ID)
		}
		return p
	}
	export := func(after string) page {
		t.Helper()
		q := url.Values{"q": {"strategia"}, "first": {"3"}}
		if after != "" {
			q.Set("after", after)
		}
		res, body := get("/export/search?" + q.Encode())
		var out struct {
			EndCursor string
			Hits      []struct{ ID string }
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil {
			t.Fatalf("export after %q: %d %.300s", after, res.StatusCode, body)
		}
		p := page{endCursor: out.EndCursor}
		for _, h := range out.Hits {
			p.ids = append(p.ids, h.ID)
		}
		q.Set("format", "csv")
		if res, _ := get("/export/search?" + q.Encode()); res.Header.Get("X-End-Cursor") != p.endCursor {
			t.Errorf("CSV X-End-Cursor %q, JSON endCursor %q", res.Header.Get("X-End-Cursor"), p.endCursor)
		}
		return p
	}
	a1, e1 := api(""), export("")
	if !slices.Equal(a1.ids, e1.ids) || a1.endCursor == "" || a1.endCursor != e1.endCursor {
		t.Fatalf("first page: API %v %q, export %v %q", a1.ids, a1.endCursor, e1.ids, e1.endCursor)
	}
	// The API's cursor to the export, the export's to the API.
	e2, a2 := export(a1.endCursor), api(e1.endCursor)
	if len(e2.ids) == 0 || !slices.Equal(a2.ids, e2.ids) || a2.endCursor != e2.endCursor || slices.Contains(e2.ids, e1.ids[0]) {
		t.Fatalf("second page: API %v %q, export %v %q", a2.ids, a2.endCursor, e2.ids, e2.endCursor)
	}
	for _, bad := range []string{"not-a-cursor", "strategia"} {
		res, body := get("/export/search?q=strategia&after=" + url.QueryEscape(bad))
		if res.StatusCode != http.StatusBadRequest || errorCode(string(body)) != "BAD_USER_INPUT" {
			t.Errorf("after=%s: %d %s, want 400 BAD_USER_INPUT", bad, res.StatusCode, body)
		}
	}
}
