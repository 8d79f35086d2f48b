package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

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
		"integer) fails its writes of larger values (22001, 22003); an integer made a float or numeric is still " +
		"written, but read back truncated to an integer, so the old release's updates lose the fractions the new " +
		"one writes. Changes within a kind that keep every value are " +
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
				Fix: "-- No SQL fix: the statement is right, the order is not. Ship this migration one release before the code " +
					"that maps the new type, or deploy with deploy-order = \"migrate-first\".",
			})
			continue
		}
		fails := fmt.Sprintf("its queries of model %s fail", rp.Model)
		switch {
		case rp.Narrower:
			fails = fmt.Sprintf("its writes of model %s with a value %s does not hold fail (22001 or 22003)", rp.Model, rp.Got)
		case rp.Truncating:
			fails = fmt.Sprintf("its queries of model %s go on, but it reads the column as an integer: a value with a fraction "+
				"comes back truncated (2.5 as 2), and an update that writes it back loses the fraction", rp.Model)
		}
		p.ReportAt(problemSpan(p, rp.Problem), analysis.Report{
			Message: fmt.Sprintf("this statement changes %s from %s, as %s reads and writes it, to %s: %s "+
				"until all its instances are replaced", col, rp.Want, releaseName(rp), rp.Got, fails),
			Help: fmt.Sprintf("Expand-contract: add a new column of the new type, fill it (a trigger for new writes, batches for "+
				"old rows), deploy a release that maps %s to it with `@map`, then drop the old column in a later "+
				"migration. %s", fieldName(rp.Problem), expandContractHelp),
			Fix: typeSync(p, rp).String(),
		})
	}
}

// typeSync is the fix of a type change: a column of the new type, named
// with _new, kept in step with the old one (converted as the statement's
// USING clause says, else by a cast), the release that maps the field to it,
// then the old column dropped.
func typeSync(p *analysis.Pass, rp releaseProblem) columnSync {
	s := syncFor(p, rp.Table, rp.Column, rp.Column+"_new", rp.Got)
	s.oldType = rp.Want // the type the client reads, where the history does not know the old column
	if s.col != nil {
		s.oldType = s.col.Type.String()
	}
	for _, c := range alterCmds(p) {
		if d := c.Cmd.Def.GetColumnDef(); d != nil && c.Table == rp.Table && c.Cmd.Name == rp.Column &&
			c.Cmd.Subtype == pg.AlterTableType_AT_AlterColumnType {
			s.using = usingExpr(rp.Column, d)
		}
	}
	s.release = fmt.Sprintf("schema.prisma maps %s, with its new type, to %s (`@map(\"%s\")`)", fieldName(rp.Problem),
		sqltext.Ident(s.new), s.new)
	return s
}
