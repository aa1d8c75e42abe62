package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestMain lets tests run the real main: with TEEMAVERKKO_RUN_MAIN=1 in its environment,
// the test binary is the server binary, its arguments the server's. Otherwise it runs the
// tests and drops the database templates they built.
func TestMain(m *testing.M) {
	if os.Getenv("TEEMAVERKKO_RUN_MAIN") == "1" {
		main() // exits
	}
	code := m.Run()
	if err := testdb.DropTemplates(); err != nil {
		fmt.Fprintf(os.Stderr, "drop test database templates: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// runBinary runs the real main with args and an environment of env alone (and PATH),
// and returns its exit code, standard output and standard error.
func runBinary(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append([]string{"TEEMAVERKKO_RUN_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Dir = t.TempDir() // nothing may be written next to the sources
	cmd.WaitDelay = 10 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("run %v: %v", args, err)
	}
	return code, out.String(), errOut.String()
}

// flagLine is a flag's line in a usage (PrintDefaults): "  -name" and its argument.
var flagLine = regexp.MustCompile(`^  -([A-Za-z0-9-]+)`)

// envOf is the variable a flag's usage names.
var envOf = regexp.MustCompile(`\(env ([A-Z0-9_]+)\)`)

// TestHelp asks the server and every command for help, every way a user does: the real
// main prints the usage on standard output and exits 0, the server's lists every command
// with its arguments, and every flag names its environment variable, which means the same
// flag wherever it appears.
func TestHelp(t *testing.T) {
	type asked struct {
		args     []string
		synopsis string
	}
	var cases []asked
	for _, args := range [][]string{{"-help"}, {"-h"}, {"--help"}, {"help"}, {"help", "serve"}, {"serve", "-help"}, {"-port", "9999", "-help"}} {
		cases = append(cases, asked{args, "[serve] [flags]"})
	}
	for _, c := range commands() {
		if c.name == "serve" {
			continue
		}
		cases = append(cases, asked{[]string{c.name, "-help"}, c.synopsis()}, asked{[]string{c.name, "-h"}, c.synopsis()},
			asked{[]string{"help", c.name}, c.synopsis()})
	}
	envs := map[string]string{} // variable → flag
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runBinary(t, nil, tc.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, errOut)
			}
			if want := "Usage: server " + tc.synopsis + "\n"; !strings.HasPrefix(out, want) {
				t.Errorf("usage starts %.60q, want %q", out, want)
			}
			if strings.Contains(out, "help requested") {
				t.Errorf("usage says help requested:\n%s", out)
			}
			lines := strings.Split(out, "\n")
			for i, line := range lines {
				m := flagLine.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				name := m[1]
				e := envOf.FindStringSubmatch(line + " " + lines[min(i+1, len(lines)-1)])
				if e == nil {
					t.Errorf("flag -%s names no environment variable: %q", name, lines[i+1])
					continue
				}
				if prev, ok := envs[e[1]]; ok && prev != name {
					t.Errorf("%s is the variable of -%s and of -%s", e[1], prev, name)
				}
				envs[e[1]] = name
			}
		})
	}
	// The server's usage lists every command with its positional arguments.
	_, out, _ := runBinary(t, nil, "-help")
	for _, c := range commands() {
		if !strings.Contains(out, "\n  "+c.synopsis()+" ") {
			t.Errorf("the server's usage lacks %q", c.synopsis())
		}
	}
	for _, want := range []string{"import [flags] FILE…", "token ROLE", "help [COMMAND]", "SHUTDOWN_TIMEOUT", "DATABASE_URL"} {
		if !strings.Contains(out, want) {
			t.Errorf("the server's usage lacks %q", want)
		}
	}
	if envs["SEED"] != "seed" || envs["GEN_SEED"] != "seed" || len(envs) < 30 {
		t.Errorf("variables seen: %v", envs)
	}
}

