package lint_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/report"
	"github.com/migrate-guard/migrate-guard/stats"
)

// TestCorpusStatsWithoutTheTables: on the four shared Prisma histories, a
// stats file that knows none of their tables changes nothing in the output
// (no size, no estimate, no severity change), as if there were no stats.
func TestCorpusStatsWithoutTheTables(t *testing.T) {
	corpus := corpusDir(t)
	other, err := stats.Parse([]byte(`{"version":1,"tables":[{"schema":"elsewhere","name":"User","rows":50000000,
		"rows_source":"reltuples","heap_bytes":9000000000,"total_bytes":12000000000,"indexes":[]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"triggerdotdev__trigger.dev", "langfuse__langfuse", "hoppscotch__hoppscotch", "umami-software__umami"} {
		t.Run(name, func(t *testing.T) {
			var outs [2]bytes.Buffer
			for i, st := range []*stats.File{nil, other} {
				sets, err := migrations.Discover([]string{filepath.Join(corpus, name)})
				if err != nil {
					t.Fatal(err)
				}
				cfg := lint.DefaultConfig()
				cfg.Stats = st
				res, err := lint.Run(sets, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := report.JSON(&outs[i], res); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
				t.Error("a stats file without the history's tables changed the output")
			}
			if bytes.Contains(outs[0].Bytes(), []byte(`"impact"`)) {
				t.Error("findings carry an impact without stats")
			}
		})
	}
}
