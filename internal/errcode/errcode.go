// Package errcode owns every value of extensions.code the API answers with: they are the
// public contract of its errors, so they are defined here once, each with what it means and
// what a client should do. Every other package refers to these
// constants; the README's table of codes is generated from All (a test fails when the
// two differ).
//
// The package imports nothing, so that every layer may use it.
package errcode

// The codes, in the order of the README's table.
const (
	// Client errors in what was asked.
	BadInput   = "BAD_USER_INPUT"
	Validation = "VALIDATION"
	NotFound   = "NOT_FOUND"
	Conflict   = "CONFLICT"
	// Documents gqlgen could not parse or validate.
	ParseFailed      = "GRAPHQL_PARSE_FAILED"
	ValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	// Who may call what.
	Unauthenticated = "UNAUTHENTICATED"
	Forbidden       = "FORBIDDEN"
	// Operation and input limits, refused before any database work.
	QueryTooLarge         = "QUERY_TOO_LARGE"
	QueryTooDeep          = "QUERY_TOO_DEEP"
	TooManyAliases        = "TOO_MANY_ALIASES"
	TooManyDirectives     = "TOO_MANY_DIRECTIVES"
	QueryTooCostly        = "QUERY_TOO_COSTLY"
	InputTooDeep          = "INPUT_TOO_DEEP"
	InputTooLarge         = "INPUT_TOO_LARGE"
	RequestTooLarge       = "REQUEST_TOO_LARGE"
	IntrospectionDisabled = "INTROSPECTION_DISABLED"
	PersistedNotAllowed   = "PERSISTED_QUERY_NOT_ALLOWED"
	PersistedNotFound     = "PERSISTED_QUERY_NOT_FOUND"
	// How much a client may hold or send.
	RateLimited          = "RATE_LIMITED"
	TooManyConnections   = "TOO_MANY_CONNECTIONS"
	TooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"
	// The server's side.
	Timeout     = "TIMEOUT"
	Cancelled   = "CANCELLED"
	Unavailable = "UNAVAILABLE"
	Internal    = "INTERNAL"
)

// Info describes a code for the README's table.
type Info struct {
	// Code is the value of extensions.code.
	Code string
	// Meaning says when it is answered and what the client should do.
	Meaning string
}

// All are the codes, each with its meaning.
var All = []Info{
	{BadInput, "an argument the client can fix: a cursor that does not decode, an empty `where`, a search query that is too long; `extensions.field` names it when one argument is at fault"},
	{Validation, "an input value breaks a rule (too long, out of range, wrong kind of ID, an outcome without sources, a page above the maximum); `extensions.field` names the field"},
	{NotFound, "an ID names nothing; `extensions.field` names the argument"},
	{Conflict, "the change conflicts with existing data (a unique key taken, a deletion of something still referred to); `extensions.field` names the field when one is at fault"},
	{ParseFailed, "the document is not GraphQL, or has more tokens than the limit"},
	{ValidationFailed, "the document does not fit the schema (an unknown field or argument, a wrong type)"},
	{Unauthenticated, "the field needs a role and the request carries no token, or one that is not valid; `extensions.field` names the field"},
	{Forbidden, "the token's role is too weak for the field; `extensions.field` names the field"},
	{QueryTooLarge, "the query text is longer than the limit (checked before parsing)"},
	{QueryTooDeep, "the selections nest deeper than the limit"},
	{TooManyAliases, "more aliased fields than the limit"},
	{TooManyDirectives, "more directives than the limit"},
	{QueryTooCostly, "the operation may return more objects than the limit (ask for smaller pages or fewer IDs)"},
	{InputTooDeep, "an argument's input objects and lists nest deeper than the limit (for example `where` filters through edges)"},
	{InputTooLarge, "an argument holds more values than the limit (filter predicates, list items), or a list is longer than the page maximum"},
	{RequestTooLarge, "the request body is larger than the limit"},
	{IntrospectionDisabled, "introspection (`__schema`, `__type`) asked of a server in production mode"},
	{PersistedNotFound, "a query sent by its hash alone that the server does not know (automatic persisted queries): send it once with its text"},
	{PersistedNotAllowed, "the server runs only registered queries (allow-list mode) and this one is not"},
	{RateLimited, "the client sent more than its rate; `extensions.retryAfter` (and the Retry-After header) say when to try again"},
	{TooManyConnections, "at the WebSocket upgrade: the client (HTTP 429) or the server (HTTP 503) holds as many WebSocket connections as allowed"},
	{TooManySubscriptions, "the connection, or the server, holds as many subscriptions as allowed"},
	{Timeout, "the request ran longer than the server's request timeout and was stopped (nothing of a mutation is written): ask for less (smaller pages, fewer fields, shallower nesting) or try again later"},
	{Cancelled, "the client went away (closed the connection, cancelled the request) before the answer was ready: nothing of a mutation is written, and no one reads the answer; logged at info level, not as an error"},
	{Unavailable, "the database is out of reach (or the server is starting); try again shortly"},
	{Internal, "anything else: the details are logged with `extensions.requestId`, never shown"},
}
