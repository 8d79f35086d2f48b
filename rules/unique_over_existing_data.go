package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// UniqueOverExistingData flags a concurrent unique index build on a table
// that may already hold duplicates.
var UniqueOverExistingData = register(&analysis.Rule{
	ID:       "unique-over-existing-data",
	Severity: analysis.Notice,
	Summary:  "unique index built over existing rows that may hold duplicates",
	Doc: "A unique index over a table that already holds rows fails with SQLSTATE 23505 as soon as two rows share a " +
		"key, although it passed on a development database. Prisma warns about it in the migration header (\"A unique " +
		"constraint covering the columns ... will be added. If there are existing duplicate values, this will fail.\"). " +
		"A failed CREATE UNIQUE INDEX CONCURRENTLY also leaves an INVALID index behind, which slows every write until it " +
		"is dropped, and Prisma records the migration as failed, so later deploys stop (P3009). Run the query in the fix " +
		"against production first. This rule reports concurrent builds; a plain CREATE UNIQUE INDEX and ADD CONSTRAINT " +
		"... UNIQUE are reported by require-concurrent-index and unique-constraint-without-index, whose fixes carry the " +
		"same check. An index whose columns include those of an existing unique index is not reported: it cannot find " +
		"duplicates.",
	Bad: `-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "Post_title_key" ON "Post"("title");`,
	Good: `-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "User_email_role_key" ON "User"("email", "role");`,
	Run: runUniqueOverExistingData,
})

func runUniqueOverExistingData(p *analysis.Pass) {
	s := p.Stmt.Node.GetIndexStmt()
	if s == nil || !s.Unique || !s.Concurrent || s.Relation == nil {
		return
	}
	table := catalog.RangeName(s.Relation)
	if !existing(p, table) || provablyUnique(p.Schema, table, indexColumns(s)) {
		return
	}
	query := indexDuplicatesQuery(s)
	if query == "" {
		return
	}
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("CREATE UNIQUE INDEX CONCURRENTLY %s fails with 23505 if %s already holds two rows with the same key: the "+
			"failed build leaves an INVALID index that slows every write until it is dropped, and Prisma records the migration "+
			"as failed (later deploys stop with P3009)", sqltext.Ident(s.Idxname), table),
		Help: "Before deploying, run the query below against production: it must return no row. Resolve the duplicates it lists " +
			"(a data migration that merges or deletes them), and make sure the running code cannot create new ones. If the " +
			"build fails anyway, drop the INVALID index with DROP INDEX CONCURRENTLY, mark the migration with `prisma migrate " +
			"resolve --rolled-back <migration>` and deploy again.",
		Fix: query,
	})
}
