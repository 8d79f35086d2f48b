package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ExclusionConstraint flags an EXCLUDE constraint added to a table that may
// hold rows.
var ExclusionConstraint = register(&analysis.Rule{
	ID:             "exclusion-constraint",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "EXCLUDE constraint added to an existing table",
	Doc: "ADD CONSTRAINT ... EXCLUDE builds the constraint's index and checks every existing row against every other " +
		"while ALTER TABLE holds an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done, and " +
		"the statement fails with SQLSTATE 23P01 if two rows conflict. Unlike UNIQUE, an exclusion constraint cannot be " +
		"attached to an index built beforehand (there is no EXCLUDE ... USING INDEX), so there is no online way to add " +
		"one to a large table: create it with the table, or add it when traffic is low with a lock timeout, after " +
		"checking that no rows conflict.",
	Bad: `-- AlterTable
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_room_during_excl" EXCLUDE USING gist ("roomId" WITH =, "during" WITH &&);`,
	Good: `-- CreateTable
CREATE TABLE "Booking" (
    "id" SERIAL NOT NULL,
    "roomId" INTEGER NOT NULL,
    "during" TSRANGE NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Booking_room_during_excl" EXCLUDE USING gist ("roomId" WITH =, "during" WITH &&)
);`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runExclusionConstraint,
})

func runExclusionConstraint(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		k := c.Cmd.Def.GetConstraint()
		if c.Cmd.Subtype != pg.AlterTableType_AT_AddConstraint || k.GetContype() != pg.ConstrType_CONSTR_EXCLUSION ||
			!existing(p, c.Table) {
			continue
		}
		name := k.Conname
		if name == "" { // as PostgreSQL names it: the table, the element columns, "excl"
			name = c.Table.Name
			for _, e := range k.Exclusions {
				if items := e.GetList().GetItems(); len(items) > 0 && items[0].GetIndexElem().GetName() != "" {
					name += "_" + items[0].GetIndexElem().GetName()
				}
			}
			name += "_excl"
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("adding exclusion constraint %s builds its index and checks every row of %s against the others, and "+
				"until it finishes the statement runs under %s; it fails with SQLSTATE 23P01 if two rows conflict",
				sqltext.Ident(name), c.Table, underSlow(p, c.Table)),
			Help: "There is no online way to add an exclusion constraint to a table that holds rows: PostgreSQL has no " +
				"EXCLUDE ... USING INDEX. Check first that no rows conflict, then add it when traffic is low, in a migration " +
				"of its own. " + lockTimeoutHelp(p) + prismaEdit,
			Fix:    lockTimeoutFix(p),
			Impact: exclusionImpact(p, c.Table),
		})
	}
}

// exclusionImpact is the build of the constraint's index, estimated as a
// btree's (a GiST build is slower: the estimate is a floor). Its severity is
// kept: the build fails on conflicting rows.
func exclusionImpact(p *analysis.Pass, table catalog.Name) *analysis.Impact {
	im := impactOn(p, table, analysis.IndexBuild)
	im.KeepSeverity = true
	return im
}
