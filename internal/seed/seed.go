// Package seed loads the knowledge Teemaverkko ships with: the reference data of Finnish
// regions and municipalities, then the knowledge bundles in data/ in file-name order.
// Loading is idempotent: running it again creates, changes and loses nothing.
package seed

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/refdata"
)

//go:embed data/*.json
var bundles embed.FS

// Bundles returns the embedded knowledge bundles in the order they load.
func Bundles() ([]*bundle.Bundle, []string, error) {
	names, err := fs.Glob(bundles, "data/*.json")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	out := make([]*bundle.Bundle, 0, len(names))
	for _, name := range names {
		raw, err := bundles.ReadFile(name)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", name, err)
		}
		b, err := bundle.Decode(bytes.NewReader(raw))
		if err != nil {
			return nil, nil, fmt.Errorf("decode %s: %w", name, err)
		}
		out = append(out, b)
	}
	return out, names, nil
}

// Run loads the reference data and every embedded bundle.
func Run(ctx context.Context, client *ent.Client, logger *slog.Logger) error {
	stats, err := refdata.Load(ctx, client)
	if err != nil {
		return fmt.Errorf("load reference data: %w", err)
	}
	logger.InfoContext(ctx, "reference data loaded",
		"regions", stats.Regions.Created+stats.Regions.Updated+stats.Regions.Unchanged,
		"municipalities", stats.Municipalities.Created+stats.Municipalities.Updated+stats.Municipalities.Unchanged,
		"changed", stats.Changed())
	bs, names, err := Bundles()
	if err != nil {
		return err
	}
	for i, b := range bs {
		report, err := bundle.Apply(ctx, client, b, bundle.Options{})
		if err != nil {
			return fmt.Errorf("apply %s: %w", names[i], err)
		}
		total := report.Total()
		logger.InfoContext(ctx, "bundle loaded", "bundle", names[i],
			"created", total.Created, "updated", total.Updated, "unchanged", total.Unchanged)
	}
	return nil
}
