package lint_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/lint"
)

// requiredThenLocks adds a NOT NULL column without a default to "Post"
// (which fails on any row), then builds an index and a foreign key on it.
const requiredThenLocks = `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_author_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");

-- CreateIndex
CREATE INDEX "User_name_idx" ON "User"("name");
`

// TestLocksFoldIntoRequiredColumn checks that the lock findings on a table
// the migration can only change while it is empty fold into the finding of
// the failure, which names them, and that those on other tables stay.
func TestLocksFoldIntoRequiredColumn(t *testing.T) {
	fs := lintLast(t, lint.DefaultConfig(), prismaHistory, requiredThenLocks)
	if got, want := brief(fs), "2:20-2:50 adding-required-column\n11:1-11:46 require-concurrent-index\n"; got != want {
		t.Fatalf("findings\n%s, want\n%s\n%s", got, want, dump(fs))
	}
	if want := `so the migration only succeeds while "Post" is empty, where its locks last no time: the findings about them ` +
		`are folded into this one: require-concurrent-index (line 5), constraint-missing-not-valid (line 8)`; !strings.HasSuffix(fs[0].Message, want) {
		t.Errorf("message %q\nlacks %q", fs[0].Message, want)
	}
	if got, want := fmt.Sprint(fs[0].Folded), "[{require-concurrent-index 5} {constraint-missing-not-valid 8}]"; got != want {
		t.Errorf("Folded = %s, want %s", got, want)
	}
}

// TestFoldKeepsFindingsWithoutTheFailure checks that with the failure's
// rule off nothing is folded away: the lock findings are reported as usual.
func TestFoldKeepsFindingsWithoutTheFailure(t *testing.T) {
	cfg := lint.DefaultConfig()
	cfg.Rules["adding-required-column"] = analysis.Off
	fs := lintLast(t, cfg, prismaHistory, requiredThenLocks)
	want := "5:1-5:53 require-concurrent-index\n8:20-8:101 constraint-missing-not-valid\n11:1-11:46 require-concurrent-index\n"
	if got := brief(fs); got != want {
		t.Errorf("findings\n%s, want\n%s\n%s", got, want, dump(fs))
	}
}

// TestSingleRowTableIsQuiet checks that work on a table whose constraints
// allow one row (a settings table's CHECK (id = 1)) draws no lock finding,
// while the same statement on an ordinary table does.
func TestSingleRowTableIsQuiet(t *testing.T) {
	const settings = `CREATE TABLE "Settings" ("id" INTEGER NOT NULL DEFAULT 1, "theme" TEXT,
    CONSTRAINT "Settings_pkey" PRIMARY KEY ("id"), CONSTRAINT "Settings_single" CHECK ("id" = 1));
`
	const work = `CREATE INDEX "Settings_theme_idx" ON "Settings"("theme");
ALTER TABLE "Settings" ALTER COLUMN "theme" SET DATA TYPE VARCHAR(20);
CREATE INDEX "User_name_idx" ON "User"("name");
`
	fs := lintLast(t, lint.DefaultConfig(), prismaHistory+settings, work)
	if got, want := brief(fs), "3:1-3:46 require-concurrent-index\n"; got != want {
		t.Errorf("findings\n%s, want\n%s\n%s", got, want, dump(fs))
	}
	// Without the CHECK the table may hold any number of rows.
	fs = lintLast(t, lint.DefaultConfig(), prismaHistory+strings.Replace(settings, `, CONSTRAINT "Settings_single" CHECK ("id" = 1)`, "", 1), work)
	if n := strings.Count(brief(fs), "\n"); n != 3 {
		t.Errorf("without the CHECK: %d findings, want 3\n%s", n, dump(fs))
	}
}

// TestEmptiedTableTakesRequiredColumn checks that a NOT NULL column added
// after the same transaction deleted or truncated every row is not a
// failure: nothing is folded, and the index build after a DELETE, which
// still scans the deleted tuples under the lock, keeps its finding, while
// after TRUNCATE the table is empty and locked already, so it has none.
// Run statement by statement, the rows may come back in between.
func TestEmptiedTableTakesRequiredColumn(t *testing.T) {
	const tail = `ALTER TABLE "Post" ADD COLUMN "slug" TEXT NOT NULL;
CREATE INDEX "Post_slug_idx" ON "Post"("slug");
`
	for _, c := range []struct{ name, runner, empty, want string }{
		{"delete", "", `DELETE FROM "Post";`, "1:1-1:18 update-or-delete-without-where\n3:1-3:46 require-concurrent-index\n"},
		{"truncate", "", `TRUNCATE "Post";`, "1:1-1:15 truncate-table\n"},
		{"delete, then committed", "prisma@7.8.0", `DELETE FROM "Post";`,
			"1:1-1:18 update-or-delete-without-where\n2:1-2:50 require-lock-timeout\n2:20-2:50 adding-required-column\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := lint.DefaultConfig()
			if c.runner != "" {
				r, err := execution.ParseRunner(c.runner)
				if err != nil {
					t.Fatal(err)
				}
				cfg.Runner = r
			}
			fs := lintLast(t, cfg, prismaHistory, c.empty+"\n"+tail)
			if got := brief(fs); got != c.want {
				t.Errorf("findings\n%s, want\n%s\n%s", got, c.want, dump(fs))
			}
		})
	}
}
