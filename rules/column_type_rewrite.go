package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// ColumnTypeRewrite flags ALTER COLUMN ... TYPE on a table that may hold
// rows, unless PostgreSQL can keep the stored values as they are.
var ColumnTypeRewrite = register(&analysis.Rule{
	ID:             "column-type-rewrite",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "column type change that rewrites an existing table",
	Doc: "Changing a column's type makes PostgreSQL convert every row: it rewrites the whole table and rebuilds " +
		"every index on it while holding an ACCESS EXCLUSIVE lock, so all reads and writes of the table wait " +
		"until it is done (minutes on a large table), and a narrowing change also fails on the first value that " +
		"does not fit. Only a few changes keep the stored values: the same type, varchar or varbit getting " +
		"longer or losing its limit, varchar to text and text to unlimited varchar, numeric gaining precision at " +
		"the same scale or losing its limit, timestamp, timestamptz, time, timetz and interval gaining precision, " +
		"cidr to inet. A USING clause always converts every row. timestamp to timestamptz rewrites unless the " +
		"session's TimeZone is UTC, and even then rebuilds the column's indexes. Prisma generates these " +
		"statements for a changed `@db.` attribute or field type, warning only that the cast may fail.",
	Bad: `-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;`,
	Good: `-- AlterTable
ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runColumnTypeRewrite,
})

func runColumnTypeRewrite(p *analysis.Pass) {
	if inEnumRemovalBlock(p) {
		return // enum-value-removal reports the block once
	}
	for _, c := range alterCmds(p) {
		d := c.Cmd.Def.GetColumnDef()
		if c.Cmd.Subtype != pg.AlterTableType_AT_AlterColumnType || d == nil || !existing(p, c.Table) {
			continue
		}
		msg := typeChangeMessage(p.Schema, c.Table, c.Cmd.Name, d)
		if msg == "" {
			continue
		}
		if held := heldElsewhere(p); len(held) > 0 {
			msg += "; and the whole time it runs under " + describeLocks(p, held)
		}
		help := "Change the type in steps that never rewrite the table (expand-contract): add a column of the new " +
			"type, keep it in step with a trigger, backfill it in batches, then swap the columns in a later migration, " +
			"which locks the table only for a moment. With Prisma: add an optional field for the new column to " +
			"schema.prisma (" + fmt.Sprintf("`@map(%q)`", c.Cmd.Name+"_new") + " with the new `@db.` type), create the " +
			"migration with `prisma migrate dev --create-only`, replace its SQL with migration 1 below and apply it " +
			"with `prisma migrate dev`; after the backfill, change the original field's type, delete the temporary " +
			"field, and replace the next generated migration's SQL with migration 2."
		p.ReportAt(c.Span, analysis.Report{
			Message: msg,
			Help:    help,
			Fix:     typeChangeFix(c.Table, c.Cmd.Name, d, usingExpr(c.Cmd.Name, d), p.PGVersion),
			Impact:  typeChangeImpact(p, c.Table, c.Cmd.Name, d),
		})
	}
}

// typeChangeImpact is what changing col's type costs: a rewrite, unless the
// change keeps the rows and only rebuilds indexes (not sized: nil).
func typeChangeImpact(p *analysis.Pass, table catalog.Name, col string, d *pg.ColumnDef) *analysis.Impact {
	if usingExpr(col, d) == nil {
		if t := p.Schema.Table(table); t != nil {
			if c := t.Column(col); c != nil {
				if e := typeChangeEffect(c.Type, p.Schema.TypeOf(d.TypeName)); e == keepsRows || e == keepsRowsOnly {
					return nil
				}
			}
		}
	}
	return impactOn(p, table, analysis.Rewrite)
}

// typeChangeFix is the expand-contract migration for a type change: a new
// column kept in step by a trigger, a batched backfill, then a swap.
func typeChangeFix(t catalog.Name, col string, d *pg.ColumnDef, using *pg.Node, pgVersion int) string {
	conv := using
	if conv == nil {
		conv = &pg.Node{Node: &pg.Node_TypeCast{TypeCast: &pg.TypeCast{
			Arg: pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(col)}, -1), TypeName: d.TypeName, Location: -1}}}
	}
	typ, ok1 := deparseType(d.TypeName)
	value, ok2 := deparseExpr(conv)
	newValue, ok3 := deparseExpr(qualifyColumn(conv, col, "new"))
	if !ok1 || !ok2 || !ok3 {
		return ""
	}
	if d.CollClause != nil {
		typ += " COLLATE " + catalog.QualifiedName(d.CollClause.Collname).String()
	}
	execute := "FUNCTION"
	if pgVersion < 11 {
		execute = "PROCEDURE"
	}
	return fmt.Sprintf(`-- Migration 1: add a column of the new type and keep it in step with %[2]s.
ALTER TABLE %[1]s ADD COLUMN %[3]s %[4]s;
CREATE FUNCTION %[5]s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.%[3]s := %[7]s;
  RETURN NEW;
END $$;
CREATE TRIGGER %[5]s BEFORE INSERT OR UPDATE ON %[1]s
  FOR EACH ROW EXECUTE %[8]s %[5]s();
-- Backfill existing rows in batches (a data migration or script), repeated until it updates no row:
-- UPDATE %[1]s SET %[3]s = %[6]s WHERE ctid IN (SELECT ctid FROM %[1]s WHERE %[3]s IS NULL AND %[2]s IS NOT NULL LIMIT %[9]d);
-- Migration 2, once the backfill is done. Give %[3]s the NOT NULL, default, indexes and constraints of
-- %[2]s first (CREATE INDEX CONCURRENTLY, NOT VALID constraints validated later), then swap:
DROP TRIGGER %[5]s ON %[1]s;
DROP FUNCTION %[5]s();
ALTER TABLE %[1]s DROP COLUMN %[2]s;
ALTER TABLE %[1]s RENAME COLUMN %[3]s TO %[2]s;`,
		t, sqltext.Ident(col), sqltext.Ident(col+"_new"), typ, sqltext.Ident(t.Name+"_"+col+"_sync"), value, newValue, execute, batchRows)
}
