package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/authz"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's generated tables")

// limitFlags are the server's flags that bound what a client may ask or hold, each with
// the code a client gets past it ("" where nothing is refused). The README's table of
// limits is generated from these and the flags themselves (default, variable, usage).
var limitFlags = []struct{ flag, code string }{
	{"default-page-size", ""},
	{"max-page-size", errcode.Validation},
	{"max-depth", errcode.QueryTooDeep},
	{"max-aliases", errcode.TooManyAliases},
	{"max-directives", errcode.TooManyDirectives},
	{"max-cost", errcode.QueryTooCostly},
	{"max-input-depth", errcode.InputTooDeep},
	{"max-input-values", errcode.InputTooLarge},
	{"max-filter-string", errcode.InputTooLarge},
	{"max-query-bytes", errcode.QueryTooLarge},
	{"max-tokens", errcode.ParseFailed},
	{"max-body-bytes", errcode.RequestTooLarge},
	{"root-field-concurrency", ""},
	{"request-timeout", errcode.Timeout},
	{"rate-limit", errcode.RateLimited},
	{"rate-burst", errcode.RateLimited},
	{"ws-connections-per-client", errcode.TooManyConnections},
	{"ws-connections", errcode.TooManyConnections},
	{"ws-subscriptions-per-connection", errcode.TooManySubscriptions},
	{"ws-subscriptions", errcode.TooManySubscriptions},
}

// limitsTable renders the limits from the server's flags with no variable set.
func limitsTable(t *testing.T) string {
	c, err := parseConfig(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	f := c.flags
	var b strings.Builder
	b.WriteString("| limit | default | flag | variable | past it |\n| --- | --- | --- | --- | --- |\n")
	for _, l := range limitFlags {
		fl := f.fs.Lookup(l.flag)
		if fl == nil {
			t.Fatalf("no flag -%s", l.flag)
		}
		code := "—"
		if l.code != "" {
			code = "`" + l.code + "`"
		}
		_, usage := flag.UnquoteUsage(fl)
		usage = strings.TrimSuffix(usage, " (env "+f.envs[l.flag]+")")
		fmt.Fprintf(&b, "| %s | %s | `-%s` | `%s` | %s |\n", usage, fl.DefValue, l.flag, f.envs[l.flag], code)
	}
	return b.String()
}

// codesTable renders every extensions.code.
func codesTable() string {
	var b strings.Builder
	b.WriteString("| `extensions.code` | meaning |\n| --- | --- |\n")
	for _, c := range errcode.All {
		fmt.Fprintf(&b, "| `%s` | %s |\n", c.Code, c.Meaning)
	}
	return b.String()
}

// rolesTable renders who may call what, from the schema's @auth declarations.
func rolesTable(t *testing.T) string {
	schema := graph.NewSchema(nil, "sqlite3", nil).Schema()
	rules, err := authz.RulesFrom(schema)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		typ  string
		role auth.Role
	}
	var order []key
	fields := map[key][]string{}
	for _, r := range rules.List(schema) {
		k := key{r.Type, r.Role}
		if fields[k] == nil {
			order = append(order, k)
		}
		fields[k] = append(fields[k], "`"+r.Field+"`")
	}
	describe := map[auth.Role]string{
		auth.Reader: "anyone; with `-reads-need-token`, any valid token",
		auth.Editor: "a token with the role editor or admin",
		auth.Admin:  "a token with the role admin",
	}
	var b strings.Builder
	b.WriteString("| type | role | who | fields |\n| --- | --- | --- | --- |\n")
	for _, k := range order {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", k.typ, strings.ToUpper(k.role.String()), describe[k.role], strings.Join(fields[k], ", "))
	}
	return b.String()
}

// TestReadmeTables checks the README's generated tables (limits, error codes, roles)
// against their sources; go test ./server -run TestReadmeTables -update-readme rewrites
// them.
func TestReadmeTables(t *testing.T) {
	const path = "../README.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for _, section := range []struct{ name, body string }{
		{"limits", limitsTable(t)},
		{"codes", codesTable()},
		{"roles", rolesTable(t)},
	} {
		begin, end := "<!-- generated:"+section.name+" -->\n", "<!-- end:"+section.name+" -->"
		i, j := strings.Index(readme, begin), strings.Index(readme, end)
		if i < 0 || j < i {
			t.Errorf("README.md has no %q … %q section", strings.TrimSpace(begin), end)
			continue
		}
		got := readme[i+len(begin) : j]
		if got == section.body {
			continue
		}
		if *updateReadme {
			readme = readme[:i+len(begin)] + section.body + readme[j:]
			continue
		}
		t.Errorf("README.md's %s table differs from its source; run go test ./server -run TestReadmeTables -update-readme\nwant:\n%s", section.name, section.body)
	}
	if *updateReadme {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
