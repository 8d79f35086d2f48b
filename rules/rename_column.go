package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// RenameColumn flags a column of an existing table renamed in place.
var RenameColumn = register(&analysis.Rule{
	ID:       "rename-column",
	Severity: analysis.Warning,
	Summary:  "column of an existing table renamed",
	Doc: "A rename keeps the data but breaks the application instances still running the previous release: " +
		"Prisma Client names every scalar field of a model in its queries, so from the moment the migration " +
		"runs until those instances are replaced, every query of the model fails with `column does not exist` " +
		"(SQLSTATE 42703). If the goal is only a nicer name in Prisma Client, rename the field in schema.prisma " +
		"and keep the column with `@map(\"old_name\")`: no migration at all. Otherwise use expand-contract: add " +
		"the new column, keep both in sync with a trigger, backfill it in batches, switch the code to it, and " +
		"drop the old column in a later migration.",
	Bad: `-- AlterTable
ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";`,
	Good: renameColumnFix(catalog.Name{Schema: catalog.DefaultSchema, Name: "User"}, "name", "fullName",
		&catalog.Column{Type: catalog.Type{Name: "varchar", Mods: []int32{100}}}, `"id"`, 15),
	Run: runRenameColumn,
})

func runRenameColumn(p *analysis.Pass) {
	s := p.Stmt.Node.GetRenameStmt()
	if s == nil || s.RenameType != pg.ObjectType_OBJECT_COLUMN || s.RelationType != pg.ObjectType_OBJECT_TABLE || s.Relation == nil {
		return
	}
	t := catalog.RangeName(s.Relation)
	if !oldColumn(p, t, s.Subname) {
		return
	}
	var col *catalog.Column
	key := "ctid"
	if tab := p.Schema.Table(t); tab != nil {
		col, key = tab.Column(s.Subname), rowKey(tab)
	}
	p.ReportAt(renameSpan(p, s), analysis.Report{
		Message: fmt.Sprintf("renaming column %s of %s to %s breaks instances still running the old code: their queries name %[1]s "+
			"and fail with 42703 \"column does not exist\" from the moment this migration runs until they are redeployed",
			sqltext.Ident(s.Subname), t, sqltext.Ident(s.Newname)),
		Help: fmt.Sprintf("If the goal is only a nicer name in Prisma Client, undo the rename: name the field %s in schema.prisma "+
			"and add `@map(\"%s\")`, which needs no migration. ", s.Newname, s.Subname) + expandContract("column") +
			" The SQL below is the first (expand) step. " + prismaEdit,
		Fix: renameColumnFix(t, s.Subname, s.Newname, col, key, p.PGVersion),
	})
}

// renameColumnFix is the expand step of a zero-downtime column rename: the
// new column, a trigger that keeps both columns equal whichever one the
// code writes, and the batched backfill. col is the renamed column, if known.
func renameColumnFix(t catalog.Name, from, to string, col *catalog.Column, key string, pgVersion int) string {
	typ, notNull := "<type>", fmt.Sprintf("\n-- <type> is the type of %s, which the migrations do not show and only you know.", sqltext.Ident(from))
	if col != nil {
		notNull = ""
		typ = col.Type.String()
		if col.NotNull {
			notNull = fmt.Sprintf("\n-- %s is NOT NULL: enforce that on %s too once the backfill is done.", sqltext.Ident(from), sqltext.Ident(to))
		}
	}
	fn := sqltext.Ident(t.Name + "_" + to + "_sync")
	exec := "FUNCTION"
	if pgVersion > 0 && pgVersion < 11 {
		exec = "PROCEDURE"
	}
	return fmt.Sprintf(`-- Migration 1 (expand): add %[2]s and keep it equal to %[3]s while old and new code run.
ALTER TABLE %[1]s ADD COLUMN %[2]s %[4]s;
CREATE FUNCTION %[5]s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.%[2]s := COALESCE(NEW.%[2]s, NEW.%[3]s);
    NEW.%[3]s := COALESCE(NEW.%[3]s, NEW.%[2]s);
  ELSIF NEW.%[2]s IS DISTINCT FROM OLD.%[2]s THEN
    NEW.%[3]s := NEW.%[2]s;
  ELSE
    NEW.%[2]s := NEW.%[3]s;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER %[5]s BEFORE INSERT OR UPDATE ON %[1]s
  FOR EACH ROW EXECUTE %[7]s %[5]s();
-- Backfill in batches, outside the migration, until it updates no row:
-- UPDATE %[1]s SET %[2]s = %[3]s WHERE %[6]s IN (SELECT %[6]s FROM %[1]s WHERE %[2]s IS NULL AND %[3]s IS NOT NULL LIMIT %[9]d);%[8]s
-- Then switch the code to %[2]s, and once it is deployed everywhere, in a later migration:
-- DROP TRIGGER %[5]s ON %[1]s; DROP FUNCTION %[5]s(); ALTER TABLE %[1]s DROP COLUMN %[3]s;`,
		t, sqltext.Ident(to), sqltext.Ident(from), typ, fn, key, exec, notNull, batchRows)
}
