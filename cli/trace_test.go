package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// traceDir writes a Prisma history whose last migration fails on existing
// rows at line 3.
func traceDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "migrations")
	files := map[string]string{
		"20240101000000_init/migration.sql": "CREATE TABLE \"User\" (id serial PRIMARY KEY, email text NOT NULL);\n",
		"20240201000000_slug/migration.sql": "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN nick text;\nALTER TABLE \"User\" ADD COLUMN slug text NOT NULL;\n",
		"migration_lock.toml":               "provider = \"postgresql\"\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestTraceFailingMigration: a migration that fails on the synthetic rows is
// reported at its file:line, and the shadow database is dropped all the same.
func TestTraceFailingMigration(t *testing.T) {
	server := pgtest.NewDatabase(t)
	dir := traceDir(t)
	last := filepath.Join(dir, "20240201000000_slug", "migration.sql")
	code, stdout, stderr := run("trace", "--shadow-url", server, "--rows", "100", last)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "error[trace-failed]") || !strings.Contains(stdout, last+":3:1") ||
		!strings.Contains(stdout, "23502") {
		t.Errorf("the failure is not reported at %s:3 with its SQLSTATE:\n%s", last, stdout)
	}
	var n int
	conn := pgtest.Connect(t, server)
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_database WHERE datname LIKE 'migrate_guard_shadow_%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d shadow databases left on the server", n)
	}
}

// TestTraceRefusesDatabaseWithTables: a shadow URL to a database holding
// tables is refused in one line, before anything runs.
func TestTraceRefusesDatabaseWithTables(t *testing.T) {
	server := pgtest.NewDatabase(t)
	if _, err := pgtest.Connect(t, server).Exec(context.Background(), `CREATE TABLE "Customer" (id int)`); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run("trace", "--shadow-url", server, traceDir(t))
	if code != 2 || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, stdout)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.Contains(stderr, "refusing") ||
		!strings.Contains(stderr, "public.Customer") {
		t.Errorf("stderr = %q, want one line refusing the database and naming public.Customer", stderr)
	}
}

// TestTraceJSON checks the stable JSON shape on a clean migration.
func TestTraceJSON(t *testing.T) {
	dir := traceDir(t)
	first := filepath.Join(dir, "20240101000000_init", "migration.sql")
	code, stdout, stderr := run("trace", "--shadow-url", pgtest.NewDatabase(t), "--rows", "10", "--format", "json", first)
	if code != 0 {
		t.Fatalf("exit %d; stderr: %s", code, stderr)
	}
	for _, field := range []string{`"version": 1`, `"runner": "unset"`, `"server_version": "`, `"rows_per_table": 10`,
		`"statements": [`, `"file": "` + first + `"`, `"line": 1`, `"end_line": 1`, `"duration_ms": `, `"locks": []`,
		`"rewritten": []`, `"error": null`, `"findings": []`} {
		if !strings.Contains(stdout, field) {
			t.Errorf("JSON lacks %s:\n%s", field, stdout)
		}
	}
}
