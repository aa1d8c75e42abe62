// Package queryset reads the representative queries of bench/queries and runs them
// against a GraphQL endpoint: the load tool (cmd/loadtest) replays them under load, and
// graph/queryset_test.go counts their SQL statements.
//
// A query is a file NAME.graphql, with an optional NAME.json beside it:
//
//	{
//	  "description": "what the query stands for",
//	  "variables": {"region": "01"},
//	  "setup": {
//	    "query": "{ outcomes(first: 1) { edges { node { id } } } }",
//	    "bind": {"id": "outcomes.edges.0.node.id"}
//	  },
//	  "paginate": "seminars"
//	}
//
// variables are sent with every request. setup is run once, before the query: bind
// sets a variable to the value at a dotted path in the setup's data (numbers index
// lists), so that, for example, node(id:) asks for an ID that exists. paginate names the
// connection (a dotted path in the data) that a run follows to its last page: every
// run starts on the first page and sends the variable "after" set to the endCursor of
// the previous page until pageInfo.hasNextPage is false, so one run is a whole walk.
package queryset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Query is one query of the set.
type Query struct {
	// Name is the file name without .graphql.
	Name string
	// Text is the GraphQL document.
	Text string
	// Description says what the query stands for.
	Description string
	// Variables are sent with every request (after Prepare, with the bound ones).
	Variables map[string]any
	// Setup, when not nil, is run by Prepare to bind variables.
	Setup *Setup
	// Paginate is the dotted path of the connection a run follows to its last page;
	// empty for a query of one request.
	Paginate string
}

// Setup is a query run once before the query, whose results become variables.
type Setup struct {
	// Query is the GraphQL document.
	Query string `json:"query"`
	// Bind maps a variable name to a dotted path in the setup's data.
	Bind map[string]string `json:"bind"`
}

// sidecar is the JSON file beside a query.
type sidecar struct {
	Description string         `json:"description"`
	Variables   map[string]any `json:"variables"`
	Setup       *Setup         `json:"setup"`
	Paginate    string         `json:"paginate"`
}

// Load reads the queries of dir (*.graphql, each with its optional .json), ordered by
// name.
func Load(dir string) ([]*Query, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
	if err != nil {
		return nil, fmt.Errorf("queryset: list %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("queryset: no *.graphql in %s", dir)
	}
	sort.Strings(files)
	var out []*Query
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("queryset: %w", err)
		}
		q := &Query{Name: strings.TrimSuffix(filepath.Base(f), ".graphql"), Text: string(text), Variables: map[string]any{}}
		side := strings.TrimSuffix(f, ".graphql") + ".json"
		raw, err := os.ReadFile(side)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("queryset: %w", err)
		default:
			var s sidecar
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&s); err != nil {
				return nil, fmt.Errorf("queryset: %s: %w", side, err)
			}
			q.Description, q.Setup, q.Paginate = s.Description, s.Setup, s.Paginate
			maps.Copy(q.Variables, s.Variables)
		}
		out = append(out, q)
	}
	return out, nil
}

// Response is a GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Err returns an error naming the response's first error, or nil when it has none.
func (r *Response) Err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	e := r.Errors[0]
	code, _ := e.Extensions["code"].(string)
	return fmt.Errorf("%d GraphQL errors, the first: %s (%s)", len(r.Errors), e.Message, code)
}

// Poster sends one GraphQL request and decodes the response.
type Poster func(ctx context.Context, query string, vars map[string]any) (*Response, error)

// HTTPPoster posts requests to url with client. A status other than 200, or a body
// that is not a GraphQL response, is an error.
func HTTPPoster(client *http.Client, url string) Poster {
	return func(ctx context.Context, query string, vars map[string]any) (*Response, error) {
		body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("new request: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, fmt.Errorf("read response: %w", err)
		}
		var r Response
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("HTTP %d, not a GraphQL response: %.200s", res.StatusCode, raw)
		}
		if res.StatusCode != http.StatusOK {
			if e := r.Err(); e != nil {
				return &r, fmt.Errorf("HTTP %d: %w", res.StatusCode, e)
			}
			return &r, fmt.Errorf("HTTP %d", res.StatusCode)
		}
		return &r, nil
	}
}

// Prepare runs the setup query, when there is one, and binds its results to variables.
func (q *Query) Prepare(ctx context.Context, post Poster) error {
	if q.Setup == nil {
		return nil
	}
	r, err := post(ctx, q.Setup.Query, nil)
	if err != nil {
		return fmt.Errorf("%s: setup: %w", q.Name, err)
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("%s: setup: %w", q.Name, err)
	}
	var data any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		return fmt.Errorf("%s: setup: decode data: %w", q.Name, err)
	}
	for name, path := range q.Setup.Bind {
		v, err := lookup(data, path)
		if err != nil {
			return fmt.Errorf("%s: setup: bind %s: %w", q.Name, name, err)
		}
		q.Variables[name] = v
	}
	return nil
}

// lookup returns the value at a dotted path ("a.b.0.c").
func lookup(v any, path string) (any, error) {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[part]
			if !ok {
				return nil, fmt.Errorf("no %q in %s", part, path)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, fmt.Errorf("no element %q (of %d) in %s", part, len(x), path)
			}
			v = x[i]
		default:
			return nil, fmt.Errorf("%q of %s is not an object or list", part, path)
		}
	}
	if v == nil {
		return nil, fmt.Errorf("%s is null", path)
	}
	return v, nil
}

// Page sends one request of the query, with after as the "after" variable when it is
// not empty. For a paginated query it returns the endCursor and hasNextPage of the
// connection; any GraphQL error is an error.
func (q *Query) Page(ctx context.Context, post Poster, after string) (r *Response, endCursor string, hasNext bool, err error) {
	vars := q.Variables
	if after != "" {
		vars = maps.Clone(q.Variables)
		vars["after"] = after
	}
	r, err = post(ctx, q.Text, vars)
	if err != nil {
		return r, "", false, err
	}
	if err := r.Err(); err != nil {
		return r, "", false, err
	}
	if len(r.Data) == 0 || string(r.Data) == "null" {
		return r, "", false, errors.New("no data")
	}
	if q.Paginate == "" {
		return r, "", false, nil
	}
	var data any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		return r, "", false, fmt.Errorf("decode data: %w", err)
	}
	info, err := lookup(data, q.Paginate+".pageInfo")
	if err != nil {
		return r, "", false, err
	}
	m, _ := info.(map[string]any)
	hasNext, _ = m["hasNextPage"].(bool)
	endCursor, _ = m["endCursor"].(string)
	if hasNext && endCursor == "" {
		return r, "", false, errors.New("hasNextPage without an endCursor")
	}
	return r, endCursor, hasNext, nil
}

// MaxPages bounds a walk, in case a server never says the last page came.
const MaxPages = 10000

// Run runs the query once: one request, or for a paginated query the walk from the
// first page to the last. It returns the number of pages (1 for a query of one
// request). onPage, when not nil, is called after every page with its number (from 1).
func (q *Query) Run(ctx context.Context, post Poster, onPage func(page int)) (pages int, err error) {
	after := ""
	for pages < MaxPages {
		_, end, hasNext, err := q.Page(ctx, post, after)
		if err != nil {
			if q.Paginate != "" {
				return pages, fmt.Errorf("page %d: %w", pages+1, err)
			}
			return pages, err
		}
		pages++
		if onPage != nil {
			onPage(pages)
		}
		if !hasNext {
			return pages, nil
		}
		after = end
	}
	return pages, fmt.Errorf("no last page after %d pages", MaxPages)
}
