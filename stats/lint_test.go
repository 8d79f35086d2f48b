package stats_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/cli"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

const history = `-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
`

const addIndex = `-- CreateIndex
CREATE INDEX "User_email_idx" ON "User"("email");
`

// finding is the part of a JSON finding these tests look at.
type finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Impact   *struct {
		Table            string     `json:"table"`
		Rows             int64      `json:"rows"`
		Bytes            int64      `json:"bytes"`
		Lock             string     `json:"lock"`
		Blocks           string     `json:"blocks"`
		EstimatedSeconds [2]float64 `json:"estimated_seconds"`
	} `json:"impact"`
}

// project writes a Prisma history whose last migration builds an index on
// "User", and returns its migrations directory.
func project(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "prisma", "migrations")
	writeFile(t, filepath.Join(dir, "migration_lock.toml"), "provider = \"postgresql\"\n")
	writeFile(t, filepath.Join(dir, "20240101000000_init", "migration.sql"), history)
	writeFile(t, filepath.Join(dir, "20240201000000_index", "migration.sql"), addIndex)
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(args ...string) (int, string, string) {
	var o, e bytes.Buffer
	code := cli.Main(args, &o, &e)
	return code, o.String(), e.String()
}

// indexFinding lints the project's newest migration and returns its
// require-concurrent-index finding.
func indexFinding(t *testing.T, dir string, args ...string) finding {
	t.Helper()
	code, out, errs := run(append(append([]string{"lint", "--format", "json", "--fail-on", "never"}, args...),
		filepath.Join(dir, "20240201000000_index", "migration.sql"))...)
	if code != 0 {
		t.Fatalf("lint exit %d: %s", code, errs)
	}
	var doc struct{ Findings []finding }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range doc.Findings {
		if f.Rule == "require-concurrent-index" {
			return f
		}
	}
	t.Fatalf("no require-concurrent-index finding in %s", out)
	return finding{}
}

// TestLintWithStats: the same migration is a notice on a 1,000-row table
// measured on a real server, an error on a table the stats say holds 50 M
// rows, and unchanged on a table the stats do not know.
func TestLintWithStats(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, dbURL)
	for _, s := range []string{history, `INSERT INTO "User" (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 1000) g`, "ANALYZE"} {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	dir := project(t)
	small := filepath.Join(t.TempDir(), "stats.json")
	if code, out, errs := run("stats", "--database-url", dbURL, "-o", small); code != 0 || !strings.Contains(out, "2 tables") && !strings.Contains(out, "1 tables") {
		t.Fatalf("stats: exit %d, %q, %q", code, out, errs)
	}

	plain := indexFinding(t, dir)
	if plain.Severity != "warning" || plain.Impact != nil {
		t.Fatalf("without stats: %+v", plain)
	}

	f := indexFinding(t, dir, "--stats", small)
	if f.Severity != "notice" || f.Impact == nil || f.Impact.Table != "public.User" || f.Impact.Rows != 1000 ||
		f.Impact.Lock != "SHARE" || f.Impact.Blocks != "writes" || f.Impact.EstimatedSeconds[1] >= 1 {
		t.Errorf("1,000 rows: %+v %+v", f, f.Impact)
	}
	if !strings.HasPrefix(f.Message, plain.Message+` ("User": 1000 rows, `) || !strings.Contains(f.Message, "writes blocked for an estimated") {
		t.Errorf("1,000 rows: message %q", f.Message)
	}

	large := filepath.Join(t.TempDir(), "large.json")
	writeFile(t, large, `{"version":1,"tables":[{"schema":"public","name":"User","rows":50000000,"rows_source":"reltuples",
		"heap_bytes":6000000000,"total_bytes":8000000000,"indexes":[{"name":"User_pkey","bytes":2000000000,"method":"btree","unique":true}]}]}`)
	f = indexFinding(t, dir, "--stats", large)
	if f.Severity != "error" || f.Impact == nil || f.Impact.Rows != 50_000_000 || f.Impact.EstimatedSeconds[0] <= 30 {
		t.Errorf("50 M rows: %+v %+v", f, f.Impact)
	}
	if !strings.Contains(f.Message, `("User": 50 M rows, 7.45 GB, 1 index; writes blocked for an estimated `) ||
		!strings.Contains(f.Message, "built CONCURRENTLY it would run for an estimated") {
		t.Errorf("50 M rows: message %q", f.Message)
	}

	// A rule severity set in the configuration is kept.
	if f := indexFinding(t, dir, "--stats", large, "--rule", "require-concurrent-index=warning"); f.Severity != "warning" || f.Impact == nil {
		t.Errorf("configured severity: %+v", f)
	}

	other := filepath.Join(t.TempDir(), "other.json")
	writeFile(t, other, `{"version":1,"tables":[{"schema":"public","name":"Post","rows":50000000,"rows_source":"reltuples",
		"heap_bytes":6000000000,"total_bytes":8000000000,"indexes":[]}]}`)
	if f := indexFinding(t, dir, "--stats", other); f.Severity != plain.Severity || f.Message != plain.Message || f.Impact != nil {
		t.Errorf("table missing from the stats: %+v, want %+v", f, plain)
	}
}

// TestLintBadStatsFile: a stats file of another version, or malformed, is a
// one-line error that names it, and nothing is linted.
func TestLintBadStatsFile(t *testing.T) {
	dir := project(t)
	tmp := t.TempDir()
	for name, content := range map[string]string{
		"v2.json":        `{"version":2,"tables":[]}`,
		"malformed.json": "{\"version\":1,\n\"tables\":[{\"schema\":\"public\",\"name\":\"User\",\"rows\":12,}]}",
	} {
		p := filepath.Join(tmp, name)
		writeFile(t, p, content)
		code, out, errs := run("lint", "--stats", p, dir)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, p+": ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, errs)
		}
	}
}

// TestStatsCommand: calibrate stores throughputs in the stats file, a new
// snapshot into the same file keeps them, lint estimates with them, and a
// password in the URL never reaches the output.
func TestStatsCommand(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, dbURL)
	if _, err := conn.Exec(context.Background(), history+`; INSERT INTO "User" (email) SELECT 'u' || g FROM generate_series(1, 2000) g; ANALYZE`); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "stats.json")
	if code, _, errs := run("stats", "calibrate", "--database-url", dbURL, "-o", file, "--rows", "20000"); code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, errs)
	}
	if code, _, errs := run("stats", "--database-url", dbURL, "-o", file); code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tables      []struct{ Name string }
		Throughputs *struct {
			Server string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Throughputs == nil || doc.Throughputs.Server == "" || len(doc.Tables) != 1 || doc.Tables[0].Name != "User" {
		t.Errorf("stats file after calibrate and snapshot:\n%s", data)
	}
	if f := indexFinding(t, project(t), "--stats", file); f.Impact == nil || f.Impact.Rows != 2000 {
		t.Errorf("lint with the calibrated file: %+v", f)
	}

	const password = "s3cret-Passw0rd"
	code, out, errs := run("stats", "--database-url", "postgresql://someone:"+password+"@127.0.0.1:1/app?schema=public")
	if code != 2 || strings.Contains(out+errs, password) || !strings.Contains(errs, "someone@127.0.0.1:1/app") {
		t.Errorf("unreachable server: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
