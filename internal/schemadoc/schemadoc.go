// Package schemadoc completes the descriptions of the GraphQL schema that entgql
// generates: entity types (from their ent schema comments), edges (from their ent edge
// comments), enum values, where-input predicates and mutation-input fields. It runs as an
// entgql schema hook, so that every type, field, argument and enum value of the API is
// described for playground users and client generators.
package schemadoc

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"entgo.io/ent/entc/gen"
	entschema "entgo.io/ent/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// EnumValues describes the values of the domain's enums.
var EnumValues = map[string]map[string]string{
	"DatePrecision": {
		"DAY":   "The date is known to the day.",
		"MONTH": "Only the month is known; the date is the month's first day.",
		"YEAR":  "Only the year is known; the date is the year's first day.",
	},
	"SessionKind": {
		"OPENING":      "The opening of the seminar.",
		"PRESENTATION": "A talk or presentation.",
		"KEYNOTE":      "A keynote talk.",
		"PANEL":        "A panel discussion.",
		"WORKSHOP":     "Group work or a workshop.",
		"REVIEW":       "A review of results, such as the findings of group work.",
		"CLOSING":      "The closing of the seminar.",
	},
	"OutcomeKind": {
		"INSIGHT":             "A statement or finding made at the seminar.",
		"ONGOING_DEVELOPMENT": "Development work already under way in municipalities.",
		"SUPPORT_NEED":        "Support that municipalities say they need.",
		"NETWORK_ROLE":        "How the network could be useful.",
		"RECOMMENDATION":      "A recommendation.",
	},
	"OrganizationKind": {
		"ASSOCIATION":  "An association, such as the Association of Finnish Municipalities.",
		"CONSULTANCY":  "A consulting company.",
		"UNIVERSITY":   "A university or research institute.",
		"MUNICIPALITY": "A municipality or city as an organisation.",
		"GOVERNMENT":   "A government authority or public fund.",
		"OTHER":        "Any other organisation, such as a newspaper.",
	},
	"DocumentKind": {
		"NEWS_ARTICLE":    "A news article.",
		"RESEARCH_REPORT": "A research or evaluation report.",
		"PRESENTATION":    "Slides or a recorded presentation.",
		"MEMO":            "Minutes or a memo.",
		"WEB_PAGE":        "A web page.",
		"OTHER":           "Any other document, such as a blog post.",
	},
	"AppearanceRole": {
		"SPEAKER":       "The person spoke in the session.",
		"MODERATOR":     "The person moderated or led the session.",
		"AUTHOR":        "The person authored the document.",
		"WORKING_GROUP": "The document names the person as a member of its working group.",
		"ANALYSIS_LEAD": "The document names the person as having led its analysis.",
		"CONTACT":       "The document names the person as a contact person.",
		"PREPARER":      "The person prepared and presented the document (a decision item).",
		"PICTURED":      "The document names the person in a photo caption.",
		"MENTIONED":     "The document names or quotes the person in its text.",
	},
	"TermMembershipStatus": {
		"MEMBER":     "The document names the municipality as a member of (participant in) the term.",
		"REGISTERED": "The document says the municipality had registered for the term; that it joined is not stated.",
		"PILOT":      "The document names the municipality as a pilot municipality of the term.",
	},
	"OrderDirection": {
		"ASC":  "Ascending order.",
		"DESC": "Descending order.",
	},
}

// Types describes the types that are not entities and that entgql leaves undescribed.
var Types = map[string]string{
	"Query":          "The root of every read: each type of the knowledge base as a Relay connection, and any object by its global ID.",
	"Mutation":       "The root of every write.",
	"Node":           "An object with a global, opaque ID, refetchable with node(id:).",
	"PageInfo":       "Where a page of a connection stands: whether there are more pages, and the cursors at its ends.",
	"Cursor":         "An opaque cursor marking a place in a connection; pass it back as after or before.",
	"OrderDirection": "The direction of an ordering.",
}

// Hook is the entgql schema hook.
func Hook(g *gen.Graph, s *ast.Schema) error {
	for _, n := range g.Nodes {
		def := s.Types[n.Name]
		if def == nil {
			continue
		}
		if def.Description == "" {
			def.Description = typeComment(n)
		}
		for _, e := range n.Edges {
			if f := def.Fields.ForName(camel(e.Name)); f != nil && f.Description == "" {
				f.Description = e.Comment()
			}
		}
	}
	for name, def := range s.Types {
		if d, ok := Types[name]; ok && def.Description == "" {
			def.Description = d
		}
		describeType(s, name, def)
	}
	for name, def := range s.Types {
		if def.Description == "" && !def.BuiltIn && !strings.HasPrefix(name, "__") {
			return fmt.Errorf("schemadoc: type %s has no description", name)
		}
	}
	return nil
}

// typeComment returns the text of an ent type's schema.Comment annotation.
func typeComment(n *gen.Type) string {
	ant := &entschema.CommentAnnotation{}
	raw, ok := n.Annotations[ant.Name()]
	if !ok {
		return ""
	}
	b, err := json.Marshal(raw)
	if err != nil || json.Unmarshal(b, ant) != nil {
		return ""
	}
	return ant.Text
}

