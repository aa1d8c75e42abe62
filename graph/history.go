package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/countcache"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// revisionPage checks first and a cursor (a revision's number) of a page of revisions.
// first follows the rule of every connection, which the page limit (graph/pagelimit)
// enforces before the operation runs: 0 up to the largest page (VALIDATION beyond);
// 0 gives an empty page.
func revisionPage(first *int, cursor *string, cursorField string) (int, int64, error) {
	n := 20
	if first != nil {
		n = *first
	}
	if n < 0 {
		return 0, 0, apierr.Validationf("first", "first must not be negative, got %d", n)
	}
	var after int64
	if cursor != nil && *cursor != "" {
		v, err := strconv.ParseInt(*cursor, 10, 64)
		if err != nil || v < 1 || strconv.FormatInt(v, 10) != *cursor {
			return 0, 0, apierr.BadInputf(cursorField, "%q is not a revision cursor", *cursor)
		}
		after = v
	}
	return n, after, nil
}

// revisionConnection makes a page of the revisions read with one more than the page
// holds (which says whether more follow).
func revisionConnection(revs []*history.Revision, n int) *model.RevisionConnection {
	c := &model.RevisionConnection{PageInfo: &model.RevisionPageInfo{HasNextPage: len(revs) > n}, Edges: []*model.RevisionEdge{}}
	if len(revs) > n {
		revs = revs[:n]
	}
	for _, r := range revs {
		c.Edges = append(c.Edges, &model.RevisionEdge{Node: r, Cursor: strconv.FormatInt(r.Seq, 10)})
	}
	if len(revs) > 0 {
		end := c.Edges[len(c.Edges)-1].Cursor
		c.PageInfo.EndCursor = &end
	}
	return c
}

// revisionsOf resolves the revisions field of every Node type.
func (r *Resolver) revisionsOf(ctx context.Context, id pulid.ID, first *int, after *string) (*model.RevisionConnection, error) {
	n, before, err := revisionPage(first, after, "after")
	if err != nil {
		return nil, err
	}
	one := func() (*model.RevisionConnection, error) {
		revs, err := history.ForNode(ctx, r.clientFrom(ctx), id, before, n+1)
		if err != nil {
			return nil, err
		}
		return r.revisionPageWithStates(ctx, revs, n)
	}
	st, _ := ctx.Value(cleanupsKey{}).(*operationCleanups)
	if st == nil {
		return one()
	}
	// The revisions of the object's siblings (the list it is in) are read with its own,
	// in one statement (and their states in one more), so that a list's revisions do not
	// cost a statement per object.
	list, ids := siblings(ctx, id)
	sel := statesWanted(ctx)
	key := revisionBatchKey{list: list, before: before, first: n, states: sel}
	st.mu.Lock()
	if st.revisions == nil {
		st.revisions = map[revisionBatchKey]*revisionBatch{}
	}
	b := st.revisions[key]
	if b == nil {
		b = &revisionBatch{}
		st.revisions[key] = b
	}
	st.mu.Unlock()
	b.once.Do(func() {
		b.revs, b.err = history.ForNodes(ctx, r.clientFrom(ctx), ids, before, n+1)
		if b.err != nil {
			return
		}
		var page []*history.Revision
		for _, revs := range b.revs {
			page = append(page, revs[:min(len(revs), n)]...)
		}
		b.err = r.loadStates(ctx, page, sel)
	})
	if b.err != nil {
		return nil, b.err
	}
	if _, ok := b.revs[id]; !ok && !slices.Contains(ids, id) {
		return one()
	}
	c := revisionConnection(b.revs[id], n)
	if err := answerStates(ctx, c, sel); err != nil {
		return nil, err
	}
	return c, nil
}

// revisionPageWithStates makes a page of the revisions read (one more than n) and loads
// the states the field selects, within the operation's bounds.
func (r *Resolver) revisionPageWithStates(ctx context.Context, revs []*history.Revision, n int) (*model.RevisionConnection, error) {
	c := revisionConnection(revs, n)
	sel := statesWanted(ctx)
	if err := r.loadStates(ctx, pageOf(c), sel); err != nil {
		return nil, err
	}
	if err := answerStates(ctx, c, sel); err != nil {
		return nil, err
	}
	return c, nil
}

