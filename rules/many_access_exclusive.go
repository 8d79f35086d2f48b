package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/locks"
)

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
		"created in the same migration are not counted, and the tables of an enum replacement block count as one: " +
		"enum-value-removal reports the block and its locks.",
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
	Requires:     []analysis.Result{locksResult, heldPrefixResult, manyExclusiveResult, enumSwapsResult},
	ReadsReports: true, // its estimate adds up the work the sizing rules reported in the transaction
	Run:          runManyAccessExclusive,
})

// exclusiveTable is a table an ACCESS EXCLUSIVE lock was taken on, and the
// line of the statement that took it.
type exclusiveTable struct {
	table catalog.Name
	stmt  int // the statement's index in the file
	line  int
}

func runManyAccessExclusive(p *analysis.Pass) {
	first := manyExclusiveResult.Of(p)
	if i, ok := first[p.Tx[p.Stmt.Index].ID]; !ok || i != p.Stmt.Index {
		return // one finding per transaction, at the statement that reached the count
	}
	taken := exclusiveSoFar(p)
	sort.SliceStable(taken, func(i, j int) bool {
		if taken[i].line != taken[j].line {
			return taken[i].line < taken[j].line
		}
		return taken[i].table.String() < taken[j].table.String() // deterministic within a line
	})
	names := make([]string, len(taken))
	for i, t := range taken {
		names[i] = fmt.Sprintf("%s (line %d)", t.table, t.line)
	}
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("this transaction now holds ACCESS EXCLUSIVE locks on %s until it commits, which %s; each lock first "+
			"waits for the running queries on its table while the tables already locked stay blocked, and an application "+
			"transaction using these tables in another order can deadlock with the migration (SQLSTATE 40P01)",
			english.Join(names), "block"+strings.TrimPrefix(locks.AccessExclusive.Blocks().On("all of them"), "blocks")),
		Help: "Split the migration so that each transaction takes ACCESS EXCLUSIVE on one table (below, in the same order), and " +
			"bound each wait with a lock timeout; a failed part can then be retried alone. With Prisma: create the " +
			"migrations with `prisma migrate dev --create-only`, one folder per part, move the statements, then apply them " +
			"with `prisma migrate dev`.",
		Fix:    splitByTable(p),
		Impact: manyImpact(p, taken[0]),
	})
}

// manyImpact sizes the wait on the table locked first, which lasts for all
// the work done from then on. A small estimate does not lower the finding:
// the deadlock and the queue behind each lock wait do not shrink with the
// tables.
func manyImpact(p *analysis.Pass, first exclusiveTable) *analysis.Impact {
	im := heldImpact(p, first.table, locks.AccessExclusive, first.stmt)
	if im != nil {
		im.KeepSeverity = true
	}
	return im
}

// exclusiveSoFar returns the existing tables the transaction holds in ACCESS
// EXCLUSIVE mode once the current statement has run.
func exclusiveSoFar(p *analysis.Pass) []exclusiveTable {
	var taken []exclusiveTable
	for t, h := range heldBefore(p) {
		if h.Mode == locks.AccessExclusive {
			taken = append(taken, exclusiveTable{t, h.Stmt.Index, p.File.Position(h.Stmt.Start).Line})
		}
	}
	line := p.File.Position(p.Stmt.Start).Line
	for _, t := range exclusiveTables(p, stmtLocks(p)) {
		if !containsTable(taken, t) {
			taken = append(taken, exclusiveTable{t, p.Stmt.Index, line})
		}
	}
	return taken
}

// manyExclusiveResult holds firstManyExclusive of the file.
var manyExclusiveResult = analysis.NewResult("first statement of each transaction holding many ACCESS EXCLUSIVE locks", firstManyExclusive,
	locksResult, heldPrefixResult, enumSwapsResult)

// firstManyExclusive returns, for each transaction of the file, the first
// statement that locks a table in ACCESS EXCLUSIVE mode and after which the
// transaction holds such locks on manyTables tables. Within an enum
// replacement block, the tables the block itself locks count as one:
// enum-value-removal reports them.
func firstManyExclusive(p *analysis.Pass) map[int]int {
	out := map[int]int{}
	at := *p
	for _, s := range p.File.Stmts {
		at.Stmt, at.Schema = s, p.SchemaAt(s.Index)
		tx := p.Tx[s.Index].ID
		if _, done := out[tx]; done || !at.InTx() {
			continue
		}
		if len(exclusiveTables(&at, stmtLocks(&at))) == 0 {
			continue // it adds no table to the count: skip asking for the held locks
		}
		count, block, adds := 0, false, false
		for _, e := range exclusiveSoFar(&at) {
			adds = adds || e.stmt == s.Index
			if sameEnumBlock(p, e.stmt, s.Index) {
				block = true
			} else {
				count++
			}
		}
		if block {
			count++
		}
		if adds && count >= manyTables {
			out[tx] = s.Index
		}
	}
	return out
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
// statement needs several at once; "" when that leaves one migration.
func splitByTable(p *analysis.Pass) string {
	type part struct {
		tables []catalog.Name
		alone  string // the statement refuses a transaction block: it is a migration of its own
		sql    []string
	}
	parts := []*part{{}}
	for _, s := range txStatements(p, firstOfTransaction(p)) {
		cur := parts[len(parts)-1]
		tables := exclusiveTables(p, locksAt(p, s.Index))
		alone := execution.NonTransactional(s.Node, p.PGVersion)
		if cur.alone != "" || alone != "" && len(cur.sql) > 0 || len(cur.tables) > 0 && !subsetOf(tables, cur.tables) {
			cur = &part{}
			parts = append(parts, cur)
		}
		cur.alone = alone
		for _, t := range tables {
			if !slices.Contains(cur.tables, t) {
				cur.tables = append(cur.tables, t)
			}
		}
		cur.sql = append(cur.sql, p.File.Text(s)+terminator(p.File, s))
	}
	if len(parts) == 1 {
		return "" // one statement needs all the locks at once: there is nothing to split
	}
	var b strings.Builder
	for i, pt := range parts {
		what := "ACCESS EXCLUSIVE on " + joinNames(pt.tables)
		switch {
		case pt.alone != "":
			what = "alone: " + pt.alone + " cannot run inside a transaction block"
		case len(pt.tables) == 0:
			what = "no ACCESS EXCLUSIVE lock"
		}
		fmt.Fprintf(&b, "-- Migration %d (%s):\n%s\n", i+1, what, strings.Join(pt.sql, "\n"))
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
