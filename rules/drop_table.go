package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
)

// DropTable flags a table dropped while it may hold rows and serve traffic.
var DropTable = register(&analysis.Rule{
	ID:       "drop-table",
	Severity: analysis.Error,
	Summary:  "existing table dropped",
	Doc: "Dropping a table deletes all its rows for good: only a backup brings them back. It also breaks the " +
		"application instances still running the previous release: every query of the model fails with " +
		"`relation does not exist` (SQLSTATE 42P01) from the moment the migration runs until those instances " +
		"are replaced. The safe way is expand-contract: first ship code that no longer uses the table, then " +
		"drop it in a later migration, and mark that contract step with a suppression that says why. " +
		"DROP TABLE takes an ACCESS EXCLUSIVE lock that waits behind long queries while every later query of " +
		"the table waits behind it, so give it a short lock_timeout. A table created in the same migration is " +
		"not reported, and a drop that Prisma generated for a renamed model is reported by drop-add-rename instead. " +
		"When an earlier INSERT ... SELECT of the migration copied the table's rows, no data is lost: the drop is " +
		"reported only if no later table or view takes its name back.",
	Bad: `/*
  Warnings:

  - You are about to drop the ` + "`Post`" + ` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";

-- DropTable
DROP TABLE "Post";`,
	Good: `-- The release that removed the Post model from schema.prisma is fully deployed.
SET lock_timeout = '5s';

-- DropTable
-- migrate-guard-ignore drop-table -- contract step: no code uses "Post" since release 42
DROP TABLE "Post";`,
	Requires: []analysis.Result{renamesResult},
	Run:      runDropTable,
})

func runDropTable(p *analysis.Pass) {
	s := p.Stmt.Node.GetDropStmt()
	if s == nil {
		return
	}
	drops := droppedTables(p, s)
	if len(drops) == 0 {
		return
	}
	r := renamesResult.Of(p)
	for _, d := range drops {
		restored, copied := r.copiedTables[d.Name]
		if restored || r.table(p.Stmt.Index, d.Name) != nil {
			continue
		}
		if maps, known := baseMaps(p, d.Name, ""); known && !maps {
			continue // contract step: the running release no longer maps the table (release-column-removed)
		}
		loss := "deletes all its rows for good, and"
		if copied {
			loss = "loses no rows (an earlier INSERT ... SELECT copied them), but"
		}
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("dropping table %s %s instances still running the old code fail with 42P01 \"relation does not exist\" "+
				"on every query of the model until redeployed", d.Name, loss),
			Help: "Use expand-contract: first deploy code that no longer uses the table (remove the model from schema.prisma, and " +
				"delete this DROP TABLE from the generated migration), then drop the table in a later migration; " +
				"`prisma migrate dev` generates the drop again. If this IS that contract step, suppress the finding with a " +
				"reason: `-- migrate-guard-ignore drop-table -- <reason>`. DROP TABLE takes an ACCESS EXCLUSIVE lock that " +
				"queues behind long queries and blocks every read and write queued after it, so set a short lock_timeout " +
				"as below. " + prismaEdit,
			Fix: setLockTimeout(p) + fmt.Sprintf("DROP TABLE %s%s;", ifExists(s.MissingOk), d.Name),
		})
	}
}
