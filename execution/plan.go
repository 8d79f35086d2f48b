// Package execution is migrate-guard's model of how a migration file runs:
// which runner sends it (Prisma before or after 7.4, migrate-guard deploy, a
// plain SQL runner), how the file reaches PostgreSQL (one query, statement by
// statement, or one transaction of our own), and so for every statement the
// transaction it runs in and what stays committed when it fails. Deploy, the
// rules and the reports consult this one model; nothing else decides
// transaction boundaries.
package execution

import (
	"fmt"
	"slices"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/pgast"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Mode is how a file reaches PostgreSQL.
type Mode int

const (
	// Script sends the whole file as one simple-protocol query, as Prisma
	// before 7.4 does. PostgreSQL runs a query holding several statements as
	// one implicit transaction; an explicit BEGIN turns it, statements before
	// it included, into an explicit one, and each COMMIT starts a new one.
	Script Mode = iota
	// Statements sends each statement as its own query, as Prisma 7.4 and
	// later do: each commits on its own unless it sits inside BEGIN ...
	// COMMIT written in the file.
	Statements
	// Atomic runs the file and its history row in one transaction, as
	// migrate-guard deploy does whenever PostgreSQL allows it.
	Atomic
)

func (m Mode) String() string {
	return [...]string{"one query", "statement by statement", "one transaction"}[m]
}

// Tx is where one statement runs.
type Tx struct {
	InTx     bool // runs inside a transaction block
	Explicit bool // inside a BEGIN ... COMMIT written in the file
	ID       int  // statements with the same ID run in the same transaction
}

// Fallback is a file that its runner would send statement by statement but
// sends whole, because Prisma's splitter cannot parse one of its statements.
type Fallback struct {
	Stmt int    // index of the first statement the splitter rejects; -1 for a syntax error
	What string // what it is, as "DROP INDEX CONCURRENTLY"
}

// Plan is how one file runs.
type Plan struct {
	Runner Runner
	Mode   Mode
	// Fallback is set when Prisma 7.4+ sends the file as one query.
	Fallback *Fallback
	// Tx holds, for every statement of the file, the transaction it runs in.
	Tx []Tx
}

// Build computes the plan of f under runner r against PostgreSQL pgVersion.
func Build(f *sqlfile.File, r Runner, pgVersion int) *Plan {
	p := &Plan{Runner: r}
	switch {
	case f.NoTransaction:
		p.Mode = Statements // goose NO TRANSACTION: whatever the runner, goose runs it
	case r.Splits():
		p.Mode = Statements
		if f.SentCount() > 1 || len(f.Errors) > 0 {
			if p.Fallback = fallback(f); p.Fallback != nil {
				p.Mode = Script
			}
		}
	case r.Kind == MigrateGuard:
		p.Mode = guardMode(f, pgVersion)
	default:
		p.Mode = Script
	}
	p.Tx = transactions(f, p.Mode)
	return p
}

// fallback finds the statement that makes Prisma's splitter give up.
func fallback(f *sqlfile.File) *Fallback {
	for _, s := range f.Stmts {
		n, _ := f.Sent(s)
		if what := Unsplittable(n); what != "" {
			return &Fallback{Stmt: s.Index, What: what}
		}
	}
	if len(f.Errors) > 0 {
		return &Fallback{Stmt: -1, What: "a statement PostgreSQL's parser rejects"}
	}
	return nil
}

// guardMode is how migrate-guard deploy runs a file: a file that manages its
// own transactions is sent as one query, as Prisma sends it; a file PostgreSQL
// cannot run in one transaction (a statement that refuses a transaction
// block, a new enum value used after the statement adding it) runs statement
// by statement; any other file is one transaction with its history row.
func guardMode(f *sqlfile.File, pgVersion int) Mode {
	if len(f.Errors) > 0 {
		return Script // the server judges it, and its error has a position
	}
	for _, s := range f.Stmts {
		if _, ok := TxKind(s.Node); ok {
			return Script
		}
	}
	if HoldsNonTransactional(f, pgVersion) || slices.ContainsFunc(f.Stmts, func(s *sqlfile.Stmt) bool { return usedLater(f, s) }) {
		return Statements
	}
	return Atomic
}

// usedLater reports whether s adds an enum value that a later statement of
// the file spells as a string constant. That over-approximates a use (the
// constant may be unrelated), which only costs the file its atomicity; a use
// in the same transaction would fail with 55P04.
func usedLater(f *sqlfile.File, s *sqlfile.Stmt) bool {
	e := s.Node.GetAlterEnumStmt()
	if e == nil || e.OldVal != "" || e.NewVal == "" {
		return false
	}
	return slices.ContainsFunc(f.Stmts[s.Index+1:], func(t *sqlfile.Stmt) bool {
		found := false
		pgast.Walk(t.Node, func(n *pg.Node) {
			if c := n.GetAConst(); c != nil && c.GetSval().GetSval() == e.NewVal {
				found = true
			}
		})
		return found
	})
}

// transactions computes the Tx of every statement under mode.
func transactions(f *sqlfile.File, mode Mode) []Tx {
	out := make([]Tx, len(f.Stmts))
	if mode == Atomic {
		for i := range out {
			out[i] = Tx{InTx: true}
		}
		return out
	}
	implicit := mode == Script && f.SentCount() > 1
	open, id := false, 0
	for i, s := range f.Stmts {
		if _, first := f.Sent(s); !first {
			out[i] = out[i-1] // the statements of a DO block run in its transaction
			continue
		}
		if !open && !implicit && i > 0 {
			id++ // a statement sent on its own is a transaction of its own
		}
		kind, isTx := TxKind(s.Node)
		switch {
		case isTx && (kind == pg.TransactionStmtKind_TRANS_STMT_BEGIN || kind == pg.TransactionStmtKind_TRANS_STMT_START):
			// In one query, BEGIN turns the implicit transaction, statements
			// before it included, into an explicit one.
			open = true
			out[i] = Tx{InTx: true, Explicit: true, ID: id}
		case isTx && (kind == pg.TransactionStmtKind_TRANS_STMT_COMMIT || kind == pg.TransactionStmtKind_TRANS_STMT_ROLLBACK):
			out[i] = Tx{InTx: open || implicit, Explicit: open, ID: id}
			open = false
			if implicit {
				id++
			}
		default:
			// A DO block is a transaction of its own even when sent alone.
			out[i] = Tx{InTx: open || implicit || s.Block != nil, Explicit: open, ID: id}
		}
	}
	return out
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

// Atomic reports whether a failure anywhere in the file undoes all of it.
func (p *Plan) Atomic() bool {
	if len(p.Tx) <= 1 {
		return true
	}
	for _, t := range p.Tx {
		if !t.InTx || t.ID != p.Tx[0].ID {
			return false
		}
	}
	return true
}

// CommittedBefore returns the statements that stay committed when statement
// i fails: those before it that ran in another, finished transaction.
func (p *Plan) CommittedBefore(i int) []int {
	var out []int
	for j := 0; j < i; j++ {
		if p.Tx[j].ID != p.Tx[i].ID {
			out = append(out, j)
		}
	}
	return out
}

// WhyInTransaction says why statement i of f runs inside a transaction
// block, for messages: "it sits inside BEGIN ... COMMIT", "this file holds 3
// statements, which Prisma 6.19.0 sends as one query that PostgreSQL runs as
// one transaction", ... It returns "" for a statement outside one.
func (p *Plan) WhyInTransaction(f *sqlfile.File, i int) string {
	tx := p.Tx[i]
	switch {
	case !tx.InTx:
		return ""
	case tx.Explicit:
		return "it sits inside BEGIN ... COMMIT"
	case p.Mode == Atomic:
		return "`migrate-guard deploy` runs this file as one transaction"
	case p.Fallback != nil && p.Fallback.Stmt >= 0:
		return fmt.Sprintf("%s splits a file into statements, but its SQL parser (sqlparser-rs 0.62) cannot read the %s on line %d, "+
			"so it sends the whole file as one query, which PostgreSQL runs as one transaction",
			p.Runner.Name(), p.Fallback.What, f.Position(f.Stmts[p.Fallback.Stmt].Start).Line)
	case p.Fallback != nil:
		return fmt.Sprintf("%s sends a file its SQL parser cannot read as one query, which PostgreSQL runs as one transaction", p.Runner.Name())
	}
	n := len(f.Stmts)
	switch p.Runner.Kind {
	case Prisma:
		if p.Runner.HasVersion {
			return fmt.Sprintf("this file holds %d statements, which %s sends as one query that PostgreSQL runs as one transaction (Prisma splits files only from 7.4 on)", n, p.Runner.Name())
		}
		return fmt.Sprintf("this file holds %d statements, which Prisma before 7.4 sends as one query that PostgreSQL runs as one transaction", n)
	case Other:
		return fmt.Sprintf("this file holds %d statements, which the runner runs as one transaction", n)
	}
	return fmt.Sprintf("this file holds %d statements, which Prisma before 7.4 sends as one query that PostgreSQL runs as one transaction", n)
}
