// Package layers holds the test that keeps the module's layering: each folder may import
// only the layers below it, as the README's architecture section says.
package layers

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/teemaverkko/teemaverkko/"

// layer is a set of folders and the folders of this module their packages may import
// (prefixes; a package may always import its own folder's subpackages by these rules).
type layer struct {
	name    string
	folders []string
	imports []string
}

// The layers, lowest first. A package belongs to the first layer one of whose folders is
// a prefix of its path; server, cmd, bench and test may import anything.
var layers = []layer{
	{"leaves", []string{"internal/errcode", "internal/pagesize"}, nil},
	{"data", []string{"ent"}, []string{"ent"}},
	{"domain", []string{"internal", "docs"}, []string{"ent", "internal", "docs"}},
	{"GraphQL", []string{"graph"}, []string{"ent", "internal", "docs", "graph"}},
}

func within(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// TestLayers fails when a package imports a layer above its own.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	checked := 0
	for dec.More() {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		path := strings.TrimPrefix(p.ImportPath, module)
		var l *layer
		for i := range layers {
			if within(path, layers[i].folders) {
				l = &layers[i]
				break
			}
		}
		if l == nil {
			continue // server, cmd, bench, test, examples: anything
		}
		checked++
		// Tests may reach further (a domain test may run the GraphQL handler); the
		// package itself may not.
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			if !within(dep, l.imports) {
				t.Errorf("%s (%s layer) imports %s, which that layer may not (see the README's architecture section)", path, l.name, dep)
			}
		}
	}
	if checked < 30 {
		t.Fatalf("checked only %d packages", checked)
	}
}
