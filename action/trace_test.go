package action_test

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestTraceSection: with shadow-database-url the linted migrations are
// traced; the summary gains "Observed on PostgreSQL" with the statement
// that failed on the synthetic rows, and its finding fails the run.
func TestTraceSection(t *testing.T) {
	repo := newRepo(t, map[string]string{initDir: initSQL, handleDir: handleSQL}, "")
	in := map[string]string{"shadow-database-url": pgtest.NewDatabase(t)}
	r := run(t, ghEnv{repo: repo, event: "push", inputs: in})
	wantCode(t, r, 1)
	for _, want := range []string{"### Observed on PostgreSQL 1", "| `" + migration(handleDir) + ":8` |", "failed: ERROR 23502", "trace-failed"} {
		if !strings.Contains(r.summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.summary)
		}
	}
	if !strings.Contains(r.stdout, "::group::Trace prisma/migrations\n") {
		t.Errorf("no trace group in the log:\n%s", r.stdout)
	}
}
