package rules

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/compat"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ReleaseEnumValueRemoved flags an enum value the running release may
// write that the migration removes or renames.
var ReleaseEnumValueRemoved = register(&analysis.Rule{
	ID:       "release-enum-value-removed",
	Severity: analysis.Error,
	Summary:  "enum value the running release may write is removed or renamed",
	Doc: "The running release's Prisma Client writes any value of its enums (as the database names them, `@map` " +
		"included). When the migration removes or renames one (Prisma recreates the type as \"Enum_new\" and renames " +
		"it back; RENAME VALUE renames it), each write of that value by the running release fails with 22P02 " +
		"\"invalid input value for enum\", and each read of a row holding a value it does not know fails in the " +
		"client. Remove the value from schema.prisma first, deploy, then remove it from the type. With " +
		"deploy-order = \"code-first\" it checks that the new release writes no value only this migration adds. " +
		expandContractDoc,
	BaseSchema: exampleBase,
	Bad: `-- AlterEnum
ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER';`,
	Good: `-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'GUEST';`,
	Requires: []analysis.Result{releaseProblemsResult},
	Run:      runReleaseEnumValueRemoved,
})

func runReleaseEnumValueRemoved(p *analysis.Pass) {
	for _, rp := range releaseFindings(p, compat.MissingValue, compat.MissingEnum) {
		what := fmt.Sprintf("value '%s' of enum %s (%s)", rp.Column, rp.Table, fieldName(rp.Problem))
		if rp.Kind == compat.MissingEnum {
			what = fmt.Sprintf("enum type %s (enum %s)", rp.Table, rp.Model)
		}
		if rp.Kind == compat.MissingEnum && !rp.CodeFirst {
			p.ReportStmt(analysis.Report{
				Message: fmt.Sprintf("after this statement %s no longer exists under that name, which %s casts the enum's values to: "+
					"its queries that write or filter on the enum fail with 42704 \"type does not exist\" until all its instances "+
					"are replaced", what, releaseName(rp)),
				Help: fmt.Sprintf("Keep the type's name: map the enum to it with `@@map(\"%s\")` in schema.prisma instead of renaming "+
					"the type. %s", rp.Table.Name, expandContractHelp),
				Fix: fmt.Sprintf("-- No SQL fix: one type cannot have two names. Delete this statement and map enum %s to %s with "+
					"`@@map(\"%s\")`; drop or rename the type in a later migration, once no running release maps it.", rp.Model, rp.Table, rp.Table.Name),
			})
			continue
		}
		if rp.CodeFirst {
			p.ReportStmt(analysis.Report{
				Message: fmt.Sprintf("%s may write %s, which only this statement creates: until it runs, those writes fail with "+
					"22P02 \"invalid input value for enum\"", releaseName(rp), what),
				Help: "Deploy the migration before the code (deploy-order = \"migrate-first\"), or add the value one release " +
					"before the code that writes it. " + expandContractHelp,
				Fix: "-- No SQL fix: the statement is right, the order is not. Ship this migration one release before the code " +
					"that writes the value, or deploy with deploy-order = \"migrate-first\".",
			})
			continue
		}
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("after this statement the database no longer has %s, which %s may write: those writes fail with "+
				"22P02 \"invalid input value for enum\" until all its instances are replaced", what, releaseName(rp)),
			Help: "Expand-contract: first deploy a release whose schema.prisma no longer has the value (and migrate the rows " +
				"holding it with an UPDATE), then remove it from the type in a later migration. To rename a value, add " +
				"the new one, move the rows and the code to it, and drop the old one last. " + expandContractHelp,
			Fix: enumValueFix(p, rp),
		})
	}
}

// enumValueFix is the expand-contract of an enum value removed or renamed:
// the new value added first, the rows moved once no release writes the old
// one, the type recreated without it last.
func enumValueFix(p *analysis.Pass, rp releaseProblem) string {
	after := p.SchemaAt(len(p.File.Stmts)).Enum(rp.Table)
	if after == nil {
		return "-- No SQL fix: the migration leaves no enum type " + rp.Table.String() + " to recreate; keep the value " +
			sqltext.Literal(rp.Column) + " until no running release writes it."
	}
	cols := enumColumns(p.SchemaAt(0), rp.Table) // before the file: a recreation in it retypes them
	to := ""
	if s := p.Stmt.Node.GetAlterEnumStmt(); s != nil && s.OldVal == rp.Column {
		to = s.NewVal
	}
	old := sqltext.Literal(rp.Column)
	var b strings.Builder
	if to == "" {
		fmt.Fprintf(&b, "%s: none; keep %s in the type (the statements that remove it move to the contract step).\n", stepExpand, old)
		b.WriteString("-- Release 2: schema.prisma still has " + old + ", its code no longer writes it; deploy it everywhere.\n")
		fmt.Fprintf(&b, "%s: the value the rows holding %s take instead is yours to choose; these count them (each must be 0 "+
			"before the contract step):\n", stepMove, old)
		for _, c := range cols {
			cond := fmt.Sprintf("%s = %s", sqltext.Ident(c.col.Name), old)
			if c.col.Type.Array {
				cond = fmt.Sprintf("%s = ANY (%s)", old, sqltext.Ident(c.col.Name))
			}
			fmt.Fprintf(&b, "SELECT count(*) FROM %s WHERE %s;\n", c.table, cond)
		}
	} else {
		fmt.Fprintf(&b, "%s, instead of this statement: add the new value.\nALTER TYPE %s ADD VALUE IF NOT EXISTS %s;\n",
			stepExpand, rp.Table, sqltext.Literal(to))
		fmt.Fprintf(&b, "-- Release 2: schema.prisma has %s and %s, its code writes %[2]s; deploy it everywhere.\n", old, sqltext.Literal(to))
		fmt.Fprintf(&b, "%s, once release 2 runs everywhere: move the rows.\n", stepMove)
		for _, c := range cols {
			if c.col.Type.Array {
				fmt.Fprintf(&b, "UPDATE %[1]s SET %[2]s = array_replace(%[2]s, %[3]s, %[4]s) WHERE %[3]s = ANY (%[2]s);\n",
					c.table, sqltext.Ident(c.col.Name), old, sqltext.Literal(to))
				continue
			}
			fmt.Fprintf(&b, "UPDATE %s SET %s = %s WHERE %[2]s = %[4]s;\n", c.table, sqltext.Ident(c.col.Name), sqltext.Literal(to), old)
		}
	}
	fmt.Fprintf(&b, "-- Release 3: schema.prisma without %s; deploy it everywhere.\n%s (migration 3), once release 3 runs "+
		"everywhere: recreate %s without it.\n%s", old, stepContract, rp.Table, enumRecreate(rp.Table, after.Values, cols, rp.Column, to))
	return b.String()
}
