package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

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
		if rp.View {
			what = fmt.Sprintf("column %s of view %s (field %s)", sqltext.Ident(rp.Column), rp.Table, fieldName(rp.Problem))
			if rp.Kind == compat.MissingTable {
				what = fmt.Sprintf("view %s (view %s)", rp.Table, rp.Model)
			}
		}
		if rp.CodeFirst {
			p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
				Message: fmt.Sprintf("%s reads %s, which only this statement creates: until it runs, every query of model %s fails with %s",
					releaseName(rp), what, rp.Model, code),
				Help: "Deploy the migration before the code that uses it (deploy-order = \"migrate-first\"), or ship the migration " +
					"one release ahead of the code that maps the new column. " + expandContractHelp,
				Fix: "-- No SQL fix: the statement is right, the order is not. Ship this migration one release before the code " +
					"that maps it, or deploy with deploy-order = \"migrate-first\".",
			})
			continue
		}
		if s := p.Stmt.Node.GetRenameStmt(); s != nil {
			reportRename(p, rp, s, what, code)
			continue
		}
		if rp.View && rp.Kind == compat.MissingColumn {
			reportViewColumn(p, rp, what)
			continue
		}
		p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
			Message: fmt.Sprintf("this statement drops %s, which %s still reads: every query of model %s fails with %s until all its "+
				"instances are replaced", what, releaseName(rp), rp.Model, code),
			Help: fmt.Sprintf("Expand-contract: first deploy a release whose schema.prisma no longer has %s (remove it, or mark it "+
				"`@ignore`) and delete this statement from the migration; drop it in a later migration once that release "+
				"runs everywhere. %s", fieldName(rp.Problem), expandContractHelp),
			Fix: fmt.Sprintf("-- Release 1: schema.prisma without %s; no SQL (this statement moves to the contract step).\n"+
				"%s (migration 2), once release 1 runs everywhere:\n%s%s",
				fieldName(rp.Problem), stepContract, setLockTimeout(p), contractSQL(rp.Problem)),
		})
	}
}

// reportRename reports a rename of what the running release reads; the
// fix keeps the old name working until a release that uses the new one
// runs everywhere.
func reportRename(p *analysis.Pass, rp releaseProblem, s *pg.RenameStmt, what, code string) {
	msg := fmt.Sprintf("this statement renames %s, which %s still reads: every query of model %s fails with %s until all its "+
		"instances are replaced", what, releaseName(rp), rp.Model, code)
	if rp.Kind == compat.MissingTable {
		p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
			Message: msg,
			Help: fmt.Sprintf("If only the model's name should change, keep the table and map the model to it with `@@map(\"%s\")`: no "+
				"migration. Otherwise leave a view under the old name while the running release uses it (the fix). %s",
				rp.Table.Name, expandContractHelp),
			Fix: tableRenameFix(p, rp.Table, s.Newname),
		})
		return
	}
	if rp.View {
		reportViewColumn(p, rp, what)
		return
	}
	sync := syncFor(p, rp.Table, rp.Column, s.Newname, "")
	sync.release = fmt.Sprintf("schema.prisma maps %s to %s (`@map(\"%s\")` or a field of that name)", fieldName(rp.Problem),
		sqltext.Ident(s.Newname), s.Newname)
	p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
		Message: msg,
		Help: fmt.Sprintf("If only the field's name should change, keep the column and map the renamed field to it with "+
			"`@map(\"%s\")`: no migration. Otherwise add the new column and keep both in step while the running release "+
			"uses the old one (the fix). %s", rp.Column, expandContractHelp),
		Fix: sync.String(),
	})
}

// reportViewColumn reports a column of a view that the running release
// selects and that the statement removes from the view (a view redefined,
// or a view column renamed).
func reportViewColumn(p *analysis.Pass, rp releaseProblem, what string) {
	p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
		Message: fmt.Sprintf("after this statement the database no longer has %s, which %s still selects: every query of view %s "+
			"fails with 42703 \"column does not exist\" until all its instances are replaced", what, releaseName(rp), rp.Model),
		Help: fmt.Sprintf("Expand-contract: keep the column in the view (CREATE OR REPLACE VIEW may add columns at the end, so a "+
			"renamed column can be selected under both names), deploy a release whose schema.prisma no longer has %s, then "+
			"redefine the view without it. %s", fieldName(rp.Problem), expandContractHelp),
		Fix: fmt.Sprintf("-- No SQL fix generated: the view's query is yours. Release 1: schema.prisma without %s, and this "+
			"migration's view keeps selecting %s (under its new name too, added at the end, for a rename).\n"+
			"%s (migration 2), once release 1 runs everywhere: this statement.", fieldName(rp.Problem), sqltext.Ident(rp.Column), stepContract),
	})
}

// contractSQL is the drop the contract step runs.
func contractSQL(pr compat.Problem) string {
	if pr.Kind == compat.MissingTable && pr.View {
		return fmt.Sprintf("DROP VIEW %s;", pr.Table)
	}
	if pr.Kind == compat.MissingTable {
		return fmt.Sprintf("DROP TABLE %s;", pr.Table)
	}
	return fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", pr.Table, sqltext.Ident(pr.Column))
}
