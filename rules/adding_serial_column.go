package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// AddingSerialColumn flags a SERIAL, BIGSERIAL or SMALLSERIAL column added
// to a table that may hold rows.
var AddingSerialColumn = register(&analysis.Rule{
	ID:             "adding-serial-column",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "SERIAL/BIGSERIAL/SMALLSERIAL column added to an existing table",
	Doc: "A serial column is an integer column whose default is nextval() of a new sequence. Added to a table " +
		"that holds rows, every existing row needs its own number, so PostgreSQL rewrites the whole table and " +
		"rebuilds its indexes while it holds an ACCESS EXCLUSIVE lock: every read and write of the table waits " +
		"until the rewrite is done, minutes on a large table. Prisma writes SERIAL for an " +
		"`Int @default(autoincrement())` field added to an existing model. Adding a plain nullable integer column, " +
		"its sequence and the default for new rows touches no row; existing rows are then numbered in batches, " +
		"and NOT NULL is enforced through a validated CHECK constraint.",
	Bad: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "number" SERIAL NOT NULL;`,
	Good: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "number" INTEGER;
CREATE SEQUENCE "Post_number_seq" AS INTEGER OWNED BY "Post"."number";
ALTER TABLE "Post" ALTER COLUMN "number" SET DEFAULT nextval('"Post_number_seq"');`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runAddingSerialColumn,
})

func runAddingSerialColumn(p *analysis.Pass) {
	for _, c := range addedColumns(p) {
		if !catalog.IsSerial(c.Def.TypeName) {
			continue
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: rewriteMessage(p, fmt.Sprintf("adding serial column %s.%s gives every existing row its own number from a new sequence",
				c.Table, sqltext.Ident(c.Def.Colname)), c.Table),
			Help: "Add the column as a plain nullable integer, create its sequence and set the default for new rows: no row is " +
				"touched. Then number the existing rows in batches, each its own transaction, and make the column NOT NULL " +
				"through a validated CHECK constraint. " + prismaEdit,
			Fix:    sequenceColumnFix(c.Table, c.Def),
			Impact: impactOn(p, c.Table, analysis.Rewrite),
		})
	}
}
