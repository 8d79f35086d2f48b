package trace_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/trace"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// writeDir writes a Prisma migrations directory whose migrations are the
// given SQL texts, in order, and returns it.
func writeDir(t testing.TB, sqls ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "migrations")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "migration_lock.toml"), []byte("provider = \"postgresql\"\n"), 0o644))
	for i, sql := range sqls {
		d := filepath.Join(dir, "2024010100000"+string(rune('0'+i/10))+string(rune('0'+i%10))+"_m")
		must(t, os.MkdirAll(d, 0o755))
		must(t, os.WriteFile(filepath.Join(d, "migration.sql"), []byte(sql), 0o644))
	}
	return dir
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// traceLast traces the last migration of dir, the earlier ones as context,
// on a fresh database with rows synthetic rows per table.
func traceLast(t testing.TB, dir string, rows int) *trace.Result {
	t.Helper()
	sets := lastOf(t, dir)
	res, err := trace.Run(context.Background(), sets, trace.Options{URL: pgtest.NewDatabase(t), Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func lastOf(t testing.TB, dir string) []*migrations.Set {
	t.Helper()
	all, err := migrations.Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	ms := all[0].Migrations
	sets, err := migrations.Discover([]string{ms[len(ms)-1].Path})
	if err != nil {
		t.Fatal(err)
	}
	return sets
}
