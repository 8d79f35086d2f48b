package cli_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/linttest"
	"github.com/migrate-guard/migrate-guard/ruledoc"
	"github.com/migrate-guard/migrate-guard/rules"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// exampleMigration is where the golden projects put a rule's example.
const exampleMigration = "prisma/migrations/20240201000000_example/migration.sql"

// TestRuleExamplesGolden pins what users see for every rule's documented
// examples: `migrate-guard lint --format text` (no colour: the output is not a
// terminal) and `--format json` on a Prisma project whose history is the rule
// pages' example app and whose next migration is the example, byte for byte,
// in testdata/golden/<rule-id>.{bad,good}.{txt,json}. The configuration is the
// default one, with an opt-in rule turned on as a notice as its page says,
// deployed-by set to the rule's ExampleRunner when it has one, and
// --base-schema its BaseSchema for the release rules; every
// finding of every rule shows, so noise a change adds shows too.
func TestRuleExamplesGolden(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	goldens := map[string]bool{} // every golden, also those of subtests -run skips
	for _, r := range rules.All() {
		for _, ex := range []struct{ kind, sql string }{{"bad", r.Bad}, {"good", r.Good}} {
			if ex.sql == "" {
				continue
			}
			goldens[r.ID+"."+ex.kind+".txt"], goldens[r.ID+"."+ex.kind+".json"] = true, true
			t.Run(r.ID+"/"+ex.kind, func(t *testing.T) {
				args := []string{"lint"}
				if r.Severity == analysis.Off {
					args = append(args, "--rule", r.ID+"=notice")
				}
				if r.ExampleRunner != "" {
					args = append(args, "--deployed-by", r.ExampleRunner)
				}
				exampleProject(t, ex.sql)
				if r.BaseSchema != "" { // the running release's schema the example is checked against
					write(t, "base.prisma", r.BaseSchema)
					args = append(args, "--base-schema", "base.prisma")
				}
				for _, f := range []struct{ format, ext string }{{"text", "txt"}, {"json", "json"}} {
					code, stdout, stderr := run(append(args, "--format", f.format, exampleMigration)...)
					if code == 2 || stderr != "" {
						t.Fatalf("exit %d, stderr:\n%s", code, stderr)
					}
					linttest.Golden(t, filepath.Join(dir, r.ID+"."+ex.kind+"."+f.ext), []byte(stdout), *update)
				}
			})
		}
	}
	linttest.Orphans(t, dir, goldens, *update)
}

// exampleProject writes a Prisma project holding ruledoc.History and then
// sql, with an empty migrate-guard.toml so that no configuration above the
// temporary directory applies, and changes into it.
func exampleProject(t *testing.T, sql string) {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "migrate-guard.toml"), "")
	write(t, filepath.Join(root, "prisma", "migrations", "migration_lock.toml"), "provider = \"postgresql\"\n")
	write(t, filepath.Join(root, "prisma", "migrations", "20240101000000_init", "migration.sql"), ruledoc.History)
	write(t, filepath.Join(root, filepath.FromSlash(exampleMigration)), sql)
	t.Chdir(root)
}
