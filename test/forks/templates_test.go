package forks

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// A block of a forked template is one change: it opens with a comment whose first line
// starts "{{/* Teemaverkko:" (or "{{- /* Teemaverkko:"), which may record, after a line
// "upstream:", the upstream lines the block replaces, verbatim, up to the comment's
// closing "*/}}" on a line of its own; the block's own lines follow, up to a line
// "{{- /* end Teemaverkko */}}". A block without "upstream:" adds its lines.
const (
	blockEnd      = "/* end Teemaverkko */}}"
	blockUpstream = "upstream:"
)

func opensBlock(line string) bool {
	l := strings.TrimSpace(line)
	return strings.HasPrefix(l, "{{/* Teemaverkko:") || strings.HasPrefix(l, "{{- /* Teemaverkko:")
}

func closesBlock(line string) bool {
	l := strings.TrimSpace(line)
	return l == "{{"+blockEnd || l == "{{- "+blockEnd
}

// undoBlocks returns the text of a forked template with each block replaced by the
// upstream lines it records, and the number of blocks.
func undoBlocks(text string) (string, int, error) {
	lines := strings.Split(text, "\n")
	var out []string
	blocks := 0
	for i := 0; i < len(lines); i++ {
		if closesBlock(lines[i]) {
			return "", 0, fmt.Errorf("line %d: an end of block without its start", i+1)
		}
		if !opensBlock(lines[i]) {
			out = append(out, lines[i])
			continue
		}
		start := i
		blocks++
		// The opening comment, and the upstream lines it records.
		var upstream []string
		recording := false
		for ; ; i++ {
			if i == len(lines) {
				return "", 0, fmt.Errorf("line %d: the block's comment does not end", start+1)
			}
			l := strings.TrimSpace(lines[i])
			if i > start && l == "*/}}" {
				break
			}
			if strings.HasSuffix(l, "*/}}") {
				if recording {
					return "", 0, fmt.Errorf("line %d: put the comment's closing */}} on a line of its own after the upstream lines", i+1)
				}
				break
			}
			if recording {
				upstream = append(upstream, lines[i])
			} else if i > start && l == blockUpstream {
				recording = true
			}
		}
		// The block's own lines.
		for i++; ; i++ {
			if i == len(lines) {
				return "", 0, fmt.Errorf("line %d: the block has no %q", start+1, "{{- "+blockEnd)
			}
			if opensBlock(lines[i]) {
				return "", 0, fmt.Errorf("line %d: a block inside the block of line %d", i+1, start+1)
			}
			if closesBlock(lines[i]) {
				break
			}
		}
		out = append(out, upstream...)
	}
	return strings.Join(out, "\n"), blocks, nil
}

func TestUndoBlocks(t *testing.T) {
	copied := strings.Join([]string{
		"a",
		"{{/* Teemaverkko: added. */}}",
		"x",
		"{{/* end Teemaverkko */}}",
		"b",
		"\t{{- /* Teemaverkko: replaced.",
		"upstream:",
		"\tc",
		"\t*/}}",
		"\ty",
		"\t{{- /* end Teemaverkko */}}",
		"d",
	}, "\n")
	got, n, err := undoBlocks(copied)
	if err != nil || n != 2 || got != "a\nb\n\tc\nd" {
		t.Fatalf("undoBlocks = %q, %d, %v", got, n, err)
	}
	for _, bad := range []string{
		"{{/* Teemaverkko: no end */}}\nx",
		"x\n{{- /* end Teemaverkko */}}",
		"{{/* Teemaverkko: x\nupstream:\nc */}}\n{{/* end Teemaverkko */}}",
	} {
		if _, _, err := undoBlocks(bad); err == nil {
			t.Errorf("undoBlocks(%q): no error", bad)
		}
	}
}

// defineBlock returns the lines of a template file from `{{ define "name" }}` to the first
// line `{{ end }}` after it.
func defineBlock(text, name string) (string, bool) {
	_, after, found := strings.Cut(text, "\n{{ define \""+name+"\" }}\n")
	if !found {
		return "", false
	}
	body, _, found := strings.Cut(after, "\n{{ end }}")
	if !found {
		return "", false
	}
	return "{{ define \"" + name + "\" }}\n" + body + "\n{{ end }}", true
}

// TestForkCollectionTemplate: ent/template/gql_collection.tmpl, its blocks undone, is
// entgql's collection.tmpl of the version in go.mod, and ent's generated code came from
// the copy.
func TestForkCollectionTemplate(t *testing.T) {
	f := collectionTemplate
	upstream := readFile(t, filepath.Join(moduleDir(t, "entgo.io/contrib"), "entgql", "template", "collection.tmpl"))
	undone, blocks, err := undoBlocks(readFile(t, filepath.Join(root, "ent", "template", "gql_collection.tmpl")))
	if err != nil {
		f.fatalf(t, "the blocks are not well formed: %v", err)
	}
	if undone != upstream {
		f.errorf(t, "upstream changed, re-apply\nthe copy with its %d block(s) undone differs from entgql's template/collection.tmpl at %s", blocks, firstDifference(undone, upstream))
	}
	generated := readFile(t, filepath.Join(root, "ent", "gql_collection.go"))
	if !strings.Contains(generated, "nestedpage.LimitPerParent(") || strings.Contains(generated, "entgql.LimitPerRow(") {
		f.errorf(t, "ent/gql_collection.go was not generated from the copy: is it still loaded in ent/entc.go, in place of entgql.CollectionTemplate?")
	}
}

// TestForkPaginateTemplate: the paginate block of ent/template/gql_pagination_paginate.tmpl,
// its blocks undone, is the block of entgql's pagination.tmpl of the version in go.mod,
// and ent's generated code came from the copy.
func TestForkPaginateTemplate(t *testing.T) {
	f := paginateTemplate
	const name = "gql_pagination/helper/paginate"
	upstreamFile := readFile(t, filepath.Join(moduleDir(t, "entgo.io/contrib"), "entgql", "template", "pagination.tmpl"))
	upstream, ok := defineBlock(upstreamFile, name)
	if !ok {
		f.fatalf(t, "entgql's template/pagination.tmpl no longer defines %q at the start of a line (up to a line {{ end }}): the copy would define a block nobody uses; re-apply", name)
	}
	undone, blocks, err := undoBlocks(readFile(t, filepath.Join(root, "ent", "template", "gql_pagination_paginate.tmpl")))
	if err != nil {
		f.fatalf(t, "the blocks are not well formed: %v", err)
	}
	copied, ok := defineBlock(undone, name)
	if !ok {
		f.fatalf(t, "the copy does not define %q", name)
	}
	if blocks == 0 {
		f.errorf(t, "the copy has no Teemaverkko block")
	}
	if copied != upstream {
		f.errorf(t, "upstream changed, re-apply\nthe copy's %q with its %d block(s) undone differs from entgql's template/pagination.tmpl at %s", name, blocks, firstDifference(copied, upstream))
	}
	generated := readFile(t, filepath.Join(root, "ent", "gql_pagination.go"))
	if !strings.Contains(generated, "ignoredEdges := !hasCollectedField(ctx, edgesField) && !hasCollectedField(ctx, pageInfoField)") ||
		strings.Contains(generated, "hasCollectedField(ctx, totalCountField) || hasCollectedField(ctx, pageInfoField)") {
		f.errorf(t, "ent/gql_pagination.go was not generated from the copy: is it still loaded in ent/entc.go after entgql's templates?")
	}
}
