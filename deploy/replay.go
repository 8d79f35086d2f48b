package deploy

import (
	"context"
	"fmt"

	"github.com/migrate-guard/migrate-guard/migrations"
)

// AppliedNames returns the migrations the database's history records as
// applied, in the order they were applied; rolled-back and failed rows are
// left out, and a migration resolved twice counts once. A database without
// the history table has applied nothing.
func AppliedNames(ctx context.Context, databaseURL string) ([]string, error) {
	target, conn, err := dial(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rows, err := readRows(ctx, conn, newHistory(target.Schema))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", historyTable, err)
	}
	seen := map[string]bool{}
	var names []string
	for _, r := range rows {
		if r.Applied() && !seen[r.Name] {
			seen[r.Name] = true
			names = append(names, r.Name)
		}
	}
	return names, nil
}

// Replay applies the given migrations, in the order given, to the database
// of opts, with the same code and in the same modes as Deploy, recording
// each in its history. It is how drift rebuilds the schema a history says a
// database should have. Every local migration named must exist in opts.Dir.
func Replay(ctx context.Context, opts *Options, local []*migrations.Migration) error {
	target, conn, err := dial(ctx, opts.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	hist := newHistory(target.Schema)
	if err := ensureHistory(ctx, conn, hist, target.Schema); err != nil {
		return err
	}
	version, err := serverVersion(ctx, conn)
	if err != nil {
		return err
	}
	w := newWatcher(ctx, target.Config, opts.LockTimeout)
	defer w.close()
	a := &applier{conn: conn, hist: hist, opts: opts, watcher: w, version: version}
	for _, lm := range local {
		m, err := readMigration(lm.Name, lm.Path, version)
		if err != nil {
			return err
		}
		if err := a.apply(ctx, m, nil); err != nil {
			return err
		}
	}
	return nil
}

// LoadDir reads a Prisma migrations directory the way Deploy does.
func LoadDir(dir string) ([]*migrations.Migration, error) { return loadDir(dir) }
