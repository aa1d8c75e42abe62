package graph

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/formatter"
)

// goDirectives are gqlgen's code-generation directives: not part of the public API.
var goDirectives = regexp.MustCompile(`\s*@go[A-Za-z]+(\([^()]*\))?`)

// SDL returns the schema the API serves, in the GraphQL schema language, with every
// description and without gqlgen's code-generation directives: the file client
// generators read (graph/schema.graphql, and /schema.graphql on the server).
func SDL() string {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchema(NewSchema(nil, "", nil).Schema())
	var out strings.Builder
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if strings.HasPrefix(line, "directive @go") {
			continue
		}
		out.WriteString(goDirectives.ReplaceAllString(strings.TrimRight(line, "\n"), ""))
		if strings.HasSuffix(line, "\n") {
			out.WriteByte('\n')
		}
	}
	return out.String()
}
