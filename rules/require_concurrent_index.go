package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// RequireConcurrentIndex flags an index built without CONCURRENTLY on a
// table that may serve traffic.
var RequireConcurrentIndex = register(&analysis.Rule{
	ID:             "require-concurrent-index",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "CREATE INDEX without CONCURRENTLY on an existing table",
	Doc: "A plain CREATE INDEX holds a SHARE lock on the table for the whole build: reads go on, but every " +
		"INSERT, UPDATE and DELETE waits until the index is complete, which on a large table means minutes of " +
		"failed or stalled writes. Prisma generates plain CREATE INDEX for every @@index and @unique. " +
		"CREATE INDEX CONCURRENTLY takes a SHARE UPDATE EXCLUSIVE lock instead, so writes continue while it " +
		"builds; it cannot run inside a transaction, so it needs a migration file to itself. Indexes on tables " +
		"created earlier in the same migration are not flagged: those tables are empty.",
	Bad: `-- CreateIndex
CREATE INDEX "Post_title_idx" ON "Post"("title");`,
	Good: `-- CreateIndex
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");`,
	Requires: []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runRequireConcurrentIndex,
})

func runRequireConcurrentIndex(p *analysis.Pass) {
	if inRedefineIndex(p) {
		return // redefine-index reports the pair once
	}
	s := p.Stmt.Node.GetIndexStmt()
	if s == nil || s.Concurrent || s.Relation == nil {
		return
	}
	table := catalog.RangeName(s.Relation)
	if !existing(p, table) {
		return
	}
	what := "CREATE INDEX"
	if s.Unique {
		what = "CREATE UNIQUE INDEX"
	}
	if s.Idxname != "" {
		what += " " + sqltext.Ident(s.Idxname)
	}
	p.ReportAt(p.StmtSpan(), analysis.Report{
		Message: fmt.Sprintf("%s runs for the whole build under %s", what,
			underSlow(p, table)),
		Help: "Build the index with CREATE INDEX CONCURRENTLY, which takes a SHARE UPDATE EXCLUSIVE lock so writes go on " +
			"(the build is slower: it scans the table twice and waits for running transactions). " + ownMigration +
			"A concurrent build that fails (a duplicate value for a UNIQUE index, a deadlock, a cancelled deploy) leaves an " +
			"INVALID index behind that still slows every write: drop it with DROP INDEX CONCURRENTLY IF EXISTS, mark the " +
			"migration rolled back with `prisma migrate resolve --rolled-back <migration>`, and deploy again " +
			"(a retry with IF NOT EXISTS would silently keep the invalid index). " + prismaEdit,
		Fix:    concurrentIndexFix(p, s, table),
		Impact: impactOn(p, table, indexBuild(s)),
	})
}

// concurrentIndexFix is the statement with CONCURRENTLY after INDEX, and how
// to clean up after a failed build; for a unique index that may meet
// duplicates, the query that finds them comes first.
func concurrentIndexFix(p *analysis.Pass, s *pg.IndexStmt, table catalog.Name) string {
	concurrently, ok := afterToken(p.File, p.StmtSpan(), pg.Token_INDEX, "CONCURRENTLY")
	if !ok {
		return ""
	}
	sql := withInsertions(p.File, p.StmtSpan(), []insertion{concurrently})
	cleanup := "-- SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid; then DROP INDEX CONCURRENTLY IF EXISTS <that index>;"
	if s.Idxname != "" {
		cleanup = fmt.Sprintf("-- DROP INDEX CONCURRENTLY IF EXISTS %s;", catalog.Name{Schema: table.Schema, Name: s.Idxname})
	}
	fix := "-- Alone in its own migration (CONCURRENTLY cannot run inside a transaction):\n" + sql + terminator(p.File, p.Stmt) + "\n" +
		"-- If the build fails it leaves an INVALID index; drop it (in its own migration) before deploying again:\n" + cleanup
	if s.Unique && !provablyUnique(p.Schema, table, indexColumns(s)) {
		if q := indexDuplicatesQuery(s); q != "" {
			fix = q + "\n" + fix
		}
	}
	return fix
}
