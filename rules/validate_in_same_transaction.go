package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ValidateInSameTransaction flags VALIDATE CONSTRAINT in the transaction that
// added the constraint NOT VALID.
var ValidateInSameTransaction = register(&analysis.Rule{
	ID:             "validate-in-same-transaction",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "VALIDATE CONSTRAINT in the same transaction as its ADD CONSTRAINT ... NOT VALID",
	Doc: "Adding a constraint NOT VALID and validating it later avoids checking existing rows under a heavy " +
		"lock, but only if the two run in different transactions. ADD CONSTRAINT takes an ACCESS EXCLUSIVE lock " +
		"(CHECK) or SHARE ROW EXCLUSIVE locks on both tables (FOREIGN KEY), and a lock is held until the transaction " +
		"ends: validated in the same transaction, every existing row is checked while that lock still blocks reads " +
		"and writes (CHECK) or writes (FOREIGN KEY), exactly as without NOT VALID. Prisma before 7.4 runs a migration.sql " +
		"holding several statements as one transaction, so both statements in one file share it. Tables created " +
		"in the same migration are not flagged: they are empty. How a file runs follows deployed-by, or the Prisma version in package.json: Prisma before 7.4 sends a migration.sql as one query, one transaction; Prisma 7.4 and later send each statement on its own, each committed alone (unless the file holds a statement its SQL parser cannot read), so there the statements do not share a transaction and the rule is silent; `migrate-guard deploy` runs a file in one transaction whenever PostgreSQL allows it.",
	Bad: `-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_user_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_user_fkey";`,
	Good: `-- A later migration than the one that added the constraint NOT VALID:
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runValidateInSameTransaction,
})

func runValidateInSameTransaction(p *analysis.Pass) {
	if !p.InTx() {
		return
	}
	for _, c := range alterCmds(p) {
		if c.Cmd.Subtype != pg.AlterTableType_AT_ValidateConstraint || !existing(p, c.Table) {
			continue
		}
		add, at := addedNotValid(p, c.Table, c.Cmd.Name)
		if add == nil {
			continue
		}
		tables := []catalog.Name{c.Table}
		if ref := catalog.RangeName(add.Pktable); add.Contype == pg.ConstrType_CONSTR_FOREIGN && ref != c.Table {
			tables = append(tables, ref)
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("VALIDATE CONSTRAINT %s runs in the same transaction as the ADD CONSTRAINT ... NOT VALID on line %d, "+
				"so its scan of every row runs under %s, and NOT VALID gains nothing", sqltext.Ident(c.Cmd.Name),
				p.File.Position(at).Line, underSlow(p, tables...)),
			Help: "Move VALIDATE CONSTRAINT into a separate, later migration: on its own it takes a SHARE UPDATE EXCLUSIVE lock " +
				"(and ROW SHARE on a referenced table), so reads and writes go on while existing rows are checked. " + prismaMove,
			Fix:    fmt.Sprintf("-- A separate, later migration:\nALTER TABLE %s VALIDATE CONSTRAINT %s;", c.Table, sqltext.Ident(c.Cmd.Name)),
			Impact: constraintImpact(p, c.Table, add),
		})
	}
}
