package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/locks"
)

// SetTablespace flags ALTER TABLE/INDEX ... SET TABLESPACE on a relation
// that may hold data.
var SetTablespace = register(&analysis.Rule{
	ID:             "set-tablespace",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "ALTER TABLE/INDEX ... SET TABLESPACE copies the relation under an ACCESS EXCLUSIVE lock",
	Doc: "SET TABLESPACE copies every page of the table (or index) to the new tablespace while holding an ACCESS " +
		"EXCLUSIVE lock on it: every read and write of the table waits for the whole copy (for an index too, since " +
		"every query on a table locks all its indexes). An index moves online with REINDEX (TABLESPACE ...) INDEX " +
		"CONCURRENTLY (PostgreSQL 14 and later); a table with pg_repack --tablespace, outside migrations.",
	Bad: `ALTER TABLE "Post" SET TABLESPACE "fast_ssd";`,
	Good: `-- CreateTable
CREATE TABLE "Archive" (
    "id" SERIAL NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "Archive_pkey" PRIMARY KEY ("id")
) TABLESPACE "fast_ssd";`,
	Requires: []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runSetTablespace,
})

func runSetTablespace(p *analysis.Pass) {
	for _, c := range relationCmds(p) {
		if c.Cmd.Subtype != pg.AlterTableType_AT_SetTableSpace {
			continue
		}
		table := alteredTable(p, c.Table)
		if !existing(p, table) {
			continue
		}
		what := c.Table.String()
		isIndex := table != c.Table
		if isIndex {
			what = "index " + what
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("SET TABLESPACE copies every page of %s to tablespace %s, and until it finishes the statement runs "+
				"under %s", what, sqltext.Ident(c.Cmd.Name), underSlow(p, table)),
			Help:   tablespaceHelp(p, isIndex),
			Fix:    tablespaceFix(p, c, table, isIndex),
			Impact: tablespaceImpact(p, c, table, isIndex),
		})
	}
}

// tablespaceImpact is the copy of the table's pages, or of the index's. An
// ACCESS EXCLUSIVE lock on an index stops reads of its table too.
func tablespaceImpact(p *analysis.Pass, c alterCmd, table catalog.Name, isIndex bool) *analysis.Impact {
	im := impactOn(p, table, analysis.Copy)
	if isIndex {
		im.Index = c.Table
	}
	im.Lock, im.Blocks = locks.AccessExclusive.String(), BlockedWords(locks.AccessExclusive.Blocks())
	return im
}

func tablespaceHelp(p *analysis.Pass, isIndex bool) string {
	if isIndex && p.PGVersion >= 14 {
		return "Move the index with REINDEX (TABLESPACE ...) INDEX CONCURRENTLY, which builds the copy in the new " +
			"tablespace while reads and writes go on. " + ownMigration + prismaEdit
	}
	return "Move it outside migrations with pg_repack --tablespace (and --moveidx for the indexes), which copies it " +
		"while reads and writes go on. With Prisma: delete the statement from migration.sql before applying it with " +
		"`prisma migrate dev`."
}

func tablespaceFix(p *analysis.Pass, c alterCmd, table catalog.Name, isIndex bool) string {
	if isIndex && p.PGVersion >= 14 {
		return fmt.Sprintf("-- Alone in its own migration (CONCURRENTLY cannot run inside a transaction):\n"+
			"REINDEX (TABLESPACE %s) INDEX CONCURRENTLY %s;", sqltext.Ident(c.Cmd.Name), c.Table)
	}
	move := " --tablespace=" + shellQuote(c.Cmd.Name)
	if isIndex {
		return repackFix([]catalog.Name{}, "") + move + " --index=" + shellQuote(sqltext.Ident(c.Table.Schema)+"."+sqltext.Ident(c.Table.Name))
	}
	return repackFix([]catalog.Name{table}, "") + move + " --moveidx"
}
