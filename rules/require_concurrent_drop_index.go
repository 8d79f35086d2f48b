package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
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
	Run: runRequireConcurrentDropIndex,
})

func runRequireConcurrentDropIndex(p *analysis.Pass) {
	s := p.Stmt.Node.GetDropStmt()
	if s == nil || s.RemoveType != pg.ObjectType_OBJECT_INDEX || s.Concurrent {
		return
	}
	var names, tables []string
	for _, obj := range s.Objects {
		name := catalog.QualifiedName(obj.GetList().GetItems())
		table := "its table"
		if ix := p.Schema.Index(name); ix != nil {
			if !existing(p, ix.Table) {
				continue
			}
			table = ix.Table.String()
		}
		names = append(names, name.String())
		tables = append(tables, table)
	}
	if len(names) == 0 {
		return
	}
	p.ReportStmt(
		fmt.Sprintf("DROP INDEX %s takes an ACCESS EXCLUSIVE lock on %s: reads and writes block, and while the drop waits "+
			"for running queries every new query on the table queues behind it",
			strings.Join(names, ", "), strings.Join(dedupe(tables), ", ")),
		"Drop the index with DROP INDEX CONCURRENTLY, which waits for running queries without blocking reads or writes "+
			"(it drops one index per statement). "+ownMigration+prismaEdit,
		dropConcurrentlyFix(names))
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

// dedupe drops repeated strings, keeping the first of each.
func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
