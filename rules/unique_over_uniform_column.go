package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// UniqueOverUniformColumn flags a unique index or constraint whose key is
// a column the migration just added with one value for every existing row.
var UniqueOverUniformColumn = register(&analysis.Rule{
	ID:       "unique-over-uniform-column",
	Severity: analysis.Error,
	Summary:  "unique key over a new column that every existing row holds the same value in",
	Doc: "A column added to a table that holds rows takes, in every existing row, the same value: its constant " +
		"DEFAULT, or NULL without one. A unique index or constraint whose key is only such columns therefore fails with " +
		"SQLSTATE 23505 (unique_violation) as soon as the table holds two rows, although it passed on an empty " +
		"development database. NULL counts when the key treats NULLs as equal (NULLS NOT DISTINCT, a primary key); " +
		"otherwise rows of NULL never conflict. Prisma writes this for a new `@unique` field with a `@default(\"\")` " +
		"and only warns that it fails \"if there are existing duplicate values\". A volatile default " +
		"(gen_random_uuid(), a sequence) gives each row its own value and is not reported, nor is a column an " +
		"UPDATE of the migration fills before the key is built.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "handle" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE UNIQUE INDEX "User_handle_key" ON "User"("handle");`,
	Good: `-- AlterTable (without a DEFAULT: existing rows hold NULL, which a unique key lets repeat)
ALTER TABLE "User" ADD COLUMN "handle" TEXT;`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runUniqueOverUniformColumn,
})

func runUniqueOverUniformColumn(p *analysis.Pass) {
	if s := p.Stmt.Node.GetIndexStmt(); s != nil && s.Unique && s.WhereClause == nil && s.Relation != nil {
		reportUniform(p, catalog.RangeName(s.Relation), indexColumns(s), s.NullsNotDistinct, p.StmtSpan())
		return
	}
	for _, c := range alterCmds(p) {
		if k := c.Cmd.Def.GetConstraint(); c.Cmd.Subtype == pg.AlterTableType_AT_AddConstraint && k != nil {
			reportKey(p, c, k, stringFields(k.Keys))
		}
		if d := c.Cmd.Def.GetColumnDef(); c.Cmd.Subtype == pg.AlterTableType_AT_AddColumn && d != nil {
			for _, n := range d.Constraints {
				reportKey(p, c, n.GetConstraint(), []string{d.Colname})
			}
		}
	}
}

// reportKey reports a UNIQUE or PRIMARY KEY constraint over keys.
func reportKey(p *analysis.Pass, c alterCmd, k *pg.Constraint, keys []string) {
	switch k.GetContype() {
	case pg.ConstrType_CONSTR_UNIQUE:
		reportUniform(p, c.Table, keys, k.NullsNotDistinct, c.Span)
	case pg.ConstrType_CONSTR_PRIMARY:
		reportUniform(p, c.Table, keys, false, c.Span) // a NULL key fails as a NOT NULL violation, reported elsewhere
	}
}

// reportUniform reports a unique key over keys of table when every key
// column holds one value in every existing row.
func reportUniform(p *analysis.Pass, table catalog.Name, keys []string, nullsEqual bool, sp sqlfile.Span) {
	if len(keys) == 0 || !existing(p, table) {
		return
	}
	uniform := uniformColumns(p, table)
	var values []string
	for _, k := range keys {
		v, ok := uniform[k]
		if !ok || v == "" && !nullsEqual {
			return
		}
		if v == "" {
			v = "NULL"
		}
		values = append(values, fmt.Sprintf("%s = %s", sqltext.Ident(k), v))
	}
	p.ReportAt(sp, analysis.Report{
		Message: fmt.Sprintf("the unique key over %s fails with 23505 (unique_violation) as soon as %s holds two rows: "+
			"every existing row has %s, the value the migration added the column with", strings.Join(sqltext.Idents(keys), ", "),
			table, strings.Join(values, " and ")),
		Help: "Give every existing row its own value before the key is built: add the column without the DEFAULT (NULLs do " +
			"not conflict in a unique index), or fill it with a value unique per row, in the same migration before the " +
			"index, or in a data migration before a later one that builds it. With Prisma: create the migration with " +
			"`prisma migrate dev --create-only`, add the UPDATE before the unique index in migration.sql (or drop the " +
			"field's `@default` in schema.prisma and generate it again), then apply it with `prisma migrate dev`.",
		Fix: uniformFix(table, keys),
	})
}

func uniformFix(table catalog.Name, keys []string) string {
	return fmt.Sprintf("-- Before the unique key, give each existing row its own value, which only you know, e.g.:\n"+
		"-- UPDATE %s SET %s = <a value unique to the row>;\n"+
		"-- or add the column without its DEFAULT, so existing rows hold NULL, which a unique index lets repeat.",
		table, sqltext.Ident(keys[0]))
}

// uniformColumns returns the columns of table that the file added up to the
// current statement (included) with one value for every existing row: the
// deparsed constant DEFAULT, or "" for NULL.
func uniformColumns(p *analysis.Pass, table catalog.Name) map[string]string {
	out := map[string]string{}
	for _, d := range addedSinceUpdate(p, p.Stmt.Index+1, table) {
		if v, ok := uniformValue(p, d); ok {
			out[d.Colname] = v
		}
	}
	return out
}