// pageOf returns the revisions of a connection's page.
func pageOf(c *model.RevisionConnection) []*history.Revision {
	out := make([]*history.Revision, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

type revisionBatchKey struct {
	list   any
	before int64
	first  int
	// states are the states the fields of the batch select.
	states stateSelection
}

type revisionBatch struct {
	once sync.Once
	revs map[pulid.ID][]*history.Revision
	err  error
}

// siblings returns the list the object of a revisions field is in (the field context
// that holds it; nil when it is in none) and the IDs of the objects of that list.
func siblings(ctx context.Context, self pulid.ID) (any, []pulid.ID) {
	fc := graphql.GetFieldContext(ctx)
	for p := fc.Parent; p != nil; p = p.Parent {
		v := reflect.ValueOf(p.Result)
		if v.Kind() != reflect.Slice {
			continue
		}
		ids := make([]pulid.ID, 0, v.Len())
		for i := range v.Len() {
			if id, ok := idOf(v.Index(i)); ok {
				ids = append(ids, id)
			}
		}
		return p, ids
	}
	return nil, []pulid.ID{self}
}

// idOf finds the ID of a list element: an object, or an edge with its node.
func idOf(v reflect.Value) (pulid.ID, bool) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return "", false
	}
	if f := v.FieldByName("ID"); f.IsValid() && f.Type() == reflect.TypeFor[pulid.ID]() {
		return f.Interface().(pulid.ID), true
	}
	if f := v.FieldByName("Node"); f.IsValid() {
		return idOf(f)
	}
	return "", false
}

