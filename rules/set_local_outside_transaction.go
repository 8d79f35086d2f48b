package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// SetLocalOutsideTransaction flags SET LOCAL in a statement that runs
// outside a transaction block, where it does nothing.
var SetLocalOutsideTransaction = register(&analysis.Rule{
	ID:       "set-local-outside-transaction",
	Severity: analysis.Warning,
	Summary:  "SET LOCAL outside a transaction block has no effect",
	Doc: "SET LOCAL lasts until the end of the current transaction. Run outside a transaction block it ends at " +
		"once: PostgreSQL only raises WARNING 25P01 (\"SET LOCAL can only be used in transaction blocks\") and the " +
		"setting keeps its old value. A `SET LOCAL lock_timeout` meant to protect the statements after it then " +
		"protects nothing, and they wait for their locks without limit. This happens in a file that runs without a " +
		"transaction (goose's `-- +goose NO TRANSACTION`, which CREATE INDEX CONCURRENTLY needs) and in a file " +
		"holding a single statement, and in every statement Prisma 7.4 and later send on its own (outside BEGIN ... " +
		"COMMIT). A migration.sql holding several statements runs as one transaction under Prisma before 7.4, where " +
		"SET LOCAL works.",
	Bad: `-- +goose Up
-- +goose NO TRANSACTION
SET LOCAL lock_timeout = '5s';
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");`,
	Good: `-- +goose Up
-- +goose NO TRANSACTION
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");
RESET lock_timeout;`,
	Run: runSetLocalOutsideTransaction,
})

func runSetLocalOutsideTransaction(p *analysis.Pass) {
	v := p.Stmt.Node.GetVariableSetStmt()
	if v == nil || !v.IsLocal || p.InTx() {
		return
	}
	local, ok := localToken(p.File, p.StmtSpan())
	if !ok {
		return
	}
	why := "the file holds this one statement, which PostgreSQL runs on its own"
	if p.File.NoTransaction {
		why = "the file runs without a transaction (NO TRANSACTION), so each statement is its own transaction"
	}
	name := v.Name
	if name == "" {
		name = "the setting"
	}
	cut := local // LOCAL and the white space after it
	for cut.End < p.Stmt.End && strings.ContainsRune(" \t\r\n", rune(p.File.Src[cut.End])) {
		cut.End++
	}
	fix := withReplacements(p.File, p.StmtSpan(), []replacement{{cut, ""}}) + terminator(p.File, p.Stmt)
	if v.Kind == pg.VariableSetKind_VAR_SET_VALUE && v.Name != "" {
		fix += fmt.Sprintf("\n-- ... the statements it is for ...\nRESET %s;", v.Name)
	}
	p.ReportAt(local, analysis.Report{
		Message: fmt.Sprintf("SET LOCAL runs outside a transaction block, so it has no effect: PostgreSQL only raises WARNING 25P01 "+
			"(\"SET LOCAL can only be used in transaction blocks\") and %s keeps its previous value for the statements "+
			"after it; %s", name, why),
		Help: "Use a plain SET, which lasts for the session, and RESET it after the statements it is for, since the " +
			"connection may be reused; or run the statements in a transaction (BEGIN ... COMMIT around them). " +
			"Create the migration with `prisma migrate dev --create-only`, edit migration.sql, then apply it with " +
			"`prisma migrate dev`.",
		Fix: fix,
	})
}

// localToken returns the span of the LOCAL keyword of a SET LOCAL
// statement.
func localToken(f *sqlfile.File, sp sqlfile.Span) (sqlfile.Span, bool) {
	for _, t := range f.Tokens(sp.Start, sp.End) {
		if t.Token == pg.Token_LOCAL {
			return sqlfile.Span{Start: int(t.Start), End: int(t.End)}, true
		}
	}
	return sqlfile.Span{}, false
}
