package cli

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/deploy"
)

// TestPrintStatusProgress: status shows how far a failed
// statement-by-statement migration got and names the invalid indexes.
func TestPrintStatusProgress(t *testing.T) {
	rep := &deploy.StatusReport{
		Target: "app@db:5432/app",
		Migrations: []deploy.MigrationStatus{
			{Name: "20240101000000_init", State: deploy.StateApplied},
			{Name: "20240102000000_index", State: deploy.StateFailed, Progress: "1 of 2 statements completed; the next deploy resumes at statement 2 while migration.sql is unchanged"},
		},
		InvalidIndexes: []string{`"User_createdAt_idx"`},
	}
	var b strings.Builder
	printStatus(&b, rep)
	for _, want := range []string{
		"failed       20240102000000_index\n               1 of 2 statements completed; the next deploy resumes at statement 2",
		`invalid index "User_createdAt_idx": left by a failed or interrupted concurrent build`,
		"1 failed",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status output lacks %q:\n%s", want, b.String())
		}
	}
}
