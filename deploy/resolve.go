package deploy

import (
	"github.com/migrate-guard/migrate-guard/migrations"

	"context"
	"fmt"
	"path/filepath"
)

// Resolve records a migration as applied (applied=true) or as rolled back,
// with the preconditions and row effects of `prisma migrate resolve`, under
// the same advisory lock as deploy.
func Resolve(ctx context.Context, opts *Options, name string, applied bool) error {
	local, err := loadDir(opts.Dir)
	if err != nil {
		return err
	}
	target, conn, err := dial(ctx, opts.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if err := acquireLock(ctx, conn, opts.LockWait, opts.say); err != nil {
		return err
	}
	defer releaseLock(conn)
	hist := newHistory(target.Schema)
	if err := ensureSchema(ctx, conn, target.Schema); err != nil {
		return err
	}
	if err := hist.create(ctx, conn); err != nil {
		return fmt.Errorf("creating %s: %w", historyTable, err)
	}
	rows, err := hist.rows(ctx, conn)
	if err != nil {
		return err
	}
	var mine []*Row
	for _, r := range rows {
		if r.Name == name {
			mine = append(mine, r)
		}
	}
	if applied {
		return resolveApplied(ctx, conn, hist, local, name, mine, opts)
	}
	return resolveRolledBack(ctx, conn, hist, name, mine, opts)
}

func resolveApplied(ctx context.Context, conn querier, hist *history, local []*migrations.Migration, name string, rows []*Row, opts *Options) error {
	var path string
	for _, m := range local {
		if m.Name == name {
			path = m.Path
		}
	}
	if path == "" {
		return fmt.Errorf("migration %s is not in %s (Prisma error P3017)", name, filepath.Clean(opts.Dir))
	}
	for _, r := range rows {
		if r.Applied() {
			return fmt.Errorf("migration %s is already recorded as applied (Prisma error P3008)", name)
		}
	}
	data, err := readFile(path)
	if err != nil {
		return err
	}
	if err := hist.rollBack(ctx, conn, name); err != nil {
		return err
	}
	if err := hist.markApplied(ctx, conn, name, Checksum(data)); err != nil {
		return err
	}
	opts.say("migration %s marked as applied", name)
	return nil
}

func resolveRolledBack(ctx context.Context, conn querier, hist *history, name string, rows []*Row, opts *Options) error {
	if len(rows) == 0 {
		return fmt.Errorf("migration %s has no row in %s; nothing to roll back (Prisma error P3011)", name, historyTable)
	}
	failed := false
	for _, r := range rows {
		failed = failed || r.Failed()
	}
	if !failed {
		return fmt.Errorf("migration %s is not in a failed state; only a failed migration can be marked rolled back (Prisma error P3012)", name)
	}
	if err := hist.rollBack(ctx, conn, name); err != nil {
		return err
	}
	opts.say("migration %s marked as rolled back; the next deploy applies it again", name)
	return nil
}