func describeType(s *ast.Schema, name string, def *ast.Definition) {
	entity, suffix := splitGenerated(s, name)
	if def.Description == "" && entity != "" {
		def.Description = map[string]string{
			"Connection":    "A page of " + entity + " objects, as a Relay connection.",
			"Edge":          "A " + entity + " in a connection, with its cursor.",
			"Order":         "An ordering of " + entity + " objects.",
			"OrderField":    "The fields " + entity + " objects can be ordered by.",
			"WhereInput":    "Conditions on " + entity + " objects; all given conditions must hold.",
			"CreateInput":   "The fields of a new " + entity + ".",
			"UpdateInput":   "The changes to a " + entity + "; fields left out stay as they are.",
			"Kind":          "What kind of " + entity + " this is.",
			"DatePrecision": "",
		}[suffix]
	}
	for _, v := range def.EnumValues {
		if v.Description != "" {
			continue
		}
		if d, ok := EnumValues[name][v.Name]; ok {
			v.Description = d
		} else if suffix == "OrderField" {
			v.Description = "Order by " + words(v.Name) + "."
		}
	}
	if entity == "" {
		entity = name
	}
	obj := s.Types[entity]
	for _, f := range def.Fields {
		if f.Description == "" {
			f.Description = fieldDescription(obj, suffix, f.Name)
		}
		for _, a := range f.Arguments {
			if a.Description == "" {
				a.Description = "The " + words(a.Name) + "."
			}
		}
	}
}

// splitGenerated splits a generated type name into its entity and suffix
// ("ThemeWhereInput" → "Theme", "WhereInput"; "CreateThemeInput" → "Theme", "CreateInput").
func splitGenerated(s *ast.Schema, name string) (string, string) {
	for _, p := range []string{"Create", "Update"} {
		if strings.HasPrefix(name, p) && strings.HasSuffix(name, "Input") {
			if e := strings.TrimSuffix(strings.TrimPrefix(name, p), "Input"); s.Types[e] != nil {
				return e, p + "Input"
			}
		}
	}
	for _, suf := range []string{"Connection", "Edge", "OrderField", "Order", "WhereInput", "Kind"} {
		if e := strings.TrimSuffix(name, suf); e != name && s.Types[e] != nil {
			return e, suf
		}
	}
	return "", ""
}

// predicates are the where-input suffixes, longest first.
var predicates = []struct{ suffix, text string }{
	{"ContainsFold", "contains the value, ignoring case"},
	{"EqualFold", "equals the value, ignoring case"},
	{"HasPrefix", "starts with the value"},
	{"HasSuffix", "ends with the value"},
	{"Contains", "contains the value"},
	{"NotNil", "is set"},
	{"IsNil", "is not set (null)"},
	{"NotIn", "is none of the values"},
	{"NEQ", "is not the value"},
	{"GTE", "is greater than or equal to the value"},
	{"LTE", "is less than or equal to the value"},
	{"GT", "is greater than the value"},
	{"LT", "is less than the value"},
	{"In", "is one of the values"},
}

func fieldDescription(obj *ast.Definition, suffix, name string) string {
	switch suffix {
	case "WhereInput":
		switch name {
		case "not":
			return "Matches when the given conditions do not."
		case "and":
			return "Matches when every one of the given conditions does."
		case "or":
			return "Matches when at least one of the given conditions does."
		}
		if strings.HasPrefix(name, "has") && strings.HasSuffix(name, "With") {
			return "Has " + words(strings.TrimSuffix(strings.TrimPrefix(name, "has"), "With")) + " matching the given conditions."
		}
		if strings.HasPrefix(name, "has") && obj != nil && obj.Fields.ForName(lowerFirst(strings.TrimPrefix(name, "has"))) != nil {
			return "Has at least one " + words(strings.TrimPrefix(name, "has")) + " (or none, when false)."
		}
		for _, p := range predicates {
			if base := strings.TrimSuffix(name, p.suffix); base != name && base != "" {
				return capitalize(words(base)) + " " + p.text + "."
			}
		}
		return capitalize(words(name)) + " equals the value."
	case "CreateInput", "UpdateInput":
		switch {
		case strings.HasPrefix(name, "clear"):
			return "Clears " + words(strings.TrimPrefix(name, "clear")) + "."
		case strings.HasPrefix(name, "add") && strings.HasSuffix(name, "IDs"):
			return "Adds the objects with these IDs to " + words(strings.TrimSuffix(strings.TrimPrefix(name, "add"), "IDs")) + "."
		case strings.HasPrefix(name, "remove") && strings.HasSuffix(name, "IDs"):
			return "Removes the objects with these IDs from " + words(strings.TrimSuffix(strings.TrimPrefix(name, "remove"), "IDs")) + "."
		case strings.HasPrefix(name, "append"):
			return "Appends values to " + words(strings.TrimPrefix(name, "append")) + "."
		}
		if obj != nil {
			base := strings.TrimSuffix(strings.TrimSuffix(name, "IDs"), "ID")
			if f := obj.Fields.ForName(base); f != nil && f.Description != "" {
				return f.Description
			}
		}
		return "Sets " + words(name) + "."
	}
	if obj != nil {
		if f := obj.Fields.ForName(name); f != nil && f.Description != "" && obj.Name != "" {
			return f.Description
		}
	}
	return capitalize(words(name)) + "."
}

// words turns camelCase or UPPER_SNAKE into lower-case words ("nameSv" → "name sv").
func words(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_':
			b.WriteByte(' ')
			continue
		case unicode.IsUpper(r) && i > 0 && !unicode.IsUpper(rune(s[i-1])) && s[i-1] != '_':
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		parts[i] = capitalize(parts[i])
	}
	return strings.Join(parts, "")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
