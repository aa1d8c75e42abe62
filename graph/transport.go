package graph

import (
	"context"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

type websocketKey struct{}

// isWebsocket reports whether a request asks to upgrade to a WebSocket (markWebsocket
// has seen it).
func isWebsocket(r *http.Request) bool { return r.Context().Value(websocketKey{}) != nil }

// markWebsocket records in the context whether a request asks to upgrade to a WebSocket.
func markWebsocket(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			r = r.WithContext(context.WithValue(r.Context(), websocketKey{}, true))
		}
		next.ServeHTTP(w, r)
	})
}

// subscriptionsOverWebsocket refuses subscriptions sent over plain HTTP, where a stream
// cannot be delivered (the request would only hang).
type subscriptionsOverWebsocket struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = subscriptionsOverWebsocket{}

func (subscriptionsOverWebsocket) ExtensionName() string                   { return "SubscriptionsOverWebsocket" }
func (subscriptionsOverWebsocket) Validate(graphql.ExecutableSchema) error { return nil }

func (subscriptionsOverWebsocket) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil || rc.Operation.Operation != ast.Subscription || ctx.Value(websocketKey{}) != nil {
		return nil
	}
	err := gqlerror.Errorf("subscriptions are served over WebSocket (graphql-transport-ws) at this endpoint, not over plain HTTP")
	err.Extensions = map[string]any{"code": CodeBadInput}
	return err
}
