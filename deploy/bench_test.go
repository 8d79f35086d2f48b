package deploy

import (
	"context"
	"io"
	"os"
	"path/filepath"
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
