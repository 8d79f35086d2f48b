package rules

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// RenameEnumValue flags ALTER TYPE ... RENAME VALUE on an enum that running
// code uses.
var RenameEnumValue = register(&analysis.Rule{
	ID:       "rename-enum-value",
	Severity: analysis.Warning,
	Summary:  "enum value renamed while running code still uses the old name",
	Doc: "ALTER TYPE ... RENAME VALUE changes the value in every row at once. Application instances still " +
		"running the previous release keep sending the old name: their writes fail with `invalid input value for " +
		"enum` (SQLSTATE 22P02), and their Prisma Client does not know the new name it reads back, so queries " +
		"returning such rows fail, until every instance is redeployed. Prisma never generates RENAME VALUE; it is " +
		"written by hand. To only rename the value in code, keep the database value and map it: `NEW @map(\"OLD\")` " +
		"in the enum of schema.prisma needs no migration. To rename it in the database without downtime, add the new " +
		"value, deploy code that accepts both, move the rows in batches, and drop the old value later.",
	Bad: `-- AlterEnum
ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER';`,
	Good: `-- AlterEnum: step 1 of renaming ADMIN to OWNER; rows move in a later data migration.
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'OWNER';`,
	Run: runRenameEnumValue,
})

func runRenameEnumValue(p *analysis.Pass) {
	s := p.Stmt.Node.GetAlterEnumStmt()
	if s == nil || s.OldVal == "" {
		return
	}
	name := catalog.QualifiedName(s.TypeName)
	if p.Before.Enum(name) == nil && p.Schema.Enum(name) != nil {
		return // created in this migration: no running code knows it
	}
	cols := columnsOfType(p.Schema, name)
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("renaming value %s of enum %s to %s changes every row at once: instances still running the old code "+
			"fail with 22P02 \"invalid input value for enum\" when they write %[1]s, and their Prisma Client cannot read "+
			"rows holding %[3]s, until they are redeployed", sqltext.Literal(s.OldVal), name, sqltext.Literal(s.NewVal)),
		Help: fmt.Sprintf("If only the name in code should change, drop this statement and map the member instead: `%s "+
			"@map(\"%s\")` in enum %s of schema.prisma needs no migration. Otherwise rename in steps: add the new value "+
			"(its own migration), deploy code that reads both and writes the new one, move the rows in batches, and "+
			"remove the old value later. "+prismaEdit, s.NewVal, s.OldVal, name.Name),
		Fix: renameEnumValueFix(name, s.OldVal, s.NewVal, cols),
	})
}

func renameEnumValueFix(name catalog.Name, from, to string, cols []colKey) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- Migration 1 (a new value cannot be used in the transaction that adds it):\n"+
		"ALTER TYPE %s ADD VALUE IF NOT EXISTS %s;\n", name, sqltext.Literal(to))
	b.WriteString("-- Once the code that reads both and writes the new value is deployed, a data migration, repeated until it updates no row:")
	for _, c := range cols {
		fmt.Fprintf(&b, "\nUPDATE %[1]s SET %[2]s = %[3]s WHERE ctid IN (SELECT ctid FROM %[1]s WHERE %[2]s = %[4]s LIMIT %[5]d);",
			c.Table, sqltext.Ident(c.Col), sqltext.Literal(to), sqltext.Literal(from), batchRows)
	}
	return b.String()
}
