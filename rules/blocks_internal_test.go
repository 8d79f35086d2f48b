package rules

import (
	"fmt"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// statementsWhere replays history, then returns the indexes of the
// statements of sql for which pred holds.
func statementsWhere(t *testing.T, history []string, sql string, pred func(*analysis.Pass) bool) string {
	t.Helper()
	cat := catalog.New()
	for i, h := range history {
		f, err := sqlfile.Parse(fmt.Sprint(i), []byte(h))
		if err != nil {
			t.Fatal(err)
		}
		cat.BeginFile(i + 1)
		for _, s := range f.Stmts {
			cat.Apply(s.Node)
		}
	}
	f, err := sqlfile.Parse("m.sql", []byte(sql))
	if err != nil || len(f.Errors) > 0 {
		t.Fatalf("parse: %v %v", err, f.Errors)
	}
	cat.BeginFile(len(history) + 1)
	before := cat.Clone()
	plan := execution.Build(f, execution.Runner{}, 15)
	p := &analysis.Pass{File: f, Plan: plan, Tx: plan.Tx, Schema: cat, Before: before, PGVersion: 15,
		Facts: analysis.NewFileFacts(f, before)}
	var out []int
	for _, s := range f.Stmts {
		p.Stmt = s
		if pred(p) {
			out = append(out, s.Index)
		}
		cat.Apply(s.Node)
	}
	return fmt.Sprint(out)
}

const blockHistory = `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "role" "Role" NOT NULL DEFAULT 'USER');
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");`

func TestInEnumRemovalBlock(t *testing.T) {
	sql := `ALTER TABLE "User" ADD COLUMN "name" TEXT;
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
ALTER TABLE "User" ALTER COLUMN "email" TYPE VARCHAR(10);`
	if got := statementsWhere(t, []string{blockHistory}, sql, inEnumRemovalBlock); got != "[2 3 4 5 6 7]" {
		t.Errorf("inEnumRemovalBlock holds for statements %s, want [2 3 4 5 6 7]", got)
	}
}

func TestInRedefineIndex(t *testing.T) {
	sql := `CREATE INDEX "User_name_idx" ON "User"("email");
-- RedefineIndex
DROP INDEX "User_email_key";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email", "role");
DROP INDEX "User_name_idx";`
	if got := statementsWhere(t, []string{blockHistory}, sql, inRedefineIndex); got != "[1 2]" {
		t.Errorf("inRedefineIndex holds for statements %s, want [1 2]", got)
	}
}
