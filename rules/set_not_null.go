package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// SetNotNull flags SET NOT NULL on an existing table when PostgreSQL has to
// scan the table to prove it.
var SetNotNull = register(&analysis.Rule{
	ID:             "set-not-null",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "SET NOT NULL scans an existing table under an ACCESS EXCLUSIVE lock",
	Doc: "ALTER COLUMN ... SET NOT NULL takes an ACCESS EXCLUSIVE lock on the table and keeps it while " +
		"PostgreSQL reads every row to prove the column holds no NULL: all reads and writes on the table wait " +
		"for the whole scan. If one NULL remains the statement fails with SQLSTATE 23502 and the deploy breaks. " +
		"Prisma generates it when an optional field becomes required. From PostgreSQL 12 on, a validated " +
		"`CHECK (col IS NOT NULL)` constraint lets SET NOT NULL skip the scan, and that constraint can be added " +
		"NOT VALID and validated without blocking reads or writes.",
	Bad: `-- AlterTable
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;`,
	Good: `-- Normally two migrations; COMMIT ends the first transaction here.
BEGIN;
ALTER TABLE "User" ADD CONSTRAINT "User_name_not_null" CHECK ("name" IS NOT NULL) NOT VALID;
COMMIT;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_name_not_null";
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
ALTER TABLE "User" DROP CONSTRAINT "User_name_not_null";`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runSetNotNull,
})

func runSetNotNull(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		if c.Cmd.Subtype != pg.AlterTableType_AT_SetNotNull || !existing(p, c.Table) || provenNotNull(p, c.Table, c.Cmd.Name) {
			continue
		}
		help := "Backfill the NULLs first. Then prove the rule with a CHECK (col IS NOT NULL) constraint added NOT VALID " +
			"(a brief lock, no scan), validate it in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on), " +
			"and SET NOT NULL after it, which PostgreSQL 12 and later accept from the validated check without scanning. "
		if p.PGVersion < 12 {
			help += fmt.Sprintf("On PostgreSQL %d SET NOT NULL scans anyway: keep the validated check instead, or set "+
				"NOT NULL after upgrading. ", p.PGVersion)
		}
		im := impactOn(p, c.Table, analysis.NotNullScan)
		im.KeepSeverity = true // it also fails on a NULL left in the table
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("SET NOT NULL on %s scans every row of %s, and for the whole scan runs under %s; it fails with "+
				"SQLSTATE 23502 if any row is still NULL", sqltext.Ident(c.Cmd.Name), c.Table,
				underSlow(p, c.Table)),
			Help:   help + prismaEdit,
			Fix:    setNotNullFix(p, c.Table, c.Cmd.Name),
			Impact: im,
		})
	}
}

// setNotNullFix is the safe way to SET NOT NULL, reusing a CHECK (col IS
// NOT NULL) the table already has: adding another under its name would fail
// with 42710.
func setNotNullFix(p *analysis.Pass, table catalog.Name, col string) string {
	var k *catalog.Constraint
	if t := p.Schema.Table(table); t != nil {
		for i := range t.Constraints {
			if c := &t.Constraints[i]; c.Kind == catalog.Check && c.NotNullOf == col {
				k = c
			}
		}
	}
	switch {
	case k == nil:
		return nullsQuery(table, col) + "\n" + notNullSteps(table, col, 1)
	case k.Validated: // PostgreSQL 11, which scans despite the check
		return fmt.Sprintf("-- Keep the validated check %s, which already rejects NULLs, and drop this statement;\n"+
			"-- or SET NOT NULL after upgrading to PostgreSQL 12, which proves it from the check without scanning.", sqltext.Ident(k.Name))
	}
	return fmt.Sprintf(`%s
-- Migration 1 (its own migration, so validation holds no ACCESS EXCLUSIVE lock): validate the existing check.
ALTER TABLE %[2]s VALIDATE CONSTRAINT %[3]s;
ALTER TABLE %[2]s ALTER COLUMN %[4]s SET NOT NULL;`, nullsQuery(table, col), table, sqltext.Ident(k.Name), sqltext.Ident(col))
}
