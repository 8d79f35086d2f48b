package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// VolatileDefault flags ADD COLUMN on a table that may hold rows when
// PostgreSQL must store a value in every existing row, which rewrites the
// table.
var VolatileDefault = register(&analysis.Rule{
	ID:             "volatile-default",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "column added to an existing table with a default computed for every row",
	Doc: "Since PostgreSQL 11, ADD COLUMN with a constant or stable default (a literal, a cast, now(), " +
		"CURRENT_TIMESTAMP) only records the default in the catalog; existing rows are left alone. A volatile " +
		"default (gen_random_uuid(), uuid_generate_v4(), random(), clock_timestamp(), nextval(), a function " +
		"created without IMMUTABLE or STABLE, or one the migrations do not create, which is assumed VOLATILE as " +
		"PostgreSQL makes a function by default) must give every row its own value: PostgreSQL rewrites the whole " +
		"table and rebuilds its indexes under an ACCESS EXCLUSIVE lock, and every read and write of the table " +
		"waits until it is done. Before PostgreSQL 11, any non-NULL default " +
		"rewrites the table. Prisma writes such defaults for `@default(uuid())` only in the client, but for " +
		"`@default(dbgenerated(\"gen_random_uuid()\"))` in the migration. SERIAL and identity columns rewrite the " +
		"table too; adding-serial-column and adding-identity-column report them.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid();`,
	Good: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runVolatileDefault,
})

func runVolatileDefault(p *analysis.Pass) {
	for _, c := range addedColumns(p) {
		def := columnDefault(c.Def)
		if isNull(def) {
			continue
		}
		target := fmt.Sprintf("%s.%s", c.Table, sqltext.Ident(c.Def.Colname))
		var what string
		switch fn := volatileCall(p.Schema, def); {
		case p.PGVersion < 11:
			what = fmt.Sprintf("on PostgreSQL %d, adding %s with a non-NULL DEFAULT stores the default in every existing row",
				p.PGVersion, target)
		case fn != "":
			kind := "a volatile function"
			if _, known := volatility(p.Schema, strings.Split(fn, ".")); !known {
				kind = "a function the migrations do not create, so VOLATILE (PostgreSQL's default volatility) is assumed"
			}
			what = fmt.Sprintf("adding %s with a DEFAULT that calls %s(), %s, gives every existing row its own value",
				target, fn, kind)
		default:
			continue
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: rewriteMessage(p, what, c.Table),
			Help: "Add the column without a default, which touches no row, then set the default with " +
				"`ALTER COLUMN ... SET DEFAULT`, which applies to new rows only, and backfill the existing rows in batches; " +
				"make the column NOT NULL afterwards through a validated CHECK constraint. " + prismaEdit,
			Fix:    volatileDefaultFix(c.Table, c.Def),
			Impact: impactOn(p, c.Table, analysis.Rewrite),
		})
	}
}

// volatileDefaultFix adds the column without its default, NOT NULL and
// keys, then sets the default for new rows and backfills.
func volatileDefaultFix(t catalog.Name, d *pg.ColumnDef) string {
	plain, keys := plainColumn(d)
	addColumn, ok := deparseAddColumn(t, plain)
	def, defOK := deparseExpr(columnDefault(d))
	if !ok || !defOK {
		return ""
	}
	return fmt.Sprintf("-- Migration 1: add the column without a default, then set the default for new rows; "+
		"no row is touched.\n%s;\n", addColumn) + backfillSteps(t, d, def, keys)
}
