// Package persisted holds the registered (persisted) queries of the API and enforces the
// allow-list mode, in which the server executes only registered queries. A client may
// send a registered query by its SHA-256 hash alone (the automatic-persisted-queries
// extension's format: extensions.persistedQuery.sha256Hash), or in full.
package persisted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// CodeNotAllowed is the extensions.code of a query refused in allow-list mode.
const CodeNotAllowed = errcode.PersistedNotAllowed

// Registry maps SHA-256 hashes (hex) to query texts.
type Registry struct {
	byHash map[string]string
}

// Hash returns the hex SHA-256 of a query text.
func Hash(query string) string {
	h := sha256.Sum256([]byte(query))
	return hex.EncodeToString(h[:])
}

// NewRegistry registers the given query texts.
func NewRegistry(queries ...string) *Registry {
	r := &Registry{byHash: map[string]string{}}
	for _, q := range queries {
		r.byHash[Hash(q)] = q
	}
	return r
}

// LoadDir registers every *.graphql file of a directory.
func (r *Registry) LoadDir(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read persisted query: %w", err)
		}
		r.byHash[Hash(string(b))] = string(b)
	}
	return nil
}

// Len is the number of registered queries.
func (r *Registry) Len() int { return len(r.byHash) }

// Lookup returns the query registered under a hash.
func (r *Registry) Lookup(hash string) (string, bool) {
	q, ok := r.byHash[hash]
	return q, ok
}

// Extension serves registered queries by hash and, with AllowListOnly, refuses every
// query that is not registered, before it is parsed.
type Extension struct {
	Registry      *Registry
	AllowListOnly bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = Extension{}

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "PersistedQueries" }

// Validate implements graphql.HandlerExtension.
func (e Extension) Validate(graphql.ExecutableSchema) error {
	if e.Registry == nil {
		return fmt.Errorf("persisted queries: no registry")
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (e Extension) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash := ""
	if pq, ok := p.Extensions["persistedQuery"].(map[string]any); ok {
		hash, _ = pq["sha256Hash"].(string)
	}
	if p.Query == "" && hash != "" {
		if q, ok := e.Registry.Lookup(hash); ok {
			p.Query = q
		}
	}
	if !e.AllowListOnly {
		return nil
	}
	if p.Query == "" {
		return nil // the persisted-query extension answers PERSISTED_QUERY_NOT_FOUND
	}
	if _, ok := e.Registry.Lookup(Hash(p.Query)); !ok {
		err := gqlerror.Errorf("this server executes only registered queries")
		err.Extensions = map[string]any{"code": CodeNotAllowed}
		return err
	}
	return nil
}
