package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// The media types of GraphQL over HTTP
// (https://graphql.github.io/graphql-over-http/draft/).
const (
	// MediaTypeGraphQLResponse is the spec's own response type: request errors are
	// answered 4xx, without a data entry.
	MediaTypeGraphQLResponse = "application/graphql-response+json"
	// MediaTypeJSON is the legacy response type: every well-formed request is answered
	// 200, request errors included.
	MediaTypeJSON = "application/json"
)

// HTTPTransport serves GraphQL over HTTP (GET and POST) as the GraphQL over HTTP
// specification asks, every MUST and every SHOULD:
//
//   - The response's media type is chosen from Accept: application/graphql-response+json
//     or application/json (the default, also for an absent Accept or */*); 406 when
//     Accept allows neither.
//   - POST takes a JSON object (Content-Type application/json, UTF-8; 415 otherwise) with
//     query (a string; it may be left out only for a persisted query), operationName (a
//     string or null), variables and extensions (objects or null). GET takes the same
//     parameters from the URL, variables and extensions as JSON. A request that is not
//     well-formed is answered 400 whatever the media type.
//   - A request error (the document does not parse or validate, the variables do not
//     coerce, operationName names no operation, a limit or a role refuses the operation)
//     has no data entry: under application/json it is answered 200, under
//     application/graphql-response+json 400 (401 UNAUTHENTICATED, 403 FORBIDDEN).
//   - Once execution has started, the answer is 200 with data (null when nothing could
//     be resolved), whatever the errors.
//   - GET executes queries only: a mutation over GET is refused with 405 and Allow: POST,
//     before anything runs. Other methods than GET and POST (OPTIONS and HEAD are the
//     Options transport's) are answered 405.
//   - operationName chooses the operation of a document with several; it is required
//     then, and one that names no operation is a request error that says so.
//
// Everything else is gqlgen's: the executor's extensions (limits, persisted queries, roles,
// transactions), the response extensions (cost) and the error presenter. What gqlgen's own
// transports still get wrong, measured: docs/FORKS.md#http-transport.
type HTTPTransport struct{}

var _ graphql.Transport = HTTPTransport{}

// Supports implements graphql.Transport: every plain HTTP request (not an upgrade).
func (HTTPTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == ""
}

// httpError is a refusal of the HTTP request itself.
type httpError struct {
	status  int
	message string
	allow   string // the Allow header of a 405
	code    string // extensions.code (the error presenter's default otherwise)
}

// Do implements graphql.Transport.
func (HTTPTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	mediaType, ok := negotiateMediaType(r.Header.Values("Accept"))
	if !ok {
		refuse(w, r, exec, MediaTypeJSON, httpError{http.StatusNotAcceptable,
			"the Accept header allows neither " + MediaTypeGraphQLResponse + " nor " + MediaTypeJSON, "", ""})
		return
	}
	start := graphql.Now()
	var (
		params *graphql.RawParams
		herr   *httpError
	)
	switch r.Method {
	case http.MethodGet:
		params, herr = getParams(r)
	case http.MethodPost:
		params, herr = postParams(r)
	default:
		herr = &httpError{http.StatusMethodNotAllowed, "GraphQL is served over GET (queries) and POST", "GET, POST, OPTIONS", ""}
	}
	if herr != nil {
		refuse(w, r, exec, mediaType, *herr)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if r.Method == http.MethodGet && opCtx != nil && opCtx.Operation != nil && opCtx.Operation.Operation == ast.Mutation {
		// Checked before the other errors, so that a mutation over GET is refused for
		// what it is, whoever sends it.
		refuse(w, r, exec, mediaType, httpError{http.StatusMethodNotAllowed, "mutations are not executed over GET: send them with POST", http.MethodPost, ""})
		return
	}
	if errs != nil {
		errs = explainOperationName(opCtx, params.OperationName, errs)
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		status := http.StatusOK
		if mediaType == MediaTypeGraphQLResponse {
			status = requestErrorStatus(resp.Errors)
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", "Bearer")
			}
		}
		writeResponse(w, status, mediaType, requestErrorResponse{Errors: resp.Errors, Extensions: resp.Extensions})
		return
	}

	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// The request's context ended before execution: the request timed out, or the
		// client has gone (then no one reads the answer).
		msg, code := "the request was cancelled before it could be executed; try again", apierr.Unavailable
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg, code = "the request took longer than the server's request timeout and was stopped before it could be executed; try again later", errcode.Timeout
		}
		writeResponse(w, http.StatusServiceUnavailable, mediaType, requestErrorResponse{Errors: gqlerror.List{{
			Message:    msg,
			Extensions: map[string]any{"code": code},
		}}})
		return
	}
	writeResponse(w, http.StatusOK, mediaType, resp)
}

