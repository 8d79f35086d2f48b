package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// BenchmarkDeployCorpus deploys trigger.dev's 820 migrations to an empty
// database on the test cluster; bench/deploy-vs-psql.sh compares the same
// deploy with psql's. Run with -benchtime=3x: each run takes seconds.
func BenchmarkDeployCorpus(b *testing.B) {
	dir := filepath.Join("..", "..", "shared", "corpus", "triggerdotdev__trigger.dev")
	if _, err := os.Stat(filepath.Join(dir, "migration_lock.toml")); err != nil {
		b.Skipf("corpus absent: %v", err)
	}
	for b.Loop() {
		b.StopTimer()
		o := DefaultOptions()
		o.Dir, o.DatabaseURL, o.Out = dir, pgtest.NewDatabase(b), io.Discard
		b.StartTimer()
		sum, err := Deploy(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		if len(sum.Applied) != 820 {
			b.Fatalf("applied %d migrations, want 820", len(sum.Applied))
		}
	}
}

// BenchmarkDeployLargeInsert deploys one migration holding a 50 MB
// multi-row INSERT (issue 11: Prisma peaks at 636 MB) and reports the
// process's peak RSS. Run it alone, the peak is the process's:
// go test -run '^$' -bench DeployLargeInsert -benchtime 1x ./deploy/
func BenchmarkDeployLargeInsert(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "migrations")
	path := filepath.Join(dir, "20240101000000_big", "migration.sql")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "migration_lock.toml"), []byte(lockFile), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, largeInsert(50<<20), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		o := DefaultOptions()
		o.Dir, o.DatabaseURL, o.Out = dir, pgtest.NewDatabase(b), io.Discard
		b.StartTimer()
		if _, err := Deploy(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
}

// largeInsert is a CREATE TABLE and one INSERT of about size bytes.
func largeInsert(size int) []byte {
	var buf bytes.Buffer
	buf.WriteString("-- CreateTable\nCREATE TABLE \"Big\" (\"id\" INTEGER NOT NULL, \"name\" TEXT NOT NULL, \"note\" TEXT);\n\n")
	buf.WriteString("INSERT INTO \"Big\" (\"id\", \"name\", \"note\") VALUES\n")
	for i := 1; buf.Len() < size; i++ {
		if i > 1 {
			buf.WriteString(",\n")
		}
		fmt.Fprintf(&buf, "(%d, 'name %d', 'a note of some length for row %d')", i, i, i)
	}
	buf.WriteString(";\n")
	return buf.Bytes()
}
