package analysis

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Tx is where one statement runs, under the way `prisma migrate deploy` has
// always run a file on PostgreSQL: the whole file is sent as one
// simple-protocol query, which PostgreSQL runs as one implicit transaction
// unless the file holds a single statement or asks to run without one
// (goose's NO TRANSACTION). An explicit BEGIN ... COMMIT in
// the file turns that block, statements before the BEGIN included, into an
// explicit transaction, and each COMMIT starts a new one for the statements
// after it.
type Tx struct {
	InTx     bool // runs inside a transaction block
	Explicit bool // inside a BEGIN ... COMMIT written in the file
	ID       int  // statements with the same ID run in the same transaction
}

// Transactions computes the Tx of every statement of f.
func Transactions(f *sqlfile.File) []Tx {
	out := make([]Tx, len(f.Stmts))
	implicit := units(f) > 1 && !f.NoTransaction
	open, id := false, 0
	for i, s := range f.Stmts {
		if s.Block != nil && i > 0 && f.Stmts[i-1].Block == s.Block {
			out[i] = out[i-1] // the rest of a DO block runs where its first statement does
			continue
		}
		if s.Block != nil { // a DO block is its own transaction even when run alone
			out[i] = Tx{InTx: true, Explicit: open, ID: id}
			continue
		}
		kind, isTx := TxKind(s.Node)
		if isTx {
			switch kind {
			case pg.TransactionStmtKind_TRANS_STMT_BEGIN, pg.TransactionStmtKind_TRANS_STMT_START:
				// In one multi-statement query, BEGIN turns the implicit
				// transaction, statements before it included, into an
				// explicit one; run alone, each statement commits itself.
				if !open && !implicit {
					id++
				}
				open = true
				out[i] = Tx{InTx: true, Explicit: true, ID: id}
				continue
			case pg.TransactionStmtKind_TRANS_STMT_COMMIT, pg.TransactionStmtKind_TRANS_STMT_ROLLBACK:
				out[i] = Tx{InTx: open || implicit, Explicit: open, ID: id}
				open = false
				id++
				continue
			}
		}
		out[i] = Tx{InTx: open || implicit, Explicit: open, ID: id}
	}
	return out
}

// units counts the statements the file sends, a DO block (whose body
// ExpandBlocks put in its place) once.
func units(f *sqlfile.File) int {
	n := 0
	for i, s := range f.Stmts {
		if s.Block == nil || i == 0 || f.Stmts[i-1].Block != s.Block {
			n++
		}
	}
	return n
}

// TxKind returns the kind of a transaction-control statement and true, or
// false for any other statement.
func TxKind(n *pg.Node) (pg.TransactionStmtKind, bool) {
	t := n.GetTransactionStmt()
	if t == nil {
		return 0, false
	}
	return t.Kind, true
}
