package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// manyTables is how many existing tables one transaction may lock in ACCESS
// EXCLUSIVE mode before the rule speaks.
const manyTables = 3

// ManyAccessExclusive flags a transaction that takes ACCESS EXCLUSIVE locks
// on several tables that may serve traffic.
var ManyAccessExclusive = register(&analysis.Rule{
	ID:       "many-access-exclusive",
	Severity: analysis.Warning,
	Summary:  "one transaction takes ACCESS EXCLUSIVE locks on three or more existing tables",
	Doc: "Each ACCESS EXCLUSIVE lock must wait until every running query on its table has finished, and a lock, once " +
		"taken, is held until the transaction commits; Prisma runs a migration.sql holding several statements as one " +
		"transaction. With locks on several busy tables, the migration holds the first tables while it waits for the " +
		"next one, and every query on the tables it already holds (reads included) queues behind it; an application " +
		"transaction that uses the same tables in another order can deadlock with it (SQLSTATE 40P01), failing the " +
		"deploy. Splitting the migration so that each transaction locks one table keeps every wait short. Tables " +
		"created in the same migration are not counted.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;

-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;

-- AlterTable
ALTER TABLE "Comment" ADD COLUMN "editedAt" TIMESTAMP(3);`,
	Good: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;

-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;`,
	Run: runManyAccessExclusive,
})

// exclusiveTable is a table an ACCESS EXCLUSIVE lock was taken on, and the
// line of the statement that took it.
type exclusiveTable struct {
	table catalog.Name
	line  int
}

func runManyAccessExclusive(p *analysis.Pass) {
	if !p.InTx() {
		return
	}
	var taken []exclusiveTable
	for t, h := range heldBefore(p) {
		if h.Mode == locks.AccessExclusive {
			taken = append(taken, exclusiveTable{t, p.File.Position(h.Stmt.Start).Line})
		}
	}
	if len(taken) >= manyTables {
		return // reported at the statement that reached the count
	}
	line := p.File.Position(p.Stmt.Start).Line
	for _, t := range exclusiveTables(p, stmtLocks(p)) {
		if !containsTable(taken, t) {
			taken = append(taken, exclusiveTable{t, line})
		}
	}
	if len(taken) < manyTables {
		return
	}
	sort.SliceStable(taken, func(i, j int) bool { return taken[i].line < taken[j].line })
	names := make([]string, len(taken))
	for i, t := range taken {
		names[i] = fmt.Sprintf("%s (line %d)", t.table, t.line)
	}
	p.ReportStmt(
		fmt.Sprintf("this transaction now holds ACCESS EXCLUSIVE locks on %s until it commits, which %s; each lock first "+
			"waits for the running queries on its table while the tables already locked stay blocked, and an application "+
			"transaction using these tables in another order can deadlock with the migration (SQLSTATE 40P01)",
			joinWords(names), "block"+strings.TrimPrefix(locks.AccessExclusive.Blocks().On("all of them"), "blocks")),
		"Split the migration so that each transaction takes ACCESS EXCLUSIVE on one table (below, in the same order), and "+
			"bound each wait with a lock timeout; a failed part can then be retried alone. With Prisma: create the "+
			"migrations with `prisma migrate dev --create-only`, one folder per part, move the statements, then apply them "+
			"with `prisma migrate dev`.",
		splitByTable(p))
}

// exclusiveTables returns the existing tables a statement locks in ACCESS
// EXCLUSIVE mode.
func exclusiveTables(p *analysis.Pass, ls []locks.Lock) []catalog.Name {
	var out []catalog.Name
	for _, t := range locks.Tables(ls) {
		if l, _ := locks.Strongest(ls, t); l.Mode == locks.AccessExclusive && t != (catalog.Name{}) && existing(p, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsTable(list []exclusiveTable, t catalog.Name) bool {
	for _, e := range list {
		if e.table == t {
			return true
		}
	}
	return false
}

// splitByTable is the transaction's statements in order, cut into
// migrations so that each takes ACCESS EXCLUSIVE locks only where one
// statement needs several at once.
func splitByTable(p *analysis.Pass) string {
	type part struct {
		tables []catalog.Name
		sql    []string
	}
	parts := []*part{{}}
	for _, s := range txStatements(p, firstOfTransaction(p)) {
		cur := parts[len(parts)-1]
		tables := exclusiveTables(p, locksAt(p, s.Index))
		if len(cur.tables) > 0 && !subsetOf(tables, cur.tables) {
			cur = &part{}
			parts = append(parts, cur)
		}
		for _, t := range tables {
			if !slices.Contains(cur.tables, t) {
				cur.tables = append(cur.tables, t)
			}
		}
		cur.sql = append(cur.sql, p.File.Text(s)+terminator(p.File, s))
	}
	var b strings.Builder
	for i, pt := range parts {
		fmt.Fprintf(&b, "-- Migration %d (ACCESS EXCLUSIVE on %s):\n%s\n", i+1, joinNames(pt.tables), strings.Join(pt.sql, "\n"))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// subsetOf reports whether every table of a is in b.
func subsetOf(a, b []catalog.Name) bool {
	for _, t := range a {
		if !slices.Contains(b, t) {
			return false
		}
	}
	return true
}

// firstOfTransaction returns the index of the first statement of the
// current transaction.
func firstOfTransaction(p *analysis.Pass) int {
	i := p.Stmt.Index
	for i > 0 && p.Tx[i-1].ID == p.Tx[p.Stmt.Index].ID {
		i--
	}
	return i
}
