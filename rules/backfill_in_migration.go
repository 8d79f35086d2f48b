package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// BackfillInMigration flags a data change (UPDATE, DELETE, INSERT ... SELECT)
// that runs in the same transaction as DDL on the same table.
var BackfillInMigration = register(&analysis.Rule{
	ID:             "backfill-in-migration",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "backfill in the same transaction as DDL on its table, or changing every row at once",
	Doc: "Prisma before 7.4 runs a migration.sql holding several statements as one transaction, and a lock lasts until the " +
		"transaction ends. An UPDATE, DELETE or INSERT ... SELECT after an ALTER TABLE (or CREATE INDEX, ...) on the " +
		"same table therefore runs under that statement's lock: with ALTER TABLE's ACCESS EXCLUSIVE lock every read and " +
		"write of the table waits for the whole backfill. Before the DDL, the backfill's row locks are kept until the " +
		"DDL is done and the migration commits, and a lock timeout of the DDL throws the whole backfill away. Run " +
		"backfills as separate data migrations, in batches that each commit. Statements that pin a unique key to " +
		"constants (a few rows) are not reported. An UPDATE or DELETE whose WHERE still selects every row (the column the " +
		"file just added IS NULL, a NOT NULL column IS NOT NULL) is reported wherever it runs: it changes the whole table " +
		"in one statement, every changed row locked until it commits and a new version of each at once. UPDATE and DELETE without WHERE are reported by " +
		"update-or-delete-without-where instead. How a file runs follows deployed-by, or the Prisma version in package.json: Prisma before 7.4 sends a migration.sql as one query, one transaction; Prisma 7.4 and later send each statement on its own, each committed alone (unless the file holds a statement its SQL parser cannot read), so there the statements do not share a transaction and the rule is silent; `migrate-guard deploy` runs a file in one transaction whenever PostgreSQL allows it.",
	Bad: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;

-- Backfill
UPDATE "Post" SET "slug" = lower("title") WHERE "slug" IS NULL;`,
	Good: `-- Data migration, its own transaction, repeated until it updates no row:
UPDATE "Post" SET "slug" = lower("title") WHERE "id" IN (SELECT "id" FROM "Post" WHERE "slug" IS NULL LIMIT 10000);`,
	Requires: []analysis.Result{locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runBackfillInMigration,
})

func runBackfillInMigration(p *analysis.Pass) {
	if target, msg, ok := backfillMessage(p); ok {
		reportBackfill(p, target, msg)
	}
}

// backfillMessage returns the table the current statement backfills and
// what the finding says, when it is a backfill this rule reports. The
// message names the tables the transaction keeps locked meanwhile, its own
// first.
func backfillMessage(p *analysis.Pass) (catalog.Name, string, bool) {
	target, ok := backfillTarget(p)
	if !ok || !existing(p, target) || pinsUniqueKey(p, target) {
		return target, "", false
	}
	all := everyRow(p, target, dmlWhere(p.Stmt.Node))
	if msg, ok := backfillInTransaction(p); ok {
		if all != "" {
			msg += fmt.Sprintf("; and its WHERE selects every row of %s (%s)", target, all)
		}
		return target, msg, true
	}
	if all == "" {
		return target, "", false
	}
	return target, fmt.Sprintf("this %s changes every row of %s in one statement, although it has a WHERE (%s): each "+
		"changed row stays locked until it commits, so concurrent UPDATE and DELETE of them wait, and every row gets a "+
		"new version at once (bloat, and a burst of WAL that replicas must replay)", dmlKind(p.Stmt.Node), target, all), true
}

// backfillInTransaction is what the finding says when the current data
// change shares its transaction with DDL on its tables.
func backfillInTransaction(p *analysis.Pass) (string, bool) {
	if !p.InTx() {
		return "", false
	}
	tables := backfillTables(p)
	if len(tables) == 0 {
		return "", false
	}
	what := dmlKind(p.Stmt.Node)
	if under := heldOn(p, tables); len(under) > 0 {
		return fmt.Sprintf("this %s runs under %s: those queries wait for the whole backfill",
			what, describeLocks(p, append(under, heldElsewhere(p)...))), true
	}
	l, at, ok := laterDDL(p, tables)
	if !ok {
		return "", false
	}
	msg := fmt.Sprintf("this %s runs in the same transaction as line %d (%s), which then takes %s %s "+
		"lock on %s: the rows the %[1]s changes stay locked (concurrent writes to them wait) until that statement is done "+
		"and the migration commits, and a lock timeout there rolls the whole backfill back",
		what, p.File.Position(at.Start).Line, l.Why, english.Article(l.Mode.String()), l.Mode, l.Table)
	if others := heldElsewhere(p); len(others) > 0 {
		msg += "; and the whole time it runs under " + describeLocks(p, others)
	}
	return msg, true
}

func reportBackfill(p *analysis.Pass, target catalog.Name, msg string) {
	help := "Keep the schema change in this migration and run the data change after it has committed, as a separate data " +
		"migration in batches that each commit (below): no DDL lock is held while rows change, and each batch's row " +
		"locks last a moment. " + prismaBatches
	fix := batchFix(p.Schema, p.Stmt.Node, target)
	if lines := backfillDependents(p, target); len(lines) > 0 {
		help = dependentsHelp(lines)
		fix = strings.Replace(fix, "after this migration", "after the statements before it have committed", 1) +
			fmt.Sprintf("\n-- Then, once no row is left to change, deploy %s and what follows as a migration of its own.", joinLines(lines))
	}
	p.ReportStmt(analysis.Report{
		Message: msg,
		Help:    help,
		Fix:     fix,
	})
}

// backfillTarget returns the table a backfill writes: an UPDATE or DELETE
// with a WHERE, or an INSERT that copies from a table.
func backfillTarget(p *analysis.Pass) (catalog.Name, bool) {
	switch s := p.Stmt.Node.Node.(type) {
	case *pg.Node_UpdateStmt:
		return catalog.RangeName(s.UpdateStmt.Relation), s.UpdateStmt.WhereClause != nil
	case *pg.Node_DeleteStmt:
		return catalog.RangeName(s.DeleteStmt.Relation), s.DeleteStmt.WhereClause != nil
	case *pg.Node_InsertStmt:
		sel := s.InsertStmt.SelectStmt.GetSelectStmt()
		return catalog.RangeName(s.InsertStmt.Relation), sel != nil && len(sel.FromClause) > 0
	}
	return catalog.Name{}, false
}

func dmlKind(n *pg.Node) string {
	switch n.Node.(type) {
	case *pg.Node_UpdateStmt:
		return "UPDATE"
	case *pg.Node_DeleteStmt:
		return "DELETE"
	}
	return "INSERT ... SELECT"
}

// backfillTables returns the tables the statement writes or reads that may
// hold rows.
func backfillTables(p *analysis.Pass) []catalog.Name {
	var out []catalog.Name
	for _, t := range locks.Tables(stmtLocks(p)) {
		if t != (catalog.Name{}) && existing(p, t) {
			out = append(out, t)
		}
	}
	return out
}

// laterDDL finds a later statement of the transaction that takes a lock
// blocking queries on one of tables.
func laterDDL(p *analysis.Pass, tables []catalog.Name) (locks.Lock, *sqlfile.Stmt, bool) {
	tx := p.Tx[p.Stmt.Index].ID
	for _, s := range p.File.Stmts[p.Stmt.Index+1:] {
		if p.Tx[s.Index].ID != tx {
			break
		}
		for _, l := range locksAt(p, s.Index) {
			if l.Mode.BlocksQueries() && slices.Contains(tables, l.Table) {
				return l, s, true
			}
		}
	}
	return locks.Lock{}, nil, false
}
