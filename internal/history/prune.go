package history

import (
	"context"
	"fmt"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
)

// PruneReport says what Prune removed.
type PruneReport struct {
	// Revisions is the number of revisions deleted.
	Revisions int64
	// Through is the latest version committed before the cut: the oldest one that can
	// still be rebuilt (AsOf) after the prune.
	Through int64
}

// Prune deletes the history older than before, keeping, for every object, its latest
// revision before the cut (its state then, the baseline of what follows) unless that
// revision deleted it. Every version from the last one committed before the cut on
// stays reproducible; older ones are refused from then on. It runs in one transaction
// that holds the writers' lock.
func Prune(ctx context.Context, client *ent.Client, before time.Time) (PruneReport, error) {
	var rep PruneReport
	d := client.Dialect()
	cut := FormatTime(before)
	tx, err := client.Tx(ctx)
	if err != nil {
		return rep, fmt.Errorf("history: prune: %w", err)
	}
	err = func() error {
		if _, _, err := lockVersion(ctx, tx, d); err != nil {
			return err
		}
		if err := scanOne(ctx, tx, rebind(d, `SELECT COALESCE(MAX(version), 0) FROM change_sets WHERE created_at < ?`), []any{cut}, &rep.Through); err != nil {
			return err
		}
		if rep.Through == 0 {
			return nil
		}
		// Superseded before the cut: a newer revision of the object is before it too.
		res, err := tx.ExecContext(ctx, rebind(d, `DELETE FROM revisions WHERE version <= ? AND (state IS NULL OR EXISTS (
			SELECT 1 FROM revisions n WHERE n.node_id = revisions.node_id AND n.id > revisions.id AND n.version <= ?))`), rep.Through, rep.Through)
		if err != nil {
			return err
		}
		rep.Revisions, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, rebind(d, `UPDATE knowledge_base SET pruned_through = ? WHERE id = 1 AND pruned_through < ?`), rep.Through, rep.Through)
		return err
	}()
	if err != nil {
		_ = tx.Rollback()
		return rep, fmt.Errorf("history: prune: %w", err)
	}
	return rep, tx.Commit()
}