// requestErrorResponse is the answer to a request error: errors, and no data entry (the
// GraphQL spec: "If an error was raised before execution begins, the data entry should
// not be present in the result").
type requestErrorResponse struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// refuse answers a request that could not be executed at all with an HTTP error status.
func refuse(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, mediaType string, e httpError) {
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	gqlErr := &gqlerror.Error{Message: e.message}
	if e.code != "" {
		gqlErr.Extensions = map[string]any{"code": e.code}
	}
	resp := exec.DispatchError(r.Context(), gqlerror.List{gqlErr})
	writeResponse(w, e.status, mediaType, requestErrorResponse{Errors: resp.Errors, Extensions: resp.Extensions})
}

func writeResponse(w http.ResponseWriter, status int, mediaType string, body any) {
	b, err := encodeResponse(body)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal error: the response could not be encoded","extensions":{"code":"` + CodeInternal + `"}}]}`)
	}
	w.Header().Set("Content-Type", mediaType+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// encodeResponse encodes a response body. A response's data, already JSON written by the
// executor, is copied as it is: json.Marshal would parse and compact it again, which was
// a tenth of the server's CPU time for a page of 50 outcomes.
func encodeResponse(body any) ([]byte, error) {
	r, ok := body.(*graphql.Response)
	if !ok || len(r.Data) == 0 || r.Label != "" || r.Path != nil || r.HasNext != nil {
		return json.Marshal(body)
	}
	var b bytes.Buffer
	b.Grow(len(r.Data) + 64)
	b.WriteByte('{')
	if len(r.Errors) > 0 {
		errs, err := json.Marshal(r.Errors)
		if err != nil {
			return nil, err
		}
		b.WriteString(`"errors":`)
		b.Write(errs)
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	b.Write(r.Data)
	if len(r.Extensions) > 0 {
		ext, err := json.Marshal(r.Extensions)
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"extensions":`)
		b.Write(ext)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// requestErrorStatus is the status of a request error under
// application/graphql-response+json: 401 or 403 when a role refused it, 400 otherwise.
func requestErrorStatus(errs gqlerror.List) int {
	for _, e := range errs {
		switch e.Extensions["code"] {
		case auth.CodeUnauthenticated:
			return http.StatusUnauthorized
		case auth.CodeForbidden:
			return http.StatusForbidden
		}
	}
	return http.StatusBadRequest
}

// explainOperationName replaces gqlgen's terse "operation X not found" by what the
// client has to fix.
func explainOperationName(opCtx *graphql.OperationContext, name string, errs gqlerror.List) gqlerror.List {
	if opCtx == nil || opCtx.Doc == nil || opCtx.Operation != nil || len(errs) != 1 {
		return errs
	}
	e := *errs[0]
	switch n := len(opCtx.Doc.Operations); {
	case name != "":
		e.Message = fmt.Sprintf("operationName %q names no operation of the document", name)
		if names := operationNames(opCtx.Doc); len(names) > 0 {
			e.Message += " (it has " + strings.Join(names, ", ") + ")"
		}
	case n > 1:
		e.Message = fmt.Sprintf("the document has %d operations: give operationName to choose one", n)
	default:
		return errs
	}
	return gqlerror.List{&e}
}

func operationNames(doc *ast.QueryDocument) []string {
	var names []string
	for _, op := range doc.Operations {
		if op.Name != "" {
			names = append(names, strconv.Quote(op.Name))
		}
	}
	return names
}

// negotiateMediaType chooses the response's media type from the Accept header (RFC 9110:
// the most specific range that matches a type gives its weight). The heavier type wins;
// between equal weights, the one named explicitly, then the one named first, then
// application/json. ok is false when Accept excludes both.
func negotiateMediaType(accept []string) (mediaType string, ok bool) {
	type match struct {
		q           float64
		specificity int // 0: no range matches, 1: */*, 2: application/*, 3: the type itself
		position    int
	}
	var ranges []string
	for _, a := range accept {
		for part := range strings.SplitSeq(a, ",") {
			if part = strings.TrimSpace(part); part != "" {
				ranges = append(ranges, part)
			}
		}
	}
	if len(ranges) == 0 {
		return MediaTypeJSON, true
	}
	matchOf := func(mt string) match {
		best := match{}
		for i, rng := range ranges {
			name, params, err := mime.ParseMediaType(rng)
			if err != nil {
				continue
			}
			spec := 0
			switch name {
			case mt:
				spec = 3
			case "application/*":
				spec = 2
			case "*/*":
				spec = 1
			}
			if spec <= best.specificity {
				continue
			}
			q := 1.0
			if s, has := params["q"]; has {
				if v, err := strconv.ParseFloat(s, 64); err == nil && v >= 0 && v <= 1 {
					q = v
				}
			}
			best = match{q: q, specificity: spec, position: i}
		}
		return best
	}
	gr, js := matchOf(MediaTypeGraphQLResponse), matchOf(MediaTypeJSON)
	if gr.q == 0 && js.q == 0 {
		return "", false
	}
	switch {
	case gr.q != js.q:
		if gr.q > js.q {
			return MediaTypeGraphQLResponse, true
		}
		return MediaTypeJSON, true
	case gr.specificity != js.specificity:
		if gr.specificity > js.specificity {
			return MediaTypeGraphQLResponse, true
		}
		return MediaTypeJSON, true
	case gr.position < js.position:
		return MediaTypeGraphQLResponse, true
	}
	return MediaTypeJSON, true
}

// postParams reads the parameters of a POST: a JSON object in UTF-8.
func postParams(r *http.Request) (*graphql.RawParams, *httpError) {
	mt, mtParams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != MediaTypeJSON {
		return nil, &httpError{status: http.StatusUnsupportedMediaType,
			message: "send the request as Content-Type: application/json (a JSON object with query, operationName, variables and extensions)"}
	}
	if cs, has := mtParams["charset"]; has && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return nil, &httpError{status: http.StatusUnsupportedMediaType, message: "the request body must be UTF-8"}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if mbe := new(http.MaxBytesError); errors.As(err, &mbe) {
			return nil, &httpError{status: http.StatusRequestEntityTooLarge, message: "request body too large", code: "REQUEST_TOO_LARGE"}
		}
		return nil, &httpError{status: http.StatusBadRequest, message: "the request body could not be read"}
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, &httpError{status: http.StatusBadRequest, message: "the request body is empty: send a JSON object with a query"}
	}
	var fields map[string]json.RawMessage
	if body[0] != '{' || json.Unmarshal(body, &fields) != nil {
		return nil, &httpError{status: http.StatusBadRequest, message: "the request body is not a JSON object"}
	}
	p := &graphql.RawParams{}
	for _, f := range []struct {
		key  string
		read func(json.RawMessage) error
	}{
		{"query", func(v json.RawMessage) error { return jsonString(v, &p.Query) }},
		{"operationName", func(v json.RawMessage) error { return jsonString(v, &p.OperationName) }},
		{"variables", func(v json.RawMessage) error { return jsonObject(v, &p.Variables) }},
		{"extensions", func(v json.RawMessage) error { return jsonObject(v, &p.Extensions) }},
	} {
		if v, has := fields[f.key]; has {
			if err := f.read(v); err != nil {
				return nil, &httpError{status: http.StatusBadRequest, message: f.key + " must be " + err.Error()}
			}
		}
	}
	return p, checkQuery(p, fields["query"] != nil && string(bytes.TrimSpace(fields["query"])) != "null")
}

// getParams reads the parameters of a GET from the URL.
func getParams(r *http.Request) (*graphql.RawParams, *httpError) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &httpError{status: http.StatusBadRequest, message: "the URL's query string is malformed"}
	}
	p := &graphql.RawParams{Query: values.Get("query"), OperationName: values.Get("operationName")}
	for _, f := range []struct {
		key string
		dst *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		if s := values.Get(f.key); s != "" {
			if err := jsonObject(json.RawMessage(s), f.dst); err != nil {
				return nil, &httpError{status: http.StatusBadRequest, message: f.key + " must be " + err.Error() + " (URL-encoded JSON)"}
			}
		}
	}
	return p, checkQuery(p, values.Has("query"))
}

// checkQuery refuses a request without a query (an empty one is a document that does not
// parse), unless it names a persisted one.
func checkQuery(p *graphql.RawParams, hasQuery bool) *httpError {
	if hasQuery {
		return nil
	}
	if _, persisted := p.Extensions["persistedQuery"]; persisted {
		return nil
	}
	return &httpError{status: http.StatusBadRequest, message: "the request has no query: send the GraphQL document as the query parameter"}
}

var errNotString = errors.New("a string or null")

// jsonString decodes a JSON string or null.
func jsonString(v json.RawMessage, dst *string) error {
	v = bytes.TrimSpace(v)
	if string(v) == "null" {
		return nil
	}
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, dst) != nil {
		return errNotString
	}
	return nil
}

var errNotObject = errors.New("a JSON object or null")

// jsonObject decodes a JSON object or null, keeping numbers exact (as gqlgen does).
func jsonObject(v json.RawMessage, dst *map[string]any) error {
	v = bytes.TrimSpace(v)
	if string(v) == "null" {
		return nil
	}
	if len(v) == 0 || v[0] != '{' {
		return errNotObject
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return errNotObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return errNotObject // something after the object
	}
	return nil
}
