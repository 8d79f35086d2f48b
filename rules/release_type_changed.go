package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/compat"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ReleaseTypeChanged flags a column whose type changes to one the running
// release cannot read or write.
var ReleaseTypeChanged = register(&analysis.Rule{
	ID:       "release-type-changed",
	Severity: analysis.Error,
	Summary:  "column type changed to one the running release cannot read or write",
	Doc: "The running release's Prisma Client reads and writes each column as the type its schema.prisma gives the " +
		"field (the `@db` native type, or the Prisma type's default: String is text, Int is integer, Json is jsonb, " +
		"DateTime is timestamp(3)). When the migration changes a column it maps to another kind of type (text to " +
		"integer, integer to text, json to text, an array to a scalar or back, an enum to another type), its queries " +
		"of the model fail (42804 \"column is of type ... but expression is of type ...\" on writes, a conversion " +
		"error on reads) until the new release replaces it; a narrower type (varchar(255) to varchar(50), bigint to " +
		"integer) fails its writes of larger values (22001, 22003). Changes within a kind that keep every value are " +
		"fine: varchar widening, varchar to text, integer to bigint, timestamp to timestamptz, json to jsonb. " +
		"Change types with expand-contract: a new column, backfilled, the code moved to it, the old one dropped. " +
		expandContractDoc,
	BaseSchema: exampleBase,
	Bad: `-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE TEXT;`,
	Good: `-- AlterTable
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);`,
	Requires: []analysis.Result{alterCmdsResult, releaseProblemsResult},
	Run:      runReleaseTypeChanged,
})

func runReleaseTypeChanged(p *analysis.Pass) {
	for _, rp := range releaseFindings(p, compat.TypeMismatch) {
		col := fmt.Sprintf("column %s of %s (field %s)", sqltext.Ident(rp.Column), rp.Table, fieldName(rp.Problem))
		if rp.CodeFirst {
			p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
				Message: fmt.Sprintf("%s reads and writes %s as %s, but until this statement runs it is %s: its queries of model %s fail",
					releaseName(rp), col, rp.Want, rp.Got, rp.Model),
				Help: "Deploy the migration before the code (deploy-order = \"migrate-first\"), or change the type with " +
					"expand-contract. " + expandContractHelp,
			})
			continue
		}
		newCol := sqltext.Ident(rp.Column + "_new")
		p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
			Message: fmt.Sprintf("this statement changes %s from %s, as %s reads and writes it, to %s: its queries of model %s fail "+
				"until all its instances are replaced", col, rp.Want, releaseName(rp), rp.Got, rp.Model),
			Help: fmt.Sprintf("Expand-contract: add a new column of the new type, fill it (a trigger for new writes, batches for "+
				"old rows), deploy a release that maps %s to it with `@map`, then drop the old column in a later "+
				"migration. %s", fieldName(rp.Problem), expandContractHelp),
			Fix: fmt.Sprintf("ALTER TABLE %[1]s ADD COLUMN %[2]s %[3]s;\n-- Backfill in batches, e.g.:\nUPDATE %[1]s SET %[2]s = %[4]s::%[3]s WHERE %[2]s IS NULL;",
				rp.Table, newCol, rp.Got, sqltext.Ident(rp.Column)),
		})
	}
}
