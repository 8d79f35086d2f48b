package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DropColumn flags a column dropped from a table that serves traffic.
var DropColumn = register(&analysis.Rule{
	ID:       "drop-column",
	Severity: analysis.Error,
	Summary:  "column dropped from an existing table",
	Doc: "Dropping a column deletes its data for good: only a backup brings it back. It also breaks the " +
		"application instances still running the previous release: Prisma Client names every scalar field " +
		"of a model in its queries, so from the moment the migration runs until those instances are " +
		"replaced, every query of the model fails with `column does not exist` (SQLSTATE 42703). " +
		"The safe way is expand-contract: first ship code that no longer reads or writes the column, then " +
		"drop it in a later migration, and mark that contract step with a suppression that says why. " +
		"DROP COLUMN itself is quick, but it takes an ACCESS EXCLUSIVE lock that waits behind long queries " +
		"while every later query of the table waits behind it, so give it a short lock_timeout. A column " +
		"dropped from a table created in the same migration is not reported, and a drop that Prisma " +
		"generated for a renamed field is reported by drop-add-rename instead. When an earlier UPDATE or " +
		"INSERT ... SELECT of the migration copied the column's values (a hand-written type change or move), " +
		"no data is lost: the drop is reported only if no later statement gives a column its name back.",
	Bad: `/*
  Warnings:

  - You are about to drop the column ` + "`name`" + ` on the ` + "`User`" + ` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "User" DROP COLUMN "name";`,
	Good: `-- The release that removed User.name from schema.prisma is fully deployed.
SET lock_timeout = '5s';
-- AlterTable
-- migrate-guard-ignore drop-column -- contract step: no code reads "name" since release 42
ALTER TABLE "User" DROP COLUMN "name";`,
	Requires: []analysis.Result{alterCmdsResult, renamesResult},
	Run:      runDropColumn,
})

func runDropColumn(p *analysis.Pass) {
	var r *renames
	for _, c := range alterCmds(p) {
		if !dropsData(p, c) {
			continue
		}
		if maps, known := baseMaps(p, c.Table, c.Cmd.Name); known && !maps {
			continue // contract step: the running release no longer maps the column (release-column-removed)
		}
		if r == nil {
			found := renamesResult.Of(p)
			r = &found
		}
		key := colKey{c.Table, c.Cmd.Name}
		if restored, ok := r.copiedCols[key]; ok {
			if !restored {
				reportDropColumn(p, c, true)
			}
		} else if typ, ok := r.recreated[key]; ok {
			reportRecreated(p, c, typ)
		} else if r.column(p.Stmt.Index, c.Table, c.Cmd.Name) == nil {
			reportDropColumn(p, c, false)
		}
	}
}

// reportDropColumn reports a dropped column; copied tells that an earlier
// statement of the file copied its values, so only old code suffers.
func reportDropColumn(p *analysis.Pass, c alterCmd, copied bool) {
	loss := "deletes its data for good, and"
	if copied {
		loss = "loses no data (an earlier statement of this migration copied its values), but"
	}
	p.ReportAt(c.Span, analysis.Report{
		Message: fmt.Sprintf("dropping column %s of %s %s instances still running the old code fail with 42703 "+
			"\"column does not exist\" until redeployed: the old Prisma Client selects every scalar field by name",
			sqltext.Ident(c.Cmd.Name), c.Table, loss),
		Help: "Use expand-contract: first deploy code that no longer reads or writes the column (remove the field from " +
			"schema.prisma, and delete this DROP COLUMN from the generated migration), then drop the column in a later " +
			"migration; `prisma migrate dev` generates the drop again. If this IS that contract step, suppress the finding " +
			"with a reason: `-- migrate-guard-ignore drop-column -- <reason>`. DROP COLUMN takes a brief ACCESS EXCLUSIVE " +
			"lock that queues behind long queries and blocks every read and write queued after it, so set a short " +
			"lock_timeout as below. " + prismaEdit,
		Fix: setLockTimeout(p) + fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", c.Table, sqltext.Ident(c.Cmd.Name)),
	})
}

// reportRecreated reports a column dropped and added again under the same
// name, which Prisma generates for some type changes.
func reportRecreated(p *analysis.Pass, c alterCmd, typ catalog.Type) {
	p.ReportAt(c.Span, analysis.Report{
		Message: fmt.Sprintf("column %s of %s is dropped and added again in this migration: every value it holds is deleted "+
			"and the new column starts empty (NULL or its default)", sqltext.Ident(c.Cmd.Name), c.Table),
		Help: "To change the column's type and keep its values, replace the DROP COLUMN and ADD COLUMN with one " +
			"ALTER COLUMN ... TYPE ... USING that converts them (adjust the USING expression). It rewrites the table under " +
			"an ACCESS EXCLUSIVE lock that blocks reads and writes; on a large table add a new column, backfill it in " +
			"batches and switch the code over instead. " + prismaEdit,
		Fix: fmt.Sprintf("ALTER TABLE %[1]s ALTER COLUMN %[2]s TYPE %[3]s USING %[2]s::%[3]s;", c.Table, sqltext.Ident(c.Cmd.Name), typ),
	})
}
