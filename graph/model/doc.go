// Package model holds the GraphQL models that are not ent types.
package model
