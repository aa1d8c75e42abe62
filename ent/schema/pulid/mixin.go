package pulid

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// Mixin gives an ent schema a prefixed-ULID "id" field.
type Mixin struct {
	mixin.Schema
	prefix string
}

// MixinWithPrefix returns a Mixin whose IDs start with prefix (two lower-case letters).
func MixinWithPrefix(prefix string) Mixin {
	if len(prefix) != 2 {
		panic("pulid: prefix must be two letters: " + prefix)
	}
	return Mixin{prefix: prefix}
}

// Fields returns the id field.
func (m Mixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			GoType(ID("")).
			MaxLen(2 + 26).
			Immutable().
			DefaultFunc(func() ID { return MustNew(m.prefix) }).
			Comment("The global, opaque identifier of this object."),
	}
}

// Annotation records the prefix of a schema's IDs for code generation.
type Annotation struct {
	Prefix string
}

// Name implements schema.Annotation.
func (Annotation) Name() string { return "PULID" }

// Annotations returns the prefix annotation.
func (m Mixin) Annotations() []schema.Annotation {
	return []schema.Annotation{Annotation{Prefix: m.prefix}}
}