// changeTypes checks the types of a change filter, in any case ("theme" is Theme), and
// returns their names as revisions record them: a type the feed does not know is
// refused (BAD_USER_INPUT on filter.types, naming the known types) rather than matching
// nothing.
func changeTypes(types []string) ([]string, error) {
	if n := len(history.TypeNames()); len(types) > n {
		return nil, apierr.BadInputf("filter.types", "%d types given; the knowledge base has %d", len(types), n)
	}
	out := make([]string, 0, len(types))
	for _, t := range types {
		name, ok := history.TypeName(t)
		if !ok {
			return nil, apierr.BadInputf("filter.types", "%q is not a type of the knowledge base; the types are %s",
				t, strings.Join(history.TypeNames(), ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// actorFilterRefusal refuses filter.actor to a caller who may not see actors, as the
// schema's roles refuse a field: UNAUTHENTICATED without a valid token, FORBIDDEN to a
// reader.
func actorFilterRefusal(ctx context.Context) error {
	role, valid := auth.Caller(ctx)
	switch {
	case !valid || role == auth.Anonymous:
		return &apierr.Error{Code: errcode.Unauthenticated, Field: "filter.actor",
			Message: fmt.Sprintf("filter.actor needs a bearer token with the role %s", auth.Editor)}
	case role < auth.Editor:
		return &apierr.Error{Code: errcode.Forbidden, Field: "filter.actor",
			Message: fmt.Sprintf("filter.actor needs the role %s; the token has %s", auth.Editor, role)}
	}
	return nil
}

// maxActorLength bounds filter.actor: a token's ID or a JWT subject.
const maxActorLength = 256

// checkActor refuses a filter.actor no actor can have (BAD_USER_INPUT): longer than
// maxActorLength.
func checkActor(actor string) error {
	if n := utf8.RuneCountInString(actor); n > maxActorLength {
		return apierr.BadInputf("filter.actor", "an actor is at most %d characters long, got %d", maxActorLength, n)
	}
	return nil
}

// canSeeActors reports whether the caller may see who made changes: editors and admins.
func canSeeActors(ctx context.Context) bool {
	role, valid := auth.Caller(ctx)
	return valid && role >= auth.Editor
}

// clientFrom returns the client of the mutation's transaction in ctx, or the resolver's.
func (r *Resolver) clientFrom(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.client
}

// versionExtension adds the knowledge base's version to every response of a query or
// mutation (extensions.version), so that a client can cite what it saw and poll
// changes(after:) from there. The version names exactly the data of the response:
//   - a mutation that wrote gives the version of its own change set (its transaction's
//     commit tells it, whatever other writers commit after), one that wrote nothing the
//     version after it;
//   - a query starts from the version the handler read last (known) and reads the
//     version after it runs: equal, no write committed in between, and every statement
//     of the query saw that version. When a write did
//     commit meanwhile, the query runs again (queries only read), up to
//     versionAttempts times in all; a query that still overlapped writes answers with
//     the last run's data, versionFrom and versionTo instead of version.
//
// A query's counts are looked up in the count cache (internal/countcache) under the
// version it starts from, which a write on any instance moves on.
//
// A response without data (a refused request) carries the version too, unless it was
// refused for want of a token: whoever may not read learns nothing of the knowledge base.
type versionExtension struct {
	client *ent.Client
	counts *countcache.Cache
	// known is 1 + the version this handler read last (0: none yet). A query takes it as
	// its version before, instead of reading it: the knowledge base had that version
	// when it was stored, before the query started, and versions only grow, so the
	// version read after the query equals it only when no write committed in between.
	// A stale one costs a run again, never a wrong version.
	known *atomic.Int64
	// schema, presenter and recover run a query again, as the executor runs it.
	schema    graphql.ExecutableSchema
	presenter graphql.ErrorPresenterFunc
	recover   graphql.RecoverFunc
}

// versionAttempts bounds how often a query runs to see one version.
const versionAttempts = 3

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = versionExtension{}

func (versionExtension) ExtensionName() string                   { return "Version" }
func (versionExtension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse implements graphql.ResponseInterceptor.
func (v versionExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	cleanups, _ := ctx.Value(cleanupsKey{}).(*operationCleanups)
	if cleanups == nil || !cleanups.untilWritten {
		// Over a WebSocket (or without the HTTP middleware), the operation frees what
		// it holds when its response is complete.
		cleanups = &operationCleanups{}
		defer cleanups.run()
		ctx = context.WithValue(ctx, cleanupsKey{}, cleanups)
	}
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation == ast.Subscription {
		return next(ctx)
	}
	if op.Operation == ast.Mutation {
		// A mutation's counts run in its transaction, past the cache.
		ctx, committed := history.WithCommitVersion(ctx)
		resp := next(ctx)
		if resp == nil || !v.mayRead(resp) {
			return resp
		}
		version := committed()
		if version != 0 {
			v.learn(version) // the next query starts from the newest version known
		}
		if version == 0 {
			kb, err := v.current(ctx)
			if err != nil {
				return resp // the data stands; the version is only missing
			}
			version = kb.Version
		}
		setExtension(resp, "version", version)
		return resp
	}

	before, ok := v.recalled()
	if !ok {
		kb, err := v.current(ctx)
		if err != nil {
			return next(ctx) // the data stands; the version is only missing
		}
		before = kb.Version
	}
	resp := next(v.readingAt(ctx, before))
	if resp == nil || !v.mayRead(resp) {
		return resp
	}
	for attempt := 1; ; attempt++ {
		kb, err := v.current(ctx)
		if err != nil {
			return resp
		}
		after := kb.Version
		v.remember(after)
		if after == before {
			setExtension(resp, "version", after)
			return resp
		}
		if attempt == versionAttempts || ctx.Err() != nil || v.schema == nil {
			setExtension(resp, "versionFrom", before)
			setExtension(resp, "versionTo", after)
			return resp
		}
		before = after
		cleanups.mu.Lock()
		cleanups.revisions = nil // read for the last run's version
		cleanups.stateBytes, cleanups.answeredBytes = 0, 0
		cleanups.mu.Unlock()
		resp = v.again(v.readingAt(ctx, before), resp)
	}
}

// recalled returns the version this handler read last, and whether it has read one.
func (v versionExtension) recalled() (int64, bool) {
	if v.known == nil {
		return 0, false
	}
	k := v.known.Load()
	return k - 1, k > 0
}

// remember keeps version as the one read last. It stores rather than keeps the
// largest, so that a knowledge base whose version went back (a database restored under
// a running server) costs runs again only until the next read.
func (v versionExtension) remember(version int64) {
	if v.known != nil {
		v.known.Store(version + 1)
	}
}

// learn keeps version, committed by this handler's mutation, unless a newer one is
// known already.
func (v versionExtension) learn(version int64) {
	if v.known == nil {
		return
	}
	for k := v.known.Load(); k < version+1 && !v.known.CompareAndSwap(k, version+1); k = v.known.Load() {
	}
}

// current reads the knowledge base's version, also for a response whose request's time
// is up (a TIMEOUT carries the version too): then within a second of its own.
func (v versionExtension) current(ctx context.Context) (history.KnowledgeBase, error) {
	if ctx.Err() != nil {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		ctx = c
	}
	return history.Current(ctx, v.client)
}

// readingAt returns ctx for a run of a query that reads version: caches key by it.
func (v versionExtension) readingAt(ctx context.Context, version int64) context.Context {
	ctx = network.WithVersion(ctx, version)
	if v.counts != nil {
		op := v.counts.Operation(version)
		ctx = ent.WithCountCache(ctx, v.client, op)
		ctx = context.WithValue(ctx, searchCountsKey{}, op)
	}
	return ctx
}

// searchCountsKey holds the count cache of a query's operation for search, whose count
// is no ent statement.
type searchCountsKey struct{}

// again runs the query of ctx once more, with errors of its own, and the extensions
// the first run's response had (what other extensions said of the operation).
func (v versionExtension) again(ctx context.Context, first *graphql.Response) *graphql.Response {
	rctx := graphql.WithResponseContext(ctx, v.presenter, v.recover)
	resp := v.schema.Exec(rctx)(rctx)
	if resp == nil {
		return first
	}
	resp.Errors = append(resp.Errors, graphql.GetErrors(rctx)...)
	resp.Extensions = first.Extensions
	return resp
}

// mayRead tells whether the response may carry the version: it has data, or its
// errors are not a refusal for want of a token or a role.
func (versionExtension) mayRead(resp *graphql.Response) bool {
	if len(resp.Data) > 0 && string(resp.Data) != "null" {
		return true
	}
	for _, e := range resp.Errors {
		switch e.Extensions["code"] {
		case errcode.Unauthenticated, errcode.Forbidden:
			return false
		}
	}
	return true
}

// setExtension sets a key of the response's extensions, copying them first: the map may
// be shared with the context the executor filled it from.
func setExtension(resp *graphql.Response, key string, value any) {
	ext := make(map[string]any, len(resp.Extensions)+1)
	for k, x := range resp.Extensions {
		ext[k] = x
	}
	ext[key] = value
	resp.Extensions = ext
}

// operationCleanups are what an operation frees once its response is complete (the
// as-of copies its resolvers read).
type operationCleanups struct {
	mu  sync.Mutex
	fns []func()
	// revisions are the revisions read for the lists of the operation.
	revisions map[revisionBatchKey]*revisionBatch
	// asOf is the version the operation reads (nil: the live knowledge base).
	asOf *int64
	// untilWritten: the HTTP middleware made these cleanups and runs them once the
	// response is written (holdUntilWritten).
	untilWritten bool
	// stateBytes and answeredBytes are the bytes of revision states the operation's
	// run loaded and answered (each within MaxStateBytes); statesHeld those it holds
	// against MaxStateBytesInFlight, which a run of the query again reuses.
	stateBytes, answeredBytes, statesHeld int64
}

type cleanupsKey struct{}

// run frees what the operation holds.
func (c *operationCleanups) run() {
	c.mu.Lock()
	fns := c.fns
	c.fns = nil
	c.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// holdUntilWritten keeps what an HTTP request's operation holds (its revision states'
// share of MaxStateBytesInFlight, its as-of copy) until the response is written, not
// only until it is complete: a client that does not read its response would otherwise
// keep a response of up to MaxStateBytes in memory after giving back its share, and
// thirty such clients took the server past 800 MB. A WebSocket upgrade passes through:
// each of its operations frees what it holds itself.
func holdUntilWritten(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebsocket(r) { // marked by markWebsocket, which runs before
			next.ServeHTTP(w, r)
			return
		}
		cl := &operationCleanups{untilWritten: true}
		defer cl.run()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), cleanupsKey{}, cl)))
	})
}

// asOf returns the client (and a network service over it) to read the knowledge base as
// of a version: the live one when version is nil, else the copy rebuilt from the history
// (history.AsOf). The last copy is kept for the next requests of the same version (a
// cited view is asked for again and again) and freed when another version replaces it
// and no operation reads it any more. An operation reads at most one version (the query
// limits refuse more before anything runs; this holds it for whatever they miss).
func (r *Resolver) asOf(ctx context.Context, version *int) (*ent.Client, *network.Service, error) {
	if version == nil {
		return r.client, r.networks, nil
	}
	cl, _ := ctx.Value(cleanupsKey{}).(*operationCleanups)
	if cl == nil {
		return nil, nil, errors.New("as of a version: no operation to free the copy with")
	}
	v := int64(*version)
	cl.mu.Lock()
	if cl.asOf != nil && *cl.asOf != v {
		other := *cl.asOf
		cl.mu.Unlock()
		return nil, nil, apierr.BadInputf("asOf", "an operation may read one version: it asks for %d and %d (send one request per version)", other, v)
	}
	cl.asOf = &v
	cl.mu.Unlock()
	// Checked every time: a version may have been pruned since its copy was made.
	if err := history.CheckAsOf(ctx, r.client, "asOf", v); err != nil {
		return nil, nil, err
	}
	e, err := r.pasts.acquire(ctx, r.client, v)
	if err != nil {
		return nil, nil, err
	}
	cl.mu.Lock()
	cl.fns = append(cl.fns, func() { r.pasts.release(e) })
	cl.mu.Unlock()
	return e.client, e.networks, nil
}

// MaxPastCopies is how many knowledge bases rebuilt as of a version a server holds in
// memory at once: the one kept for the requests that follow and one being built or
// still read. A rebuild waits for a copy to be freed; rebuilds run one at a time.
const MaxPastCopies = 2

// pastCache keeps the last knowledge base rebuilt as of a version, and bounds the
// rebuilds: one at a time, at most MaxPastCopies copies in memory. Requests for a version
// being rebuilt share its rebuild; a rebuild stops once no request waits for it any more
// (each waits within its own deadline).
type pastCache struct {
	mu sync.Mutex
	// last is the copy kept for the next requests.
	last *past
	// building are the copies being built (or queued to be), by version.
	building map[int64]*past
	// copies holds a token per copy in memory (built, or being built); builds one per
	// rebuild running.
	copies, builds chan struct{}
	// running and peak count the rebuilds running at once (peak: the most ever), for tests.
	running, peak int
}

func newPastCache() *pastCache {
	return &pastCache{building: map[int64]*past{}, copies: make(chan struct{}, MaxPastCopies), builds: make(chan struct{}, 1)}
}

// past is a knowledge base rebuilt as of a version, with the operations reading it.
type past struct {
	version  int64
	ready    chan struct{} // closed once built (or failed)
	cancel   context.CancelFunc
	client   *ent.Client
	networks *network.Service
	free     func()
	err      error
	refs     int
	replaced bool // no longer the cache's last: freed once its readers are done
	holds    bool // holds a token of copies
	closed   bool
}

// acquire returns the copy as of version, rebuilding it unless the last one or one being
// built is that version; it waits for the rebuild within ctx's deadline (ctx.Err then).
func (c *pastCache) acquire(ctx context.Context, live *ent.Client, version int64) (*past, error) {
	c.mu.Lock()
	p := c.building[version]
	if p == nil && c.last != nil && c.last.version == version && c.last.err == nil {
		p = c.last
	}
	if p == nil {
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		p = &past{version: version, ready: make(chan struct{}), cancel: cancel}
		c.building[version] = p
		go c.build(bctx, live, p)
	}
	p.refs++
	c.mu.Unlock()
	select {
	case <-p.ready:
	case <-ctx.Done():
		c.release(p)
		return nil, fmt.Errorf("as of version %d: %w", version, ctx.Err())
	}
	if p.err != nil {
		c.release(p)
		return nil, p.err
	}
	return p, nil
}

// build rebuilds p: it waits for a copy's room and for its turn, then rebuilds. Its
// context ends when the last request waiting for it gives up.
func (c *pastCache) build(ctx context.Context, live *ent.Client, p *past) {
	err := func() error {
		select {
		case c.copies <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		c.mu.Lock()
		p.holds = true
		c.mu.Unlock()
		select {
		case c.builds <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-c.builds }()
		c.mu.Lock()
		c.running++
		c.peak = max(c.peak, c.running)
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.running--
			c.mu.Unlock()
		}()
		var err error
		p.client, p.free, err = history.AsOf(ctx, live, "asOf", p.version)
		if err != nil {
			return err
		}
		// Nothing changes in a past version: its networks stay cached (until freed).
		p.networks = network.NewService(p.client, network.Options{Events: events.NewLocal()})
		return nil
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	p.err = err
	close(p.ready)
	if c.building[p.version] == p {
		delete(c.building, p.version)
	}
	if err == nil && !p.replaced {
		if old := c.last; old != nil && old != p {
			old.replaced = true
			if old.refs == 0 {
				c.free(old)
			}
		}
		c.last = p
	} else {
		p.replaced = true
	}
	if p.refs == 0 && p.replaced {
		c.free(p)
	}
}

// release ends a request's use of p. A copy being built that no request waits for any
// more stops; a replaced copy is freed once its last reader is done.
func (c *pastCache) release(p *past) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p.refs--
	if p.refs > 0 {
		return
	}
	select {
	case <-p.ready:
		if p.replaced {
			c.free(p)
		}
	default:
		// Nobody waits for it: stop the rebuild; a later request starts a fresh one.
		if c.building[p.version] == p {
			delete(c.building, p.version)
		}
		p.replaced = true
		p.cancel()
	}
}

// free frees p's copy and its room (with the lock held; p is built, and unread).
func (c *pastCache) free(p *past) {
	if p.closed {
		return
	}
	p.closed = true
	p.cancel()
	if p.networks != nil {
		p.networks.Close()
	}
	if p.free != nil {
		p.free()
		p.free = nil
	}
	if p.holds {
		p.holds = false
		<-c.copies
	}
}

// stats reports the copies in memory and the most rebuilds that ever ran at once.
func (c *pastCache) stats() (copies, peak int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.copies), c.peak
}

// restoreChange is the change a restore of id announces: CREATED when the object does
// not exist (it was deleted), else UPDATED. Read in the restore's transaction just
// before it; on PostgreSQL a delete that commits in between (with the restore then
// creating the object) is still announced as UPDATED, where a reader that polls changes
// sees the CREATE.
func restoreChange(ctx context.Context, tx *ent.Tx, id pulid.ID) (events.Change, error) {
	typ, ok := ent.TypeOfPrefix[id.Prefix()]
	if !ok {
		return events.Updated, nil // history.Restore refuses it
	}
	found, err := tx.Client().ExistingIDs(ctx, typ, []pulid.ID{id})
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if len(found) == 0 {
		return events.Created, nil
	}
	return events.Updated, nil
}

// publishAfterCommit publishes evs once tx has committed.
func (r *Resolver) publishAfterCommit(tx *ent.Tx, evs ...events.Event) {
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			if err := next.Commit(ctx, tx); err != nil {
				return err
			}
			_ = r.events.Publish(context.WithoutCancel(ctx), evs...)
			return nil
		})
	})
}
