package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DropDatabase flags DROP DATABASE in a migration.
var DropDatabase = register(&analysis.Rule{
	ID:       "drop-database",
	Severity: analysis.Error,
	Summary:  "DROP DATABASE in a migration",
	Doc: "DROP DATABASE deletes a whole database, every table and row in it, for good: only a backup brings it " +
		"back. It has no place in a migration history that runs unattended on every environment. It also cannot " +
		"run inside a transaction (SQLSTATE 25001, which Prisma's one-query files always are when they hold other " +
		"statements) and fails while any session is connected to that database (55006).",
	Bad: `DROP DATABASE "analytics";`,
	Good: `-- This is an empty migration: the analytics database is dropped by hand, after a backup,
-- once nothing connects to it.`,
	Run: runDropDatabase,
})

func runDropDatabase(p *analysis.Pass) {
	s := p.Stmt.Node.GetDropdbStmt()
	if s == nil {
		return
	}
	db := sqltext.Ident(s.Dbname)
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("DROP DATABASE %s deletes that database and every table and row in it for good; it fails with 55006 "+
			"while any session is connected to it, and with 25001 inside a transaction", db),
		Help: "Take it out of the migration: drop the database by hand, after a backup and once nothing connects to it. " +
			"With Prisma: delete the statement from migration.sql before it is applied (`prisma migrate dev --create-only`).",
		Fix: fmt.Sprintf("-- Not in a migration. By hand, after a backup (pg_dump -Fc -d %s > %s.dump):\n-- DROP DATABASE %s;",
			s.Dbname, s.Dbname, db),
	})
}
