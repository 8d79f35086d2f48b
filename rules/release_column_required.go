package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/compat"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ReleaseColumnRequired flags a column that the running release does not
// write on insert becoming required.
var ReleaseColumnRequired = register(&analysis.Rule{
	ID:       "release-column-required",
	Severity: analysis.Error,
	Summary:  "column the running release does not write becomes required",
	Doc: "Prisma Client inserts the fields it knows: the required ones, and the optional ones only when the code " +
		"sets them. A column that the running release's schema.prisma does not map, maps as optional, or leaves " +
		"to a database default, gets no value from its inserts. When the migration makes such a column NOT NULL " +
		"without a default (ADD COLUMN ... NOT NULL, SET NOT NULL, DROP DEFAULT), every insert of the model by the " +
		"running release fails with 23502 \"null value violates not-null constraint\" until the new release replaces " +
		"it. Expand with a DEFAULT (or nullable), deploy the release that writes the column, then require it. " +
		"Defaults the client computes itself (uuid(), cuid(), nanoid(), ulid()) and @updatedAt count as written. " +
		expandContractDoc,
	BaseSchema: exampleBase,
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "tenantId" INTEGER NOT NULL;`,
	Good: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "tenantId" INTEGER NOT NULL DEFAULT 1;`,
	Requires: []analysis.Result{alterCmdsResult, releaseProblemsResult},
	Run:      runReleaseColumnRequired,
})

func runReleaseColumnRequired(p *analysis.Pass) {
	for _, rp := range releaseFindings(p, compat.Required) {
		col := fmt.Sprintf("column %s of %s", sqltext.Ident(rp.Column), rp.Table)
		if rp.CodeFirst {
			p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
				Message: fmt.Sprintf("%s does not write %s, which is NOT NULL without a default until this statement: every insert "+
					"of model %s fails with 23502 \"null value violates not-null constraint\" until the migration runs",
					releaseName(rp), col, rp.Model),
				Help: "Deploy the migration first (deploy-order = \"migrate-first\"), or give the column a DEFAULT one release " +
					"before the code stops writing it. " + expandContractHelp,
				Fix: fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;", rp.Table, sqltext.Ident(rp.Column)),
			})
			continue
		}
		why := "does not map it"
		if rp.Field != "" {
			why = fmt.Sprintf("maps it as %s but leaves it out of inserts that do not set it (optional or database default)", fieldName(rp.Problem))
		}
		p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
			Message: fmt.Sprintf("this statement makes %s required (NOT NULL, no default) while %s %s: every insert of model %s "+
				"fails with 23502 \"null value violates not-null constraint\" until all its instances are replaced",
				col, releaseName(rp), why, rp.Model),
			Help: "Expand-contract: add the column nullable (or keep its default) now, deploy the release that writes it on " +
				"every insert, then require it in a later migration. " + expandContractHelp,
			Fix: requiredFix(p, rp.Problem),
		})
	}
}

// requiredFix is the expand step: the column added nullable, or the
// requirement moved to a later migration, with the safe way to add it then.
func requiredFix(p *analysis.Pass, pr compat.Problem) string {
	later := notNullSteps(pr.Table, pr.Column, 2)
	for _, c := range alterCmds(p) {
		if c.Table != pr.Table || cmdColumn(c.Cmd) != pr.Column {
			continue
		}
		switch c.Cmd.Subtype {
		case pg.AlterTableType_AT_AddColumn:
			typ := ""
			if t := p.SchemaAt(p.Stmt.Index + 1).Table(pr.Table); t != nil {
				for _, col := range t.Columns {
					if col.Name == pr.Column {
						typ = col.Type.String()
					}
				}
			}
			return fmt.Sprintf("%s, instead of this statement: add the column nullable; the running release's inserts leave it NULL.\n"+
				"ALTER TABLE %s ADD COLUMN %s %s;\n%s: no SQL here, the value the existing rows take is yours to choose (an UPDATE "+
				"in batches); deploy the release that writes %[3]s on every insert, then make it NOT NULL:\n%[6]s",
				stepExpand, pr.Table, sqltext.Ident(pr.Column), typ, stepBackfill, later)
		case pg.AlterTableType_AT_ColumnDefault:
			return fmt.Sprintf("-- Keep the default now; in a later migration, once the release that writes %s runs everywhere:\n"+
				"ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;", pr.Column, pr.Table, sqltext.Ident(pr.Column))
		}
	}
	return "-- Keep the column nullable now; once the release that writes it runs everywhere:\n" + later
}
