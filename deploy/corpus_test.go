package deploy

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestSameSchemaAsPsql deploys real histories with migrate-guard onto one
// empty database and with psql onto another, and compares the schemas
// pg_dump prints. On the PostgreSQL 15 test server every migration of both
// histories applies with both tools, so nothing is cut short; a migration
// that some server rejects fails this test loudly rather than being skipped.
func TestSameSchemaAsPsql(t *testing.T) {
	psql, pgDump := pgTool(t, "psql"), pgTool(t, "pg_dump")
	for _, name := range []string{"triggerdotdev__trigger.dev", "langfuse__langfuse"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := corpus(t, name)
			local, err := loadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			ours, theirs := pgtest.NewDatabase(t), pgtest.NewDatabase(t)

			start := time.Now()
			o := testOpts(t, dir, ours, nil)
			o.Out = io.Discard
			sum, err := Deploy(context.Background(), o)
			if err != nil {
				t.Fatalf("migrate-guard deploy: %v", err)
			}
			if len(sum.Applied) != len(local) {
				t.Fatalf("applied %d of %d migrations", len(sum.Applied), len(local))
			}
			t.Logf("migrate-guard applied %d migrations in %s", len(local), time.Since(start).Round(time.Millisecond))

			start = time.Now()
			script := filepath.Join(t.TempDir(), "all.psql")
			var b strings.Builder
			for _, m := range local {
				abs, err := filepath.Abs(m.Path)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "\\i %s\n", quoteLiteral(abs))
			}
			if err := os.WriteFile(script, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, code := run(t, exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", theirs, "-f", script)); code != 0 {
				t.Fatalf("psql exited %d:\n%s", code, tail(out, 20))
			}
			t.Logf("psql applied %d migrations in %s", len(local), time.Since(start).Round(time.Millisecond))

			mine, psqls := schemaDump(t, pgDump, ours), schemaDump(t, pgDump, theirs)
			if len(mine) < 1000 || !strings.Contains(mine, "CREATE TABLE") {
				t.Fatalf("implausibly small dump (%d bytes)", len(mine))
			}
			if mine != psqls {
				t.Errorf("schemas differ:\n%s", firstDiff(mine, psqls))
			}
		})
	}
}

// schemaDump returns pg_dump's schema of a database without the history
// table and without the random \restrict keys of recent pg_dump releases.
func schemaDump(t *testing.T, pgDump, db string) string {
	t.Helper()
	cmd := exec.Command(pgDump, "--schema-only", "--no-owner", "--exclude-table=_prisma_migrations", "-d", db)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(l, `\restrict `) && !strings.HasPrefix(l, `\unrestrict `) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// firstDiff shows the first differing line of two texts with context.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		if i >= len(la) || i >= len(lb) || la[i] != lb[i] {
			from := max(0, i-3)
			return fmt.Sprintf("line %d:\nmigrate-guard: %q\npsql:          %q", i+1,
				la[from:min(len(la), i+4)], lb[from:min(len(lb), i+4)])
		}
	}
	return ""
}
