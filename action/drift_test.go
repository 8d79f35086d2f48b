package action_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

// TestDeployCheckDrift: with check-drift, a deploy over a hotfix made by
// hand is refused and applies nothing; allow-drift only warns.
func TestDeployCheckDrift(t *testing.T) {
	dbURL, shadowURL := pgtest.NewDatabase(t), pgtest.NewDatabase(t)
	repo := newRepo(t, map[string]string{initDir: initSQL}, "")
	in := map[string]string{"command": "deploy", "database-url": dbURL, "check-drift": "true", "shadow-database-url": shadowURL}
	r := run(t, ghEnv{repo: repo, event: "push", inputs: in})
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "no drift from the 0 applied migrations") {
		t.Errorf("log:\n%s", r.stdout)
	}

	if _, err := pgtest.Connect(t, dbURL).Exec(context.Background(), `CREATE INDEX "User_createdAt_idx" ON "User" ("createdAt")`); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(repo, migration(bioDir)), bioSQL)
	r = run(t, ghEnv{repo: repo, event: "push", inputs: in})
	wantCode(t, r, 1)
	wantOutputs(t, r, map[string]string{"applied": "0"})
	if !strings.Contains(r.stdout, "extra    index public.User_createdAt_idx") ||
		!strings.Contains(r.annotations(), "::error title=migrate-guard deploy::the database has drifted from its history (1 difference)") {
		t.Errorf("not refused on drift:\n%s", r.stdout)
	}

	in["allow-drift"] = "true"
	r = run(t, ghEnv{repo: repo, event: "push", inputs: in})
	wantCode(t, r, 0)
	wantOutputs(t, r, map[string]string{"applied": "1"})
	if !strings.Contains(r.stdout, "warning: deploying over the drift") {
		t.Errorf("no warning:\n%s", r.stdout)
	}
}
