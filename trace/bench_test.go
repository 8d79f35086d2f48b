package trace_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/trace"
)

// BenchmarkTraceTriggerDevNewest traces the newest migration of
// trigger.dev's history with the default rows per table: a fresh shadow
// database, the 800-odd earlier migrations replayed, every table filled,
// the migration traced. Run with -benchtime=1x: one run takes tens of
// seconds.
func BenchmarkTraceTriggerDevNewest(b *testing.B) {
	dir := filepath.Join(corpusDirB(b), "triggerdotdev__trigger.dev")
	sets := newestB(b, dir)
	for i := 0; i < b.N; i++ {
		res, err := trace.Run(context.Background(), sets, trace.Options{URL: pgtest.NewDatabase(b)})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.Logf("%d statements traced, %d tables left empty, %d findings", len(res.Statements), len(res.Unfilled), len(res.Findings))
		}
	}
}
