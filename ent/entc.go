//go:build ignore

// This program generates the ent code and the entgql GraphQL schema. It runs from the
// module root (see generate.go), so every relative path below is relative to the root,
// and the schema path is spelled exactly as in gqlgen.yml.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"github.com/teemaverkko/teemaverkko/internal/schemadoc"
)

func main() {
	// entgql's collection template is replaced by a copy that limits nested connections
	// per parent with ent/nestedpage, and its paginate block by one that counts only
	// when asked (see the comments at the top of the copies in ent/template, and
	// docs/FORKS.md for re-applying them on an entgql upgrade).
	collection := gen.MustParse(gen.NewTemplate("gql_collection").
		Funcs(entgql.TemplateFuncs).
		ParseFiles("ent/template/gql_collection.tmpl"))
	var gqlTemplates []*gen.Template
	for _, t := range entgql.AllTemplates {
		if t == entgql.CollectionTemplate {
			t = collection
		}
		gqlTemplates = append(gqlTemplates, t)
	}
	// Loaded after entgql's pagination template, this one replaces its paginate block.
	gqlTemplates = append(gqlTemplates, gen.MustParse(gen.NewTemplate("gql_pagination_paginate").
		Funcs(entgql.TemplateFuncs).
		ParseFiles("ent/template/gql_pagination_paginate.tmpl")))
	ex, err := entgql.NewExtension(
		entgql.WithTemplates(gqlTemplates...),
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphqls"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		// Describe everything entgql leaves undescribed.
		entgql.WithSchemaHook(schemadoc.Hook),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:  "ent",
		Package: "github.com/teemaverkko/teemaverkko/ent",
		// pulid: the type of an ID's prefix; edgeref: every type's edges and field
		// validators, for internal/edit's checks of what mutations refer to.
		Templates: []*gen.Template{
			gen.MustParse(gen.NewTemplate("pulid").ParseFiles("ent/template/pulid.tmpl")),
			gen.MustParse(gen.NewTemplate("edgeref").ParseFiles("ent/template/edgeref.tmpl")),
			// countcache: the hook through which totalCount is looked up in a count cache.
			gen.MustParse(gen.NewTemplate("countcache").ParseFiles("ent/template/countcache.tmpl")),
			// keyset: cursors on orderings by an edge's field.
			gen.MustParse(gen.NewTemplate("keyset").ParseFiles("ent/template/keyset.tmpl")),
		},
		Features: []gen.Feature{
			gen.FeatureModifier,
			gen.FeatureUpsert,
			gen.FeatureExecQuery,
			gen.FeatureLock,
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
