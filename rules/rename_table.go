package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// RenameTable flags an existing table renamed without a view that keeps its
// old name working.
var RenameTable = register(&analysis.Rule{
	ID:       "rename-table",
	Severity: analysis.Warning,
	Summary:  "existing table renamed without a compatibility view",
	Doc: "A rename keeps the data but breaks the application instances still running the previous release: " +
		"from the moment the migration runs until those instances are replaced, every query of the model " +
		"fails with `relation does not exist` (SQLSTATE 42P01). If the goal is only a nicer model name in " +
		"Prisma Client, rename the model in schema.prisma and keep the table with `@@map(\"OldName\")`: no " +
		"migration at all. Otherwise rename the table and, in the same migration, create a view with the old " +
		"name: a view over one table is automatically updatable, so old code keeps reading and writing through " +
		"it until every instance runs the new code; drop the view in a later migration. A rename followed by " +
		"such a view in the same file is not reported.",
	Bad: `-- AlterTable
ALTER TABLE "User" RENAME TO "Account";`,
	Good: renameTableFix(catalog.Name{Schema: catalog.DefaultSchema, Name: "User"}, "Account", false),
	Run:  runRenameTable,
})

func runRenameTable(p *analysis.Pass) {
	s := p.Stmt.Node.GetRenameStmt()
	if s == nil || s.RenameType != pg.ObjectType_OBJECT_TABLE || s.Relation == nil {
		return
	}
	t := catalog.RangeName(s.Relation)
	if !existing(p, t) || viewReplaces(p, t) {
		return
	}
	p.ReportAt(renameSpan(p, s), analysis.Report{
		Message: fmt.Sprintf("renaming table %s to %s breaks instances still running the old code: their queries name %[1]s and "+
			"fail with 42P01 \"relation does not exist\" from the moment this migration runs until they are redeployed",
			t, sqltext.Ident(s.Newname)),
		Help: fmt.Sprintf("If the goal is only a nicer model name in Prisma Client, undo the rename: name the model %s in "+
			"schema.prisma and add `@@map(\"%s\")`, which needs no migration. Otherwise create a view with the old name right "+
			"after the rename: a view over one table is automatically updatable, so old code keeps reading and writing "+
			"through it; drop the view once every instance runs the new code. "+prismaEdit, s.Newname, t.Name),
		Fix: renameTableFix(t, s.Newname, s.MissingOk),
	})
}

// viewReplaces reports whether a later statement of the file creates a view
// with the table's name, so old code keeps working.
func viewReplaces(p *analysis.Pass, t catalog.Name) bool {
	for _, s := range p.File.Stmts[p.Stmt.Index+1:] {
		if v := s.Node.GetViewStmt(); v != nil && catalog.RangeName(v.View) == t {
			return true
		}
	}
	return false
}

func renameTableFix(t catalog.Name, to string, missingOk bool) string {
	return fmt.Sprintf(`ALTER TABLE %[4]s%[1]s RENAME TO %[3]s;
-- Old code keeps reading and writing %[1]s through this view (a view over one table is updatable):
CREATE VIEW %[1]s AS SELECT * FROM %[2]s;
-- In a later migration, once every instance runs the new code:
-- DROP VIEW %[1]s;`, t, catalog.Name{Schema: t.Schema, Name: to}, sqltext.Ident(to), ifExists(missingOk))
}
