package lint_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
)

// TestFlywayExecuteInTransaction: a Flyway script whose .conf says
// executeInTransaction=false runs without a transaction, so CONCURRENTLY
// beside another statement is fine; without the .conf it fails with 25001.
func TestFlywayExecuteInTransaction(t *testing.T) {
	for _, conf := range []bool{false, true} {
		dir := t.TempDir()
		write := func(name, text string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("V1__init.sql", "CREATE TABLE t (id int);\n")
		write("V2__index.sql", "CREATE TABLE u (id int);\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\n")
		if conf {
			write("V2__index.sql.conf", "# Flyway script configuration\nexecuteInTransaction=false\n")
		}
		sets, err := migrations.Discover([]string{dir})
		if err != nil {
			t.Fatal(err)
		}
		res, err := lint.Run(sets, lint.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range res.Findings {
			found = found || f.Rule == "non-transactional-in-transaction"
		}
		if found == conf {
			t.Errorf("with executeInTransaction=false %v: 25001 finding %v", conf, found)
		}
	}
}
