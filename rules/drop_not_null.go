package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DropNotNull notes DROP NOT NULL on an existing table (opt-in): safe for
// the database, a contract change for the application.
var DropNotNull = register(&analysis.Rule{
	ID:       "drop-not-null",
	Severity: analysis.Off,
	Summary:  "DROP NOT NULL on an existing table (the expand step: fine for the database)",
	Doc: "ALTER COLUMN ... DROP NOT NULL is safe for the database: it takes an ACCESS EXCLUSIVE lock only for an " +
		"instant, scans nothing and rewrites nothing. It is the expand step of making a column optional, and the " +
		"rule is only a reminder of what comes with it: once the column may hold NULL, every reader must expect " +
		"one. A release that still declares the field required in schema.prisma fails when Prisma Client reads a " +
		"NULL from it, and code that sorts, sums or compares the column changes its results. Ship the code that " +
		"handles NULL before anything writes one.",
	Bad: `-- AlterTable
ALTER TABLE "User" ALTER COLUMN "email" DROP NOT NULL;`,
	Good: `-- AlterTable
ALTER TABLE "User" ALTER COLUMN "name" SET DEFAULT 'anonymous';`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runDropNotNull,
})

func runDropNotNull(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		if c.Cmd.Subtype != pg.AlterTableType_AT_DropNotNull || !existing(p, c.Table) {
			continue
		}
		if col := p.Schema.Table(c.Table).Column(c.Cmd.Name); col != nil && !col.NotNull {
			continue // already nullable: nothing changes
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("DROP NOT NULL lets %s of %s hold NULL: fine for the database (an instant ACCESS EXCLUSIVE lock, "+
				"no scan), but every reader of the column must now expect NULL, including releases still running "+
				"that declare the field required, whose Prisma Client fails reading one", sqltext.Ident(c.Cmd.Name), c.Table),
			Help: "Nothing to change in the SQL. Deploy order: ship the code that treats the field as optional (`String?` in " +
				"schema.prisma, which is what generated this statement) to every running instance before anything writes " +
				"NULL into the column.",
		})
	}
}
