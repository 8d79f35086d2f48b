package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/compat"
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
			})
			continue
		}
		if rp.CodeFirst {
			p.ReportStmt(analysis.Report{
				Message: fmt.Sprintf("%s may write %s, which only this statement creates: until it runs, those writes fail with "+
					"22P02 \"invalid input value for enum\"", releaseName(rp), what),
				Help: "Deploy the migration before the code (deploy-order = \"migrate-first\"), or add the value one release " +
					"before the code that writes it. " + expandContractHelp,
			})
			continue
		}
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("after this statement the database no longer has %s, which %s may write: those writes fail with "+
				"22P02 \"invalid input value for enum\" until all its instances are replaced", what, releaseName(rp)),
			Help: "Expand-contract: first deploy a release whose schema.prisma no longer has the value (and migrate the rows " +
				"holding it with an UPDATE), then remove it from the type in a later migration. To rename a value, add " +
				"the new one, move the rows and the code to it, and drop the old one last. " + expandContractHelp,
			Fix: fmt.Sprintf("-- This migration: only add the new value, if any; keep '%s'.\n-- A later migration, once no running release writes '%[1]s':\n"+
				"-- recreate %[2]s without it (what `prisma migrate dev` generates).", rp.Column, rp.Table),
		})
	}
}
