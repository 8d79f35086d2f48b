package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/locks"
)

// RequireConcurrentReindex flags REINDEX without CONCURRENTLY on indexes of
// tables that may serve traffic.
var RequireConcurrentReindex = register(&analysis.Rule{
	ID:             "require-concurrent-reindex",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "REINDEX without CONCURRENTLY",
	Doc: "REINDEX rebuilds an index from scratch holding a SHARE lock on the table, which blocks writes, and an ACCESS " +
		"EXCLUSIVE lock on the index. Every query planned on the table locks all of its indexes, so in practice reads " +
		"wait too: the table stops for the whole rebuild (REINDEX TABLE, SCHEMA and DATABASE do this to each table in " +
		"turn). From PostgreSQL 12 on, REINDEX ... CONCURRENTLY builds a new copy of the index while reads and writes go " +
		"on and swaps it in; like CREATE INDEX CONCURRENTLY it cannot run inside a transaction, so it needs a migration " +
		"of its own.",
	Bad:      `REINDEX INDEX "Post_authorId_idx";`,
	Good:     `REINDEX INDEX CONCURRENTLY "Post_authorId_idx";`,
	Requires: []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runRequireConcurrentReindex,
})

func runRequireConcurrentReindex(p *analysis.Pass) {
	s := p.Stmt.Node.GetReindexStmt()
	if s == nil || s.Kind == pg.ReindexObjectType_REINDEX_OBJECT_SYSTEM || reindexesConcurrently(s) {
		return
	}
	own := stmtLocks(p)
	var msg string
	var im *analysis.Impact
	switch s.Kind {
	case pg.ReindexObjectType_REINDEX_OBJECT_INDEX, pg.ReindexObjectType_REINDEX_OBJECT_TABLE:
		table := catalog.Name{}
		if len(own) > 0 {
			table = own[0].Table
		}
		if !existing(p, table) {
			return
		}
		what := "the index"
		if s.Kind == pg.ReindexObjectType_REINDEX_OBJECT_TABLE {
			what = "every index of the table"
		}
		msg = fmt.Sprintf("REINDEX %s %s rebuilds %s from scratch, and until it finishes runs under %s", reindexKind(s),
			catalog.RangeName(s.Relation), what, underSlow(p, table))
		im = reindexImpact(p, s, table)
	default:
		msg = fmt.Sprintf("REINDEX %s %s rebuilds every index of every table in it, each table in turn under an ACCESS "+
			"EXCLUSIVE lock on its indexes, which %s", reindexKind(s), sqltext.Ident(s.Name),
			locks.AccessExclusive.Blocks().On("that table (every query on a table locks all its indexes)"))
	}
	if p.PGVersion < 12 {
		p.ReportStmt(analysis.Report{
			Message: msg,
			Help: fmt.Sprintf("PostgreSQL %d has no REINDEX CONCURRENTLY: build a replacement with CREATE INDEX CONCURRENTLY "+
				"under a new name, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one, each in a "+
				"migration of its own. %s", p.PGVersion, prismaMove),
			Fix: "-- For each index, one migration per statement:\n" +
				"-- CREATE INDEX CONCURRENTLY <name>_new ON <table> (<the index's columns>);\n" +
				"-- DROP INDEX CONCURRENTLY <name>;\n" +
				"-- ALTER INDEX <name>_new RENAME TO <name>;",
			Impact: im,
		})
		return
	}
	p.ReportStmt(analysis.Report{
		Message: msg,
		Help: "Rebuild with REINDEX ... CONCURRENTLY, which builds a new copy while reads and writes go on and swaps it in " +
			"with a brief lock. " + ownMigration + "If it fails it leaves an INVALID index named after the original with " +
			"a _ccnew suffix: drop that with DROP INDEX CONCURRENTLY before trying again. " + prismaEdit,
		Fix:    reindexFix(p, s),
		Impact: im,
	})
}

// reindexImpact is the rebuild of one index, or of all of the table's. The
// ACCESS EXCLUSIVE lock on an index stops reads too: planning a query on
// the table locks all its indexes.
func reindexImpact(p *analysis.Pass, s *pg.ReindexStmt, table catalog.Name) *analysis.Impact {
	op := analysis.IndexesRebuild
	if s.Kind == pg.ReindexObjectType_REINDEX_OBJECT_INDEX {
		op = analysis.IndexBuild
		if ix := p.Schema.Index(catalog.RangeName(s.Relation)); ix != nil && ix.Unique {
			op = analysis.UniqueIndexBuild
		}
	}
	im := impactOn(p, table, op)
	im.Blocks = BlockedWords(locks.AccessExclusive.Blocks())
	return im
}

// reindexesConcurrently reports REINDEX ... CONCURRENTLY or
// REINDEX (CONCURRENTLY) ....
func reindexesConcurrently(s *pg.ReindexStmt) bool {
	for _, n := range s.Params {
		if d := n.GetDefElem(); d != nil && d.Defname == "concurrently" && locks.OptionOn(d) {
			return true
		}
	}
	return false
}

// reindexKind is the statement's object keyword.
func reindexKind(s *pg.ReindexStmt) string {
	switch s.Kind {
	case pg.ReindexObjectType_REINDEX_OBJECT_INDEX:
		return "INDEX"
	case pg.ReindexObjectType_REINDEX_OBJECT_TABLE:
		return "TABLE"
	case pg.ReindexObjectType_REINDEX_OBJECT_SCHEMA:
		return "SCHEMA"
	}
	return "DATABASE"
}

// reindexKeyword is the scanner token of each object keyword.
var reindexKeyword = map[pg.ReindexObjectType]pg.Token{
	pg.ReindexObjectType_REINDEX_OBJECT_INDEX:    pg.Token_INDEX,
	pg.ReindexObjectType_REINDEX_OBJECT_TABLE:    pg.Token_TABLE,
	pg.ReindexObjectType_REINDEX_OBJECT_SCHEMA:   pg.Token_SCHEMA,
	pg.ReindexObjectType_REINDEX_OBJECT_DATABASE: pg.Token_DATABASE,
}

// reindexFix is the statement with CONCURRENTLY after its object keyword.
func reindexFix(p *analysis.Pass, s *pg.ReindexStmt) string {
	concurrently, ok := afterToken(p.File, p.StmtSpan(), reindexKeyword[s.Kind], "CONCURRENTLY")
	if !ok {
		return ""
	}
	return "-- Alone in its own migration (CONCURRENTLY cannot run inside a transaction):\n" +
		withInsertions(p.File, p.StmtSpan(), []insertion{concurrently}) + terminator(p.File, p.Stmt)
}
