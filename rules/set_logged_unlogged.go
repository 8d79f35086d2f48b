package rules

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
)

// SetLoggedUnlogged flags ALTER TABLE ... SET LOGGED / SET UNLOGGED on a
// table that may hold rows.
var SetLoggedUnlogged = register(&analysis.Rule{
	ID:             "set-logged-unlogged",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "SET LOGGED / SET UNLOGGED rewrites an existing table",
	Doc: "ALTER TABLE ... SET LOGGED and SET UNLOGGED write a new copy of the table and its indexes while holding an " +
		"ACCESS EXCLUSIVE lock: every read and write of the table waits for the whole rewrite. SET LOGGED also writes " +
		"the whole table to the WAL, which replicas must replay; an UNLOGGED table is emptied by a crash and is not " +
		"replicated at all. There is no online form: switch a table's persistence while it is new and empty (in the " +
		"migration that creates it), or when traffic is low.",
	Bad: `ALTER TABLE "Post" SET UNLOGGED;`,
	Good: `-- CreateTable
CREATE UNLOGGED TABLE "Cache" ("key" TEXT NOT NULL, "value" JSONB, CONSTRAINT "Cache_pkey" PRIMARY KEY ("key"));`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runSetLoggedUnlogged,
})

func runSetLoggedUnlogged(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		if !existing(p, c.Table) {
			continue
		}
		var what string
		switch c.Cmd.Subtype {
		case pg.AlterTableType_AT_SetLogged:
			what = "SET LOGGED makes the table WAL-logged (its whole content goes through the WAL and to every replica)"
		case pg.AlterTableType_AT_SetUnLogged:
			what = "SET UNLOGGED makes the table unlogged (a crash empties it, replicas no longer see it)"
		default:
			continue
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: rewriteMessage(p, what, c.Table),
			Help: "There is no online form. Set the persistence when the table is created (CREATE UNLOGGED TABLE, or SET LOGGED " +
				"in the migration that creates it, while it is empty), or run this when traffic is low, in a migration of " +
				"its own. " + lockTimeoutHelp(p) + prismaEdit,
			Fix:    lockTimeoutFix(p),
			Impact: impactOn(p, c.Table, analysis.Rewrite),
		})
	}
}