// TestCommandErrors runs wrong command lines through the real main: each exits 1 with
// one message on standard error that names the values in the README's spelling, and
// prints nothing on standard output.
func TestCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  []string
		want []string
	}{
		{[]string{"token"}, nil, []string{"usage: server token ROLE", "reader, editor or admin"}},
		{[]string{"token", "root"}, nil, []string{`role must be reader, editor or admin, got "root"`}},
		{[]string{"token", "reader", "admin"}, nil, []string{"usage: server token ROLE"}},
		{[]string{"token", "-role", "admin"}, nil, []string{"flag provided but not defined: -role", "server token -help"}},
		{[]string{"import"}, nil, []string{"no bundle file given", "usage: server import [flags] FILE…"}},
		{[]string{"export-network", "-format", "xlsx"}, nil, []string{`"xlsx" is not one of graphml, gexf, nodes-csv, edges-csv, evidence-csv, dynamic-gexf, mixed-graphml or mixed-gexf`}},
		{[]string{"export-network"}, []string{"EXPORT_NETWORK_SIGNALS=OUTCOME,GOSSIP"}, []string{`"GOSSIP" is not one of OUTCOME, SESSION, SEMINAR, EXPERT, MUNICIPALITY or DOCUMENT`}},
		{[]string{"export", "-seminar", "nope"}, nil, []string{`seminar: "nope" is not a valid ID`}},
		{[]string{"export", "kb.json"}, nil, []string{`unexpected argument "kb.json"`, "usage: server export [flags]"}},
		{[]string{"gen"}, []string{"GEN_SCALE=big"}, []string{`GEN_SCALE must be a number, got "big"`}},
		{[]string{"imprt", "kb.json"}, nil, []string{`unknown command "imprt"`, "server -help"}},
		{[]string{"-port", "9999", "import"}, nil, []string{"the command import comes before its flags"}},
		{[]string{"-nope"}, nil, []string{"flag provided but not defined: -nope", "server -help"}},
		{[]string{"help", "nope"}, nil, []string{`unknown command "nope"`}},
		{nil, []string{"SHUTDOWN_TIMEOUT=soon"}, []string{`SHUTDOWN_TIMEOUT must be a duration such as 30s, got "soon"`}},
		{[]string{"-log-format", "xml"}, nil, []string{`log format must be text or json, got "xml"`}},
	} {
		t.Run(strings.Join(append(slices.Clone(tc.env), tc.args...), " "), func(t *testing.T) {
			code, out, errOut := runBinary(t, tc.env, tc.args...)
			if code != 1 || out != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, out)
			}
			if !strings.HasPrefix(errOut, "server: ") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting server:", errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
	// Roles are read case-insensitively, as the README spells them.
	code, out, errOut := runBinary(t, nil, "token", "Editor")
	if code != 0 || !strings.Contains(out, "editor:") || errOut != "" {
		t.Errorf("token Editor: exit %d, %q %q", code, out, errOut)
	}
}

// TestFlagsAndVariables checks that variables set what their flags set, that a flag wins
// over its variable (a list flag replacing the variable's list), and that names are
// read case-insensitively where the README spells them in lower case.
func TestFlagsAndVariables(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := parseConfig(nil, env("SHUTDOWN_TIMEOUT", "3s", "LOG_FORMAT", "JSON"))
	if err != nil || c.shutdownTimeout != 3*time.Second || c.logFormat != "json" {
		t.Errorf("SHUTDOWN_TIMEOUT=3s LOG_FORMAT=JSON: %v %v %q", err, c.shutdownTimeout, c.logFormat)
	}
	if c, err := parseConfig([]string{"-shutdown-timeout", "5s"}, env("SHUTDOWN_TIMEOUT", "3s")); err != nil || c.shutdownTimeout != 5*time.Second {
		t.Errorf("-shutdown-timeout 5s over SHUTDOWN_TIMEOUT=3s: %v %v", err, c.shutdownTimeout)
	}
	n, err := parseExportNetworkConfig(nil, env("EXPORT_NETWORK_SIGNALS", "outcome, session", "EXPORT_NETWORK_FORMAT", "GEXF", "EXPORT_NETWORK_OUTPUT", "net.gexf"))
	if err != nil || n.request.format != "GEXF" || len(n.request.signals) != 2 || n.request.signals[1] != "SESSION" || n.output != "net.gexf" {
		t.Errorf("export-network from variables: %v %+v", err, n)
	}
	n, err = parseExportNetworkConfig([]string{"-signals", "seminar", "-signals", "document", "-format", "Nodes-CSV"}, env("EXPORT_NETWORK_SIGNALS", "OUTCOME"))
	if err != nil || n.request.format != "NODES_CSV" || !slices.Equal(n.request.signals, []network.Signal{"SEMINAR", "DOCUMENT"}) {
		t.Errorf("-signals over EXPORT_NETWORK_SIGNALS: %v %v %v", err, n.request.format, n.request.signals)
	}
	if g, err := parseGenConfig(nil, env("GEN_SEED", "7", "SEED", "true", "GEN_SCALE", "0.5")); err != nil || g.seed != 7 || g.scale != 0.5 {
		t.Errorf("gen from variables: %v %+v", err, g)
	}
	if i, err := parseImportConfig([]string{"a.json", "b.json"}, env("IMPORT_DRY_RUN", "true")); err != nil || !i.dryRun || len(i.files) != 2 {
		t.Errorf("import from variables: %v %+v", err, i)
	}
	if e, err := parseExportConfig(nil, env("EXPORT_SEMINARS", "nope")); err == nil {
		t.Errorf("EXPORT_SEMINARS=nope accepted: %+v", e)
	}
	// Over HTTP, signals may repeat too.
	r, err := parseNetworkRequest(url.Values{"signals": {"OUTCOME", "session,outcome"}, "format": {"EDGES-csv"}})
	if err != nil || !slices.Equal(r.signals, []network.Signal{"OUTCOME", "SESSION"}) || r.format != "EDGES_CSV" {
		t.Errorf("repeated signals: %v %v %v", err, r.signals, r.format)
	}
}
