package drift

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// corpusDir finds a shared corpus, or skips loudly.
func corpusDir(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", name)
	if _, err := os.Stat(dir); err != nil {
		dir = filepath.Join("/work/shared/corpus", name)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("SKIPPED: corpus %s not found (%v); this test needs the shared corpora", name, err)
	}
	return dir
}

// asPrisma writes a goose or Flyway history as a Prisma migrations
// directory, each migration's statements (goose's Up section only) in a
// folder of its own, in the history's order, so that deploy can apply it.
// (Deploy applies Prisma directories only.) It stops before migration
// stopAt, when given.
func asPrisma(t *testing.T, dir, stopAt string) string {
	t.Helper()
	sets, err := migrations.Discover([]string{dir})
	if err != nil || len(sets) != 1 {
		t.Fatalf("%s: %v (%d sets)", dir, err, len(sets))
	}
	out := filepath.Join(t.TempDir(), "migrations")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "migration_lock.toml"), []byte("provider = \"postgresql\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, m := range sets[0].Migrations {
		if stopAt != "" && m.Name >= stopAt {
			break
		}
		data, err := os.ReadFile(m.Path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := sqlfile.Parse(m.Path, data)
		if err != nil || len(f.Errors) > 0 {
			t.Fatalf("%s: %v %v", m.Path, err, f.Errors)
		}
		// goose runs a NO TRANSACTION file statement by statement: one
		// Prisma migration each.
		var parts []string
		for _, s := range f.Stmts {
			if f.NoTransaction || len(parts) == 0 {
				parts = append(parts, "")
			}
			parts[len(parts)-1] += f.Text(s) + ";\n"
		}
		for j, sql := range parts {
			name := fmt.Sprintf("%05d_%03d_%s", i, j, sanitize(strings.TrimSuffix(filepath.Base(m.Path), ".sql")))
			if err := os.MkdirAll(filepath.Join(out, name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, name, "migration.sql"), []byte(sql), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// TestCorpusNoFalseDrift deploys each real history with migrate-guard and
// checks that drift reports nothing: the replay on the shadow database and
// the introspection agree with the deployed database object by object.
func TestCorpusNoFalseDrift(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys every corpus twice")
	}
	shadow := pgtest.NewDatabase(t)
	for _, c := range []struct {
		name  string
		prism bool
		// stopAt is the first migration that does not replay from SQL
		// alone: hatchet's v1_0_100 renames tables its Go migrations create.
		stopAt string
	}{
		{"triggerdotdev__trigger.dev", true, ""}, {"langfuse__langfuse", true, ""}, {"hoppscotch__hoppscotch", true, ""},
		{"umami-software__umami", true, ""}, {"hatchet-dev__hatchet", false, "20260424205453_v1_0_100.sql"}, {"kestra-io__kestra", false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := corpusDir(t, c.name)
			if !c.prism {
				dir = asPrisma(t, dir, c.stopAt)
			}
			db := pgtest.NewDatabase(t)
			start := time.Now()
			mustDeploy(t, dir, db)
			t.Logf("deployed in %s", time.Since(start).Round(time.Millisecond))
			start = time.Now()
			rep := mustCheck(t, dir, db, shadow, true)
			t.Logf("drift checked in %s: %d applied, %d objects compared in schemas %v", time.Since(start).Round(time.Millisecond), rep.Applied, len(rep.db.Objects), rep.Schemas)
			if len(rep.db.Objects) < 50 {
				t.Errorf("only %d objects introspected: implausible", len(rep.db.Objects))
			}
			if !rep.Clean() {
				t.Errorf("false drift:\n%s", strings.Join(lines(rep.Drift), "\n"))
			}
		})
	}
}
