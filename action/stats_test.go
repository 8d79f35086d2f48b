package action_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestStatsFile: with input stats-file, lint findings state the table's
// size and estimate, in the annotations, the job summary (Markdown) and the
// JSON report.
func TestStatsFile(t *testing.T) {
	index := "-- CreateIndex\nCREATE INDEX \"User_email_idx\" ON \"User\"(\"email\");\n"
	repo := newRepo(t, map[string]string{initDir: initSQL, handleDir: index}, "require-concurrent-index = \"warning\"\n")
	write(t, filepath.Join(repo, "prod-stats.json"), `{"version":1,"tables":[{"schema":"public","name":"User","rows":50000000,
		"rows_source":"reltuples","heap_bytes":6000000000,"total_bytes":8000000000,"indexes":[]}]}`)
	r := run(t, ghEnv{repo: repo, event: "push", inputs: map[string]string{"stats-file": "prod-stats.json"}})
	wantCode(t, r, 1)
	if !strings.Contains(r.annotations(), `("User": 50 M rows, 7.45 GB, no index; writes blocked for an estimated `) {
		t.Errorf("annotations do not state the size:\n%s", r.annotations())
	}
	if !strings.Contains(r.summary, `50 M rows, 7.45 GB, no index; writes blocked for an estimated `) {
		t.Errorf("the job summary does not state the size:\n%s", r.summary)
	}
	if !strings.Contains(r.reportJS, `"impact": {`) || !strings.Contains(r.reportJS, `"table": "public.User"`) {
		t.Errorf("report JSON has no impact:\n%s", r.reportJS)
	}
}
