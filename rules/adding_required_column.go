package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// AddingRequiredColumn flags a NOT NULL column without a default added to a
// table that may hold rows.
var AddingRequiredColumn = register(&analysis.Rule{
	ID:       "adding-required-column",
	Severity: analysis.Error,
	Summary:  "NOT NULL column without a default added to an existing table",
	Doc: "PostgreSQL must fill the new column for every existing row. Without a default it has nothing " +
		"to fill it with, so the ALTER TABLE fails with `column contains null values` (SQLSTATE 23502) as " +
		"soon as the table has one row: the deploy breaks in production although it passed on an empty " +
		"development database. Prisma warns about this in the migration header (\"Added the required column " +
		"... without a default value\") but generates it anyway.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL;`,
	Good: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "email" TEXT;`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runAddingRequiredColumn,
})

func runAddingRequiredColumn(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		d := c.Cmd.Def.GetColumnDef()
		if c.Cmd.Subtype != pg.AlterTableType_AT_AddColumn || d == nil || !existing(p, c.Table) {
			continue
		}
		if !requiredWithoutDefault(d) || emptiedBefore(p, p.Stmt.Index, c.Table) != notEmptied {
			continue // an earlier statement of the transaction removed every row
		}
		typ := p.Schema.TypeOf(d.TypeName)
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("adding NOT NULL column %s without a default fails with \"column contains null values\" (23502) once %s has any row",
				sqltext.Ident(d.Colname), c.Table),
			Help: "Add the column as nullable, backfill it (in batches, in a later deploy once the application writes it), " +
				"then enforce NOT NULL through a validated CHECK constraint, which avoids a long ACCESS EXCLUSIVE scan. " +
				"Or give the column a constant DEFAULT if one value fits every existing row. " + prismaEdit,
			Fix:         requiredColumnFix(c.Table, d.Colname, typ),
			FailsOnRows: c.Table,
		})
	}
}

func requiredColumnFix(t catalog.Name, col string, typ catalog.Type) string {
	return fmt.Sprintf(`-- Migration 1: add the column as nullable.
ALTER TABLE %[1]s ADD COLUMN %[2]s %[3]s;
-- Backfill existing rows in batches (a separate data migration) with the value each should hold, which only you know:
-- UPDATE %[1]s SET %[2]s = <value> WHERE %[2]s IS NULL;
`, t, sqltext.Ident(col), typ) + notNullSteps(t, col, 2)
}
