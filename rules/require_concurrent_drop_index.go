package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// RequireConcurrentDropIndex flags DROP INDEX without CONCURRENTLY on an
// index of a table that may serve traffic.
var RequireConcurrentDropIndex = register(&analysis.Rule{
	ID:       "require-concurrent-drop-index",
	Severity: analysis.Warning,
	Summary:  "DROP INDEX without CONCURRENTLY on an existing table",
	Doc: "A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table. Dropping is quick, but " +
		"the lock must wait for every running query on the table to finish, and while it waits every new " +
		"query, reads included, queues behind it: one long report turns a drop into an outage. Prisma " +
		"generates plain DROP INDEX when an @@index or @unique is removed. DROP INDEX CONCURRENTLY waits for " +
		"those queries without blocking anyone; it cannot run inside a transaction, so it needs a migration " +
		"file to itself.",
	Bad: `-- DropIndex
DROP INDEX "Post_authorId_idx";`,
	Good: `-- DropIndex
DROP INDEX CONCURRENTLY IF EXISTS "Post_authorId_idx";`,
	Requires: []analysis.Result{locksResult, heldPrefixResult},
	Run:      runRequireConcurrentDropIndex,
})

func runRequireConcurrentDropIndex(p *analysis.Pass) {
	if inRedefineIndex(p) {
		return // redefine-index reports the pair once
	}
	s := p.Stmt.Node.GetDropStmt()
	if s == nil || s.RemoveType != pg.ObjectType_OBJECT_INDEX || s.Concurrent {
		return
	}
	var names []string
	var own []locks.Lock
	for _, l := range stmtLocks(p) {
		if !existing(p, l.Table) || l.Target == locks.OnIndex && unknownIndex(p, l.Index) && (s.MissingOk || p.Enabled(DropUnknownIndex.ID)) {
			continue // no such index: IF EXISTS takes no lock, and without it the deploy fails (drop-unknown-index)
		}
		if l.Target == locks.OnIndex {
			names = append(names, l.Index.String())
		}
		own = append(own, l)
	}
	if len(names) == 0 {
		return
	}
	tables := locks.Tables(own)
	gs := governingLocks(p, own, tables)
	if alreadyHeld(p, tables) {
		return // the transaction holds the lock already: the drop waits for nothing and blocks no one more
	}
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("DROP INDEX %s takes %s; while it waits for running queries on %s to finish, every new query there queues behind it",
			strings.Join(names, ", "), describeLocks(p, gs), joinNames(tables)),
		Help: "Drop the index with DROP INDEX CONCURRENTLY, which waits for running queries without blocking reads or writes " +
			"(it drops one index per statement). " + ownMigration + prismaEdit,
		Fix: dropConcurrentlyFix(names),
	})
}

// alreadyHeld reports whether an earlier statement of the transaction holds
// ACCESS EXCLUSIVE on every table: a DROP INDEX there queues behind nothing.
func alreadyHeld(p *analysis.Pass, tables []catalog.Name) bool {
	held := heldBefore(p)
	for _, t := range tables {
		if h, ok := held[t]; !ok || h.Mode != locks.AccessExclusive {
			return false
		}
	}
	return len(tables) > 0
}

// dropConcurrentlyFix drops each index concurrently, one migration each.
func dropConcurrentlyFix(names []string) string {
	steps := make([]string, len(names))
	for i, n := range names {
		steps[i] = "-- Alone in its own migration (CONCURRENTLY cannot run inside a transaction):\n" +
			"DROP INDEX CONCURRENTLY IF EXISTS " + n + ";"
	}
	return strings.Join(steps, "\n")
}
