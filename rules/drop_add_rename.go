package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DropAddRename flags a probable rename that Prisma generated as a drop plus
// an add, which deletes the data.
var DropAddRename = register(&analysis.Rule{
	ID:       "drop-add-rename",
	Severity: analysis.Error,
	Summary:  "probable rename generated as drop plus add, losing the data",
	Doc: "Prisma cannot tell a renamed field or model from a removed one plus a new one: it generates " +
		"DROP COLUMN plus ADD COLUMN (or DROP TABLE plus CREATE TABLE). The old column's values are deleted " +
		"and the new column starts empty (NULL or its default); for a model, every row is gone. The rule " +
		"pairs a dropped column with an added one on the same table in the same migration only on evidence: types " +
		"that can hold the same values, no UPDATE of the file filling the new column, no new foreign key where the old " +
		"column had none (or pointed elsewhere), and either names in common (`userId` and `user_id`, `views` and " +
		"`viewCount`) or no competing pairing (the only drop and add of the table, or of their type). The finding says " +
		"which evidence it found, and when the names have nothing in common its RENAME fix says to use it only for a " +
		"real rename. It pairs a dropped table with a created one when " +
		"at least two and at least half of the new table's columns match the old table's by name and type. " +
		"Keep the data by mapping the new name to the old column or table (`@map`, `@@map`), or by editing " +
		"the migration into a RENAME; for zero downtime, use expand-contract (see rename-column and rename-table).",
	Bad: `/*
  Warnings:

  - You are about to drop the column ` + "`name`" + ` on the ` + "`User`" + ` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "User" DROP COLUMN "name",
ADD COLUMN     "fullName" VARCHAR(100);`,
	Good: `-- Expand step of a zero-downtime rename of User.name to User.fullName: the new column is
-- added, written by a trigger and backfilled (see rename-column); "name" is dropped later.
-- AlterTable
ALTER TABLE "User" ADD COLUMN     "fullName" VARCHAR(100);`,
	Requires: []analysis.Result{alterCmdsResult, renamesResult},
	Run:      runDropAddRename,
})

func runDropAddRename(p *analysis.Pass) {
	if !dropsOldData(p) {
		return
	}
	r := renamesResult.Of(p)
	for _, c := range r.cols {
		if maps, known := baseMaps(p, c.Table, c.Col); c.Stmt == p.Stmt.Index && (!known || maps) { // known && !maps: contract step
			reportColumnRename(p, c)
		}
	}
	for _, t := range r.tables {
		if maps, known := baseMaps(p, t.Name, ""); t.Stmt == p.Stmt.Index && (!known || maps) { // known && !maps: contract step
			reportTableRename(p, t)
		}
	}
}

// dropsOldData reports whether the statement drops a column or table that
// existed before the file, so rename detection is worth running.
func dropsOldData(p *analysis.Pass) bool {
	if s := p.Stmt.Node.GetDropStmt(); s != nil {
		return len(droppedTables(p, s)) > 0
	}
	for _, c := range alterCmds(p) {
		if dropsData(p, c) {
			return true
		}
	}
	return false
}

func reportColumnRename(p *analysis.Pass, c colRename) {
	fix := fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;", c.Table, sqltext.Ident(c.Col), sqltext.Ident(c.New))
	if c.NewStmt < c.Stmt { // pasted in place of the DROP, the RENAME finds the new column there
		fix = fmt.Sprintf("-- Delete the ADD COLUMN %s of line %d, or drop the still empty column here:\nALTER TABLE %s DROP COLUMN %[1]s;\n",
			sqltext.Ident(c.New), p.File.Position(p.File.Stmts[c.NewStmt].Start).Line, c.Table) + fix
	}
	if c.Typed && !sameType(c.Type, c.NewType) {
		fix += fmt.Sprintf("\nALTER TABLE %[1]s ALTER COLUMN %[2]s TYPE %[3]s USING %[2]s::%[3]s;", c.Table, sqltext.Ident(c.New), c.NewType)
		if c.NewType.Enum {
			fix += fmt.Sprintf("\n-- The cast fails unless every value of %s is a label of %s, which only you know.", sqltext.Ident(c.Col), c.NewType)
		}
	}
	sure := "this looks like a rename"
	if !c.Evidence.likely() {
		sure = "this may be a rename"
		fix = fmt.Sprintf("-- Only if %s is %s renamed: the names have nothing in common.\n", sqltext.Ident(c.New), sqltext.Ident(c.Col)) + fix
	}
	p.ReportAt(c.Span, analysis.Report{
		Message: fmt.Sprintf("column %s of %s is dropped and %s added in the same migration: the data of %[1]s is deleted and %[3]s "+
			"starts empty (NULL or its default); %[4]s (%[5]s), and if it was a rename in schema.prisma, every value is lost",
			sqltext.Ident(c.Col), c.Table, sqltext.Ident(c.New), sure, c.Evidence),
		Help: fmt.Sprintf("If you renamed the field, keep the data: either keep the column and map the renamed field to it with "+
			"`@map(\"%s\")` (no migration at all), or replace the DROP COLUMN and ADD COLUMN with the RENAME below. "+
			"A RENAME still makes instances running the old code fail (42703) until they are redeployed. ", c.Col) +
			expandContract("column") + " If the columns are unrelated and the data may go, suppress the finding with a reason: " +
			"`-- migrate-guard-ignore drop-add-rename -- <reason>`. " +
			prismaEdit,
		Fix: fix,
	})
}

func reportTableRename(p *analysis.Pass, t tableRename) {
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("table %s is dropped and %s created with matching columns in the same migration: every row of %[1]s is "+
			"deleted and %[2]s starts empty; if this was a model rename in schema.prisma, all its data is lost", t.Name, t.New),
		Help: fmt.Sprintf("If you renamed the model, keep the data: either keep the table and map the renamed model to it with "+
			"`@@map(\"%s\")` (no migration at all), or replace the DROP TABLE and CREATE TABLE (and the foreign keys and "+
			"indexes dropped and re-created with them) with the RENAME below; a later `prisma migrate dev` generates "+
			"what still differs, such as index names. A RENAME still makes instances running the old code fail "+
			"(42P01) until they are redeployed; for zero downtime, also create a view with the old name (see rename-table). "+
			"If the tables are unrelated and the data may go, suppress the finding with a reason: "+
			"`-- migrate-guard-ignore drop-add-rename -- <reason>`. ", t.Name.Name) + prismaEdit,
		Fix: fmt.Sprintf("ALTER TABLE %s RENAME TO %s;", t.Name, sqltext.Ident(t.New.Name)),
	})
}
