package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// TransactionNesting flags BEGIN, COMMIT and ROLLBACK that do not do what
// their nesting suggests when Prisma runs the file.
var TransactionNesting = register(&analysis.Rule{
	ID:       "transaction-nesting",
	Severity: analysis.Error,
	Summary:  "BEGIN, COMMIT or ROLLBACK that breaks the migration's transaction",
	Doc: "Prisma before 7.4 sends a migration.sql as one query. PostgreSQL runs its statements in one implicit transaction, and " +
		"a BEGIN turns it into an explicit one that includes the statements before it. So: a BEGIN inside an open " +
		"BEGIN is ignored (there are no nested transactions) and the first COMMIT ends both, leaving the statements " +
		"after it outside the transaction they were written in; a COMMIT without BEGIN in the middle of the file " +
		"commits the statements before it, so a later failure leaves them applied while Prisma records the migration " +
		"as failed, and deploying it again fails on them; a ROLLBACK silently undoes the statements before it while the " +
		"migration is recorded as applied; a BEGIN never committed leaves the transaction open when the file ends, and " +
		"it is rolled back when the connection closes. Prisma before 7.4 already runs a file of several statements as one " +
		"transaction: most migrations need no BEGIN or COMMIT at all. Prisma 7.4 and later send each statement on its " +
		"own, where a BEGIN ... COMMIT block is how a file is made all or nothing (see non-atomic-migration); the " +
		"rule follows deployed-by, or the Prisma version in package.json.",
	Bad: `BEGIN;
-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;`,
	Good: `BEGIN;
-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
COMMIT;`,
	Run: runTransactionNesting,
})

// txState is the transaction state just before a statement.
// pending counts the statements not committed yet: those since the last
// COMMIT or ROLLBACK, or, in a file whose statements otherwise run one at a
// time (goose's NO TRANSACTION), since the BEGIN.
type txState struct {
	open    *sqlfile.Stmt // the BEGIN of the open explicit transaction, or nil
	pending int
	first   *sqlfile.Stmt // the first pending statement
}

// txStateAt replays the file's transaction control up to statement i, as
// the execution plan runs the file.
func txStateAt(p *analysis.Pass, i int) txState {
	var st txState
	for _, s := range p.File.Stmts[:i] {
		kind, ok := execution.TxKind(s.Node)
		switch {
		case !ok:
			if st.open == nil && !p.Tx[s.Index].InTx {
				continue // committed on its own
			}
			if st.pending == 0 {
				st.first = s
			}
			st.pending++
		case isBegin(kind):
			if st.open == nil {
				st.open = s
			}
		case isEnd(kind):
			st = txState{}
		}
	}
	return st
}

func isBegin(k pg.TransactionStmtKind) bool {
	return k == pg.TransactionStmtKind_TRANS_STMT_BEGIN || k == pg.TransactionStmtKind_TRANS_STMT_START
}

func isEnd(k pg.TransactionStmtKind) bool {
	return k == pg.TransactionStmtKind_TRANS_STMT_COMMIT || k == pg.TransactionStmtKind_TRANS_STMT_ROLLBACK
}

func runTransactionNesting(p *analysis.Pass) {
	kind, ok := execution.TxKind(p.Stmt.Node)
	if !ok {
		return
	}
	st := txStateAt(p, p.Stmt.Index)
	line := func(s *sqlfile.Stmt) int { return p.File.Position(s.Start).Line }
	switch {
	case isBegin(kind) && st.open != nil:
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("this BEGIN is ignored (WARNING: there is already a transaction in progress): the transaction "+
				"that BEGIN on line %d opened is still open, PostgreSQL has no nested transactions, and the next COMMIT ends it, "+
				"so the statements after that COMMIT run outside the transaction they were written in", line(st.open)),
			Help: "Use one BEGIN ... COMMIT, or none: " + oneTransactionNote(p) + " To " +
				"commit part of the work separately, put it in a migration of its own. " + prismaEdit,
			Fix: "-- Delete this BEGIN and the COMMIT that was meant to close it.",
		})
	case isBegin(kind) && !committedLater(p):
		p.ReportStmt(analysis.Report{
			Message: "this BEGIN is never committed: the transaction is still open when the file ends, so nothing in it is " +
				"committed by the migration, and it is rolled back when the connection closes (or absorbs whatever the same " +
				"connection runs next)",
			Help: "End the transaction with COMMIT at the end of the file, or remove the BEGIN: " + oneTransactionNote(p) + " " + prismaEdit,
			Fix:  "-- At the end of the file:\nCOMMIT;",
		})
	case kind == pg.TransactionStmtKind_TRANS_STMT_COMMIT && st.open == nil && st.pending > 0 && laterWork(p):
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("COMMIT without BEGIN commits the %d statement(s) from line %d on their own (WARNING: there "+
				"is no transaction in progress): if a later statement fails, they stay applied while Prisma records the migration "+
				"as failed, and deploying it again fails on them", st.pending, line(st.first)),
			Help: "Remove the COMMIT so the file stays all-or-nothing, or, if the two parts must commit separately, split them " +
				"into two migrations. " + prismaMove,
			Fix: "-- Delete this COMMIT, or end the migration here and move the statements after it into a new one.",
		})
	case kind == pg.TransactionStmtKind_TRANS_STMT_ROLLBACK && st.pending > 0:
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("ROLLBACK silently undoes the %d statement(s) from line %d, yet the migration is recorded as "+
				"applied: their changes never reach the database, and Prisma will not run them again", st.pending, line(st.first)),
			Help: "Remove the ROLLBACK, and the statements it was meant to undo if they should not run. " + prismaEdit,
			Fix:  "-- Delete this ROLLBACK.",
		})
	}
}

// committedLater reports whether a COMMIT or ROLLBACK follows the current
// statement.
func committedLater(p *analysis.Pass) bool {
	for _, s := range p.File.Stmts[p.Stmt.Index+1:] {
		if k, ok := execution.TxKind(s.Node); ok && isEnd(k) {
			return true
		}
	}
	return false
}

// laterWork reports whether a statement other than transaction control
// follows the current one.
func laterWork(p *analysis.Pass) bool {
	for _, s := range p.File.Stmts[p.Stmt.Index+1:] {
		if _, ok := execution.TxKind(s.Node); !ok {
			return true
		}
	}
	return false
}

// oneTransactionNote says whether the runner already makes the file one
// transaction without BEGIN ... COMMIT.
func oneTransactionNote(p *analysis.Pass) string {
	if p.Plan.Runner.Splits() {
		return p.Plan.Runner.Name() + " sends each statement on its own, so one BEGIN ... COMMIT around the whole file is what makes it all or nothing."
	}
	return "Prisma before 7.4 already runs a file of several statements as one transaction."
}
