package graph

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/countcache"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// maxRevisionPage bounds a page of revisions.
const maxRevisionPage = 1000

// revisionPage checks first and a cursor (a revision's number) of a page of revisions.
func revisionPage(first *int, cursor *string, cursorField string) (int, int64, error) {
	n := 20
	if first != nil {
		n = *first
	}
	if n < 1 || n > maxRevisionPage {
		return 0, 0, apierr.BadInputf("first", "first must be between 1 and %d", maxRevisionPage)
	}
	var after int64
	if cursor != nil && *cursor != "" {
		v, err := strconv.ParseInt(*cursor, 10, 64)
		if err != nil || v < 1 {
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
	st, _ := ctx.Value(cleanupsKey{}).(*operationCleanups)
	if st == nil {
		revs, err := history.ForNode(ctx, r.clientFrom(ctx), id, before, n+1)
		if err != nil {
			return nil, err
		}
		return revisionConnection(revs, n), nil
	}
	// The revisions of the object's siblings (the list it is in) are read with its own,
	// in one statement, so that a list's revisions do not cost a statement per object.
	list, ids := siblings(ctx, id)
	key := revisionBatchKey{list: list, before: before, first: n}
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
	})
	if b.err != nil {
		return nil, b.err
	}
	if _, ok := b.revs[id]; !ok && !slices.Contains(ids, id) {
		revs, err := history.ForNode(ctx, r.clientFrom(ctx), id, before, n+1)
		if err != nil {
			return nil, err
		}
		return revisionConnection(revs, n), nil
	}
	return revisionConnection(b.revs[id], n), nil
}

type revisionBatchKey struct {
	list   any
	before int64
	first  int
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

// canSeeActors reports whether the caller may see who made changes: editors and admins.
func canSeeActors(ctx context.Context) bool {
	role, valid := auth.Caller(ctx)
	return valid && role >= auth.Editor
}

// stateJSON is a revision state as the API shows it.
func stateJSON(s *history.State) (*string, error) {
	if s == nil {
		return nil, nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	out := string(b)
	return &out, nil
}

// clientFrom returns the client of the mutation's transaction in ctx, or the resolver's.
func (r *Resolver) clientFrom(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.client
}

// versionExtension adds the knowledge base's version to every response of a query or
// mutation (extensions.version), read after a mutation's commit, so that a client can
// cite what it saw and poll changes(after:) from there.
//
// A query reads the version at most once: before its first totalCount, which the count
// cache (internal/countcache) looks up under that version, or else at its end. Read
// before the count, the version is one the data read after it is at least as new as, so
// polling changes(after:) from it misses nothing.
type versionExtension struct {
	client *ent.Client
	counts *countcache.Cache
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = versionExtension{}

func (versionExtension) ExtensionName() string                   { return "Version" }
func (versionExtension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse implements graphql.ResponseInterceptor.
func (v versionExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	cleanups := &operationCleanups{}
	ctx = context.WithValue(ctx, cleanupsKey{}, cleanups)
	// Only queries use the count cache: a mutation's counts run in its transaction, and
	// its version is read after the commit.
	var counts *countcache.Operation
	if v.counts != nil && graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Query {
			counts = v.counts.Operation(func(ctx context.Context) (int64, error) {
				kb, err := history.Current(ctx, v.client)
				if err != nil {
					return 0, err
				}
				return kb.Version, nil
			})
			ctx = ent.WithCountCache(ctx, v.client, counts)
		}
	}
	resp := next(ctx)
	if resp == nil || len(resp.Data) == 0 || !graphql.HasOperationContext(ctx) {
		for _, f := range cleanups.fns {
			f()
		}
		return resp
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation == ast.Subscription {
		for _, f := range cleanups.fns {
			f()
		}
		return resp
	}
	version, known := int64(0), false
	if counts != nil {
		version, known = counts.Known()
	}
	if !known {
		kb, err := history.Current(ctx, v.client)
		if err == nil {
			version, known = kb.Version, true
		}
	}
	for _, f := range cleanups.fns {
		f()
	}
	if !known {
		return resp // the data stands; the version is only missing
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["version"] = version
	return resp
}

// operationCleanups are what an operation frees once its response is complete (the
// as-of copies its resolvers read).
type operationCleanups struct {
	mu  sync.Mutex
	fns []func()
	// revisions are the revisions read for the lists of the operation.
	revisions map[revisionBatchKey]*revisionBatch
}

type cleanupsKey struct{}

// asOf returns the client (and a network service over it) to read the knowledge base as
// of a version: the live one when version is nil, else the copy rebuilt from the history
// (history.AsOf). The last copy is kept for the next requests of the same version (a
// cited view is asked for again and again) and freed when another version replaces it
// and no operation reads it any more.
func (r *Resolver) asOf(ctx context.Context, version *int) (*ent.Client, *network.Service, error) {
	if version == nil {
		return r.client, r.networks, nil
	}
	cl, _ := ctx.Value(cleanupsKey{}).(*operationCleanups)
	if cl == nil {
		return nil, nil, errors.New("as of a version: no operation to free the copy with")
	}
	// Checked every time: a version may have been pruned since its copy was made.
	if err := history.CheckVersion(ctx, r.client, "asOf", int64(*version)); err != nil {
		return nil, nil, err
	}
	e, err := r.pasts.acquire(ctx, r.client, int64(*version))
	if err != nil {
		return nil, nil, err
	}
	cl.mu.Lock()
	cl.fns = append(cl.fns, func() { r.pasts.release(e) })
	cl.mu.Unlock()
	return e.client, e.networks, nil
}

// pastCache keeps the last knowledge base rebuilt as of a version.
type pastCache struct {
	mu   sync.Mutex
	last *past
}

// past is a knowledge base rebuilt as of a version, with the operations reading it.
type past struct {
	version  int64
	ready    chan struct{}
	client   *ent.Client
	networks *network.Service
	free     func()
	err      error
	refs     int
	replaced bool
}

func (c *pastCache) acquire(ctx context.Context, live *ent.Client, version int64) (*past, error) {
	c.mu.Lock()
	p := c.last
	if p == nil || p.version != version {
		old := p
		p = &past{version: version, ready: make(chan struct{})}
		c.last = p
		if old != nil {
			old.replaced = true
			if old.refs == 0 {
				old.close()
			}
		}
		p.refs++
		c.mu.Unlock()
		// Built for every request that waits for it, whichever asked first.
		p.client, p.free, p.err = history.AsOf(context.WithoutCancel(ctx), live, "asOf", version)
		if p.err == nil {
			// Nothing changes in a past version: its networks stay cached (until replaced).
			p.networks = network.NewService(p.client, network.Options{Events: events.NewLocal()})
		}
		close(p.ready)
	} else {
		p.refs++
		c.mu.Unlock()
	}
	select {
	case <-p.ready:
	case <-ctx.Done():
		c.release(p)
		return nil, ctx.Err()
	}
	if p.err != nil {
		c.mu.Lock()
		if c.last == p {
			c.last = nil // the next request tries again
		}
		c.mu.Unlock()
		c.release(p)
		return nil, p.err
	}
	return p, nil
}

func (c *pastCache) release(p *past) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p.refs--
	if p.refs == 0 && (p.replaced || c.last != p) {
		p.close()
	}
}

// close frees the copy (with the lock held, once its last reader is done).
func (p *past) close() {
	select {
	case <-p.ready:
	default:
		return // still building: the builder's request holds a reference
	}
	if p.networks != nil {
		p.networks.Close()
	}
	if p.free != nil {
		p.free()
		p.free = nil
	}
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
