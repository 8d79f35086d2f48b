package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/compat"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ReleaseColumnRemoved flags a table or column that the running release's
// Prisma Client reads and the migration drops or renames.
var ReleaseColumnRemoved = register(&analysis.Rule{
	ID:       "release-column-removed",
	Severity: analysis.Error,
	Summary:  "table or column the running release reads is dropped or renamed",
	Doc: "Prisma Client selects every scalar field of a model by its column name, so while the release that is " +
		"running maps a column, dropping or renaming it makes every query of the model fail with 42703 " +
		"\"column does not exist\" (42P01 \"relation does not exist\" for a table) from the moment the migration " +
		"runs until the new release replaces every instance. The rule compares the migration with the running " +
		"release's schema.prisma (`lint --base-schema` or `--base-ref`; in the action, the pull request's base " +
		"commit): it fires only when that schema still maps what the migration removes, naming the model and " +
		"field. Contract in two releases: first ship the schema without the field (or with `@ignore`), then drop " +
		"the column in a later migration; that second migration is clean here and in drop-column. With " +
		"deploy-order = \"code-first\" it checks the other way: the new release must not read a column that " +
		"only this migration creates. " + expandContractDoc,
	BaseSchema: exampleBase,
	Bad: `-- AlterTable
ALTER TABLE "User" DROP COLUMN "name";`,
	Good: `-- AlterTable
ALTER TABLE "User" DROP COLUMN "bio";`,
	Requires: []analysis.Result{alterCmdsResult, releaseProblemsResult},
	Run:      runReleaseColumnRemoved,
})

func runReleaseColumnRemoved(p *analysis.Pass) {
	for _, rp := range releaseFindings(p, compat.MissingTable, compat.MissingColumn) {
		what := fmt.Sprintf("column %s of %s (field %s)", sqltext.Ident(rp.Column), rp.Table, fieldName(rp.Problem))
		code := "42703 \"column does not exist\""
		if rp.Kind == compat.MissingTable {
			what, code = fmt.Sprintf("table %s (model %s)", rp.Table, rp.Model), "42P01 \"relation does not exist\""
		}
		if rp.CodeFirst {
			p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
				Message: fmt.Sprintf("%s reads %s, which only this statement creates: until it runs, every query of model %s fails with %s",
					releaseName(rp), what, rp.Model, code),
				Help: "Deploy the migration before the code that uses it (deploy-order = \"migrate-first\"), or ship the migration " +
					"one release ahead of the code that maps the new column. " + expandContractHelp,
			})
			continue
		}
		verb := "drops"
		if p.Stmt.Node.GetRenameStmt() != nil {
			verb = "renames"
		}
		p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
			Message: fmt.Sprintf("this statement %s %s, which %s still reads: every query of model %s fails with %s until all its "+
				"instances are replaced", verb, what, releaseName(rp), rp.Model, code),
			Help: fmt.Sprintf("Expand-contract: first deploy a release whose schema.prisma no longer has %s (remove it, or mark it "+
				"`@ignore`) and delete this statement from the migration; drop it in a later migration once that release "+
				"runs everywhere. For a rename, keep the column and map the renamed field to it with `@map(\"%s\")`. %s",
				fieldName(rp.Problem), rp.Column, expandContractHelp),
			Fix: fmt.Sprintf("-- Release 1: schema.prisma without %s; no migration.\n-- Release 2 (the contract step), once release 1 runs everywhere:\n%s%s",
				fieldName(rp.Problem), setLockTimeout(p), contractSQL(rp.Problem)),
		})
	}
}

// contractSQL is the drop that the contract step runs.
func contractSQL(pr compat.Problem) string {
	if pr.Kind == compat.MissingTable {
		return fmt.Sprintf("DROP TABLE %s;", pr.Table)
	}
	return fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", pr.Table, sqltext.Ident(pr.Column))
}
