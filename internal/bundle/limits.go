package bundle

import (
	"fmt"
	"reflect"
	"strings"

	entschema "github.com/teemaverkko/teemaverkko/ent/schema"
)

// Every string field of the format, and every list of strings, has an ent tag: the ent
// field ("Theme.slug") whose value it is or refers to, and whose length limit it shares
// (ent/schema declares the limits; Validate checks them, and the JSON Schema carries them
// as maxLength); or "-" for a field that is not text in the database (an enum, a date)
// or not stored at all.

// limitOf returns the length limit of field f of struct type t: that of the ent field
// its ent tag names, or 0 for a field without one. A tag that names no limited string
// field is a mistake in this package, and panics.
func limitOf(t reflect.Type, f reflect.StructField) int {
	tag := f.Tag.Get("ent")
	if tag == "" || tag == "-" {
		return 0
	}
	typ, name, _ := strings.Cut(tag, ".")
	max := entschema.MaxLength(typ, name)
	if max == 0 {
		panic(fmt.Sprintf("bundle: %s.%s: ent tag %q names no string field with a length limit", t.Name(), f.Name, tag))
	}
	return max
}

// jsonName is the name of a struct field in JSON.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// Limits returns the length limits of the format's string fields, in characters
// (Unicode code points): by the name of the Go type that holds the field ("Theme"), then
// by the field's JSON name ("nameEn"). A list of strings is limited element by element.
// It is what the JSON Schema's maxLength values are made from.
func Limits() map[string]map[string]int {
	out := map[string]map[string]int{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || out[t.Name()] != nil {
			return
		}
		out[t.Name()] = map[string]int{}
		for f := range t.Fields() {
			if max := limitOf(t, f); max > 0 {
				out[t.Name()][jsonName(f)] = max
			} else {
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeFor[Bundle]())
	return out
}
