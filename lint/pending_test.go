package lint_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
)

// TestPendingMigrations: in a pull request that adds two migrations, the
// table the first creates is still empty when the second indexes it; when
// the whole history is linted, the first was deployed (and filled) before
// the second ran.
func TestPendingMigrations(t *testing.T) {
	createTag := "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL, \"name\" TEXT NOT NULL);\n"
	indexTag := "-- CreateIndex\nCREATE INDEX \"Tag_name_idx\" ON \"Tag\"(\"name\");\n"
	dir, paths := writePrisma(t, postgresLock, prismaHistory, createTag, indexTag)
	count := func(res *lint.Result) int {
		n := 0
		for _, f := range res.Findings {
			if f.Rule == "require-concurrent-index" {
				n++
			}
		}
		return n
	}
	if n := count(lintPaths(t, lint.DefaultConfig(), paths[1], paths[2])); n != 0 {
		t.Errorf("pull request mode: %d require-concurrent-index findings on a table the same pull request creates, want 0", n)
	}
	if n := count(lintPaths(t, lint.DefaultConfig(), paths[2])); n != 1 {
		t.Errorf("only the index migration named: %d findings, want 1 (the table's migration is deployed)", n)
	}
	if n := count(lintPaths(t, lint.DefaultConfig(), dir)); n != 1 {
		t.Errorf("whole history: %d findings, want 1", n)
	}
}
