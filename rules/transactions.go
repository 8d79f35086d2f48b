package rules

import (
	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Where the current statement sits in the transaction the runner gives it.

// firstOfTransaction returns the index of the first statement of the
// current transaction.
func firstOfTransaction(p *analysis.Pass) int {
	i := p.Stmt.Index
	for i > 0 && p.Tx[i-1].ID == p.Tx[p.Stmt.Index].ID {
		i--
	}
	return i
}

// aloneInTransaction reports whether the current statement is the only one
// of its transaction: it commits as soon as it finishes.
func aloneInTransaction(p *analysis.Pass) bool {
	i, id := p.Stmt.Index, p.Tx[p.Stmt.Index].ID
	return firstOfTransaction(p) == i && (i+1 == len(p.Tx) || p.Tx[i+1].ID != id)
}

// txStatements returns the statements of the current transaction from
// statement from on, without BEGIN, COMMIT and the like.
func txStatements(p *analysis.Pass, from int) []*sqlfile.Stmt {
	tx := p.Tx[p.Stmt.Index].ID
	var out []*sqlfile.Stmt
	for _, s := range p.File.Stmts[from:] {
		if p.Tx[s.Index].ID != tx {
			break
		}
		if _, isTx := execution.TxKind(s.Node); !isTx {
			out = append(out, s)
		}
	}
	return out
}
