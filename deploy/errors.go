package deploy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// MigrationError is a migration that failed to apply, with everything needed
// to fix it: where in the file, and what PostgreSQL said.
type MigrationError struct {
	Migration string
	Path      string
	Line, Col int // 1-based position in the file, 0 when unknown
	Code      string
	Message   string
	Detail    string
	Hint      string
	// Completed says how far a statement-by-statement migration got.
	Completed string
	// BlockedBy names the sessions that held the lock a lock timeout waited for.
	BlockedBy string
	// InvalidIndexes are indexes a failed concurrent build left behind.
	InvalidIndexes []string
	// DroppedIndexes are invalid indexes of a failed build that were dropped.
	DroppedIndexes []string
	// Interrupted is a migration stopped by a signal (its statement cancelled).
	Interrupted bool
	Err         error
}

func (e *MigrationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "migration %s failed: %s", e.Migration, e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": ERROR %s: %s", e.Code, e.Message)
	} else {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, "\n  DETAIL: %s", e.Detail)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, "\n  HINT: %s", e.Hint)
	}
	if e.BlockedBy != "" {
		fmt.Fprintf(&b, "\n  %s", strings.TrimPrefix(e.BlockedBy, "; "))
	}
	if e.Completed != "" {
		fmt.Fprintf(&b, "\n  %s", e.Completed)
	}
	for _, ix := range e.DroppedIndexes {
		fmt.Fprintf(&b, "\n  dropped the invalid index %s the failed concurrent build left", ix)
	}
	for _, ix := range e.InvalidIndexes {
		fmt.Fprintf(&b, "\n  invalid index left by a failed concurrent build: %s (the next deploy drops and rebuilds it; by hand: DROP INDEX CONCURRENTLY %s)", ix, ix)
	}
	return b.String()
}

func (e *MigrationError) Unwrap() error { return e.Err }

// HistoryError is a failure to read or write _prisma_migrations, not of a
// migration's SQL.
type HistoryError struct {
	What string // what was being done, ending with a preposition: "recording x in"
	Err  error
}

func (e *HistoryError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.What, historyTable, e.Err)
}

func (e *HistoryError) Unwrap() error { return e.Err }

// historyErr wraps an error of the history table, naming the privilege a
// permission error lacks; nil stays nil.
func historyErr(err error, what, privilege string) error {
	if err == nil {
		return nil
	}
	if isPermission(err) {
		err = fmt.Errorf("%w (the deploy role needs %s on %s: GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO <role>)", err, privilege, historyTable, historyTable)
	}
	return &HistoryError{What: what, Err: err}
}

func isPermission(err error) bool { return isCode(err, "42501") }

// RefusedError is a deploy refused because of the state of the database: a
// failed migration (P3009), a schema to baseline first (P3005), drift. Like
// a failed migration, it needs a person to resolve it.
type RefusedError struct {
	// Code is the error code Prisma gives the same refusal ("P3009"), so
	// that callers and users can look it up; "" when Prisma has none.
	Code string
	Msg  string // what is wrong
	// Next says what to do about it; a leading newline puts it on lines
	// of its own.
	Next string
}

// Error writes "Msg (Prisma error Code): Next".
func (e *RefusedError) Error() string {
	s := e.Msg
	if e.Code != "" {
		s += " (Prisma error " + e.Code + ")"
	}
	if e.Next == "" {
		return s
	}
	if strings.HasPrefix(e.Next, "\n") {
		return s + ":" + e.Next
	}
	return s + ": " + e.Next
}

// migrationError builds the error for a failure of SQL sent from byte base
// of the file, after done statements of the file had completed.
func (a *applier) migrationError(m *migration, err error, done, base int) *MigrationError {
	e := &MigrationError{Migration: m.Name, Path: m.Path, Message: err.Error(), Err: err}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return e
	}
	e.Code, e.Message, e.Detail, e.Hint = pe.Code, pe.Message, pe.Detail, pe.Hint
	off := -1

	switch {
	case pe.Position > 0:
		off = m.File.CharOffset(base, int(pe.Position)-1)
	case m.mode == modeStatements:
		off = base
	case len(m.File.Errors) == 0 && done < len(m.File.Stmts):
		off = m.File.Stmts[done].Start
	}
	if off >= 0 {
		pos := m.File.Position(off)
		e.Line, e.Col = pos.Line, pos.Col
		if e.Code == "42501" && e.Hint == "" {
			e.Hint = privilegeHint(stmtAt(m.File, off))
		}
	}
	return e
}

// stmtAt returns the statement of f that holds byte off, or nil.
func stmtAt(f *sqlfile.File, off int) *pg.Node {
	for _, s := range f.Stmts {
		if off >= s.Start && off <= s.End {
			return s.Node
		}
	}
	return nil
}

// privilegeHint says which privilege a statement refused with 42501 needs:
// PostgreSQL's message names the object, not the privilege.
func privilegeHint(n *pg.Node) string {
	switch n.GetNode().(type) {
	case *pg.Node_CreateStmt, *pg.Node_ViewStmt, *pg.Node_CreateSeqStmt, *pg.Node_CompositeTypeStmt,
		*pg.Node_CreateEnumStmt, *pg.Node_CreateFunctionStmt, *pg.Node_CreateTableAsStmt, *pg.Node_CreateDomainStmt:
		return "creating an object needs USAGE and CREATE on its schema (GRANT USAGE, CREATE ON SCHEMA <schema> TO <role>)"
	case *pg.Node_IndexStmt:
		return "creating an index needs ownership of the table (run the deploy as its owner or a member of the owning role)"
	case *pg.Node_AlterTableStmt, *pg.Node_DropStmt, *pg.Node_RenameStmt, *pg.Node_AlterEnumStmt, *pg.Node_CommentStmt:
		return "altering, renaming, commenting on or dropping an object needs ownership of it (run the deploy as its owner or a member of the owning role)"
	case *pg.Node_InsertStmt:
		return "the statement needs INSERT on the table (and SELECT on the tables it reads, USAGE on sequences it uses)"
	case *pg.Node_UpdateStmt:
		return "the statement needs UPDATE and SELECT on the table"
	case *pg.Node_DeleteStmt:
		return "the statement needs DELETE and SELECT on the table"
	}
	return ""
}
