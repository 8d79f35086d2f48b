package rules

import (
	"fmt"
	"slices"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// ColumnTypeRewrite flags ALTER COLUMN ... TYPE on a table that may hold
// rows, unless PostgreSQL can keep the stored values as they are.
var ColumnTypeRewrite = register(&analysis.Rule{
	ID:       "column-type-rewrite",
	Severity: analysis.Warning,
	Summary:  "column type change that rewrites an existing table",
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
	Run: runColumnTypeRewrite,
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

// typeChangeMessage says what changing the column to d's type does to the
// table, or "" when PostgreSQL keeps the rows and the indexes.
func typeChangeMessage(s *catalog.Catalog, table catalog.Name, col string, d *pg.ColumnDef) string {
	to := s.TypeOf(d.TypeName)
	target := fmt.Sprintf("%s.%s", table, ident(col))
	blocks := fmt.Sprintf("rewrites %s and rebuilds all its indexes under an ACCESS EXCLUSIVE lock: reads and writes "+
		"on %s block until it finishes", table, table)
	var from *catalog.Type
	if t := s.Table(table); t != nil {
		if c := t.Column(col); c != nil {
			from = &c.Type
		}
	}
	switch {
	case usingExpr(col, d) != nil:
		return fmt.Sprintf("changing %s to %s with USING converts every row: it %s", target, to, blocks)
	case from == nil:
		return fmt.Sprintf("changing %s to %s probably %s (the column's current type is unknown: "+
			"it is not in the replayed migrations)", target, to, blocks)
	}
	change := fmt.Sprintf("changing %s from %s to %s", target, *from, to)
	switch typeChangeEffect(*from, to) {
	case keepsRows:
		if d.CollClause == nil {
			return ""
		}
		change = fmt.Sprintf("changing the collation of %s", target)
		fallthrough // the indexes on the column sort by the old collation
	case keepsRowsOnly:
		if !indexed(s, table, col) {
			return ""
		}
		return fmt.Sprintf("%s keeps the rows but rebuilds the indexes on %s under an ACCESS EXCLUSIVE lock: "+
			"reads and writes on %s block until they are rebuilt", change, ident(col), table)
	}
	msg := change + " " + blocks
	if f := narrowingFailure(*from, to); f != "" {
		msg += "; " + f
	}
	return msg
}

// indexed reports whether an index of the table may cover the column; an
// expression index (no column name) may.
func indexed(s *catalog.Catalog, table catalog.Name, col string) bool {
	for _, ix := range s.IndexesOn(table) {
		if slices.Contains(ix.Columns, col) || slices.Contains(ix.Columns, "") {
			return true
		}
	}
	return false
}

// effect is what a type change does to a table's stored data.
type effect int

const (
	rewritesTable effect = iota
	keepsRows            // neither the rows nor the indexes change
	keepsRowsOnly        // the column's indexes are rebuilt (another operator class)
)

// typeChangeEffect tells whether PostgreSQL can keep a column's stored values
// when its type changes from old to new.
func typeChangeEffect(old, new catalog.Type) effect {
	if old.Array || new.Array {
		// An array keeps its values only as the same array type, with the
		// same or no modifier: varchar(10)[] to varchar(20)[] rewrites.
		if old.Array && new.Array && old.Name == new.Name && (len(new.Mods) == 0 || slices.Equal(old.Mods, new.Mods)) {
			return keepsRows
		}
		return rewritesTable
	}
	if old.Name == new.Name && slices.Equal(old.Mods, new.Mods) {
		return keepsRows
	}
	for _, c := range typeChanges {
		if c.from == old.Name && c.to == new.Name && c.mods(old.Mods, new.Mods) {
			if c.keepsIndexes {
				return keepsRows
			}
			return keepsRowsOnly
		}
	}
	return rewritesTable
}

// typeChange is a change of type PostgreSQL makes without rewriting the table,
// when mods accepts the old and new type modifiers.
type typeChange struct {
	from, to     string
	mods         func(old, new []int32) bool
	keepsIndexes bool // false: another index operator class, so indexes on the column are rebuilt
}

// typeChanges is all migrate-guard knows of changes that keep the stored
// values: binary-coercible casts (pg_cast.castmethod 'b') and the length and
// precision coercions whose support functions (varchar_support,
// numeric_support, TemporalSimplify, interval_support, varbit_support) reduce
// them to no-ops. Every other change, other than to the same type and
// modifiers, rewrites the table. Each entry is checked against a real server
// by TestColumnTypeRewriteOnPostgres.
var typeChanges = []typeChange{
	{"varchar", "varchar", lengthGrows, true},
	{"varchar", "text", anyMods, true},
	{"text", "varchar", unlimited, true},
	{"numeric", "numeric", numericGrows, true},
	{"varbit", "varbit", lengthGrows, true},
	{"timestamp", "timestamp", precisionGrows, true},
	{"timestamptz", "timestamptz", precisionGrows, true},
	{"time", "time", precisionGrows, true},
	{"timetz", "timetz", precisionGrows, true},
	{"interval", "interval", intervalGrows, true},
	{"cidr", "inet", anyMods, true},
	{"xml", "text", anyMods, true},
	{"xml", "varchar", unlimited, true},
	{"text", "bpchar", unlimited, false},
	{"varchar", "bpchar", unlimited, false},
	{"bit", "varbit", unlimited, false},
	// citext's binary-coercible casts; its operator class differs from text's.
	{"text", "citext", anyMods, false},
	{"varchar", "citext", anyMods, false},
	{"citext", "text", anyMods, false},
	{"citext", "varchar", unlimited, false},
}

func anyMods(_, _ []int32) bool { return true }

func unlimited(_, new []int32) bool { return len(new) == 0 }

// lengthGrows: varchar(n) and varbit(n) to a length of at least n, or none.
func lengthGrows(old, new []int32) bool {
	return len(new) == 0 || len(old) > 0 && new[0] >= old[0]
}

// numericGrows: numeric(p,s) to numeric(p2,s) with p2 >= p, or unconstrained.
func numericGrows(old, new []int32) bool {
	scale := func(m []int32) int32 {
		if len(m) > 1 {
			return m[1]
		}
		return 0
	}
	return len(new) == 0 || len(old) > 0 && scale(old) == scale(new) && new[0] >= old[0]
}

// maxSecondsPrecision is the largest fractional-seconds precision; a
// temporal type without one keeps that many digits.
const maxSecondsPrecision = 6

// precisionGrows: timestamp, time and their tz variants to a precision at
// least as large.
func precisionGrows(old, new []int32) bool {
	return len(new) == 0 || new[0] >= maxSecondsPrecision || len(old) > 0 && new[0] >= old[0]
}

// intervalFullRange is the field mask of an interval without DAY, HOUR TO
// MINUTE etc.; the parser writes interval(p) as [intervalFullRange, p].
const intervalFullRange = 0x7FFF

// intervalGrows: interval(p) to interval(p2 >= p), or to plain interval.
// Field-restricted intervals (interval day, ...) are left to the rewrite side.
func intervalGrows(old, new []int32) bool {
	fields := func(m []int32) int32 {
		if len(m) > 0 {
			return m[0]
		}
		return intervalFullRange
	}
	precision := func(m []int32) int32 {
		if len(m) > 1 {
			return m[1]
		}
		return maxSecondsPrecision
	}
	return len(new) == 0 ||
		fields(old) == intervalFullRange && fields(new) == intervalFullRange && precision(new) >= precision(old)
}

// narrowingFailure says which existing values make a narrowing change fail,
// or "".
func narrowingFailure(old, new catalog.Type) string {
	if old.Array || new.Array || len(new.Mods) == 0 && !isInt(new.Name) {
		return ""
	}
	switch {
	case (new.Name == "varchar" || new.Name == "bpchar") && isString(old.Name) &&
		(len(old.Mods) == 0 || old.Name == "text" || new.Mods[0] < old.Mods[0]):
		return fmt.Sprintf("a value longer than %d characters makes it fail with SQLSTATE 22001", new.Mods[0])
	case new.Name == "numeric" && old.Name == "numeric" && integerDigits(new.Mods) < integerDigits(old.Mods):
		return fmt.Sprintf("a value with more than %d digits before the decimal point makes it fail with SQLSTATE 22003",
			integerDigits(new.Mods))
	case isInt(old.Name) && isInt(new.Name) && new.Name < old.Name: // int2 < int4 < int8
		return fmt.Sprintf("a value outside the range of %s makes it fail with SQLSTATE 22003", new.Name)
	}
	return ""
}

func isString(name string) bool {
	return name == "text" || name == "varchar" || name == "bpchar" || name == "citext"
}

func isInt(name string) bool { return name == "int2" || name == "int4" || name == "int8" }

// integerDigits is the digits a numeric type allows before the point; an
// unconstrained numeric allows any number.
func integerDigits(mods []int32) int32 {
	switch len(mods) {
	case 0:
		return 1 << 30
	case 1:
		return mods[0]
	}
	return mods[0] - mods[1]
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
-- UPDATE %[1]s SET %[3]s = %[6]s WHERE ctid IN (SELECT ctid FROM %[1]s WHERE %[3]s IS NULL AND %[2]s IS NOT NULL LIMIT 10000);
-- Migration 2, once the backfill is done. Give %[3]s the NOT NULL, default, indexes and constraints of
-- %[2]s first (CREATE INDEX CONCURRENTLY, NOT VALID constraints validated later), then swap:
DROP TRIGGER %[5]s ON %[1]s;
DROP FUNCTION %[5]s();
ALTER TABLE %[1]s DROP COLUMN %[2]s;
ALTER TABLE %[1]s RENAME COLUMN %[3]s TO %[2]s;`,
		t, ident(col), ident(col+"_new"), typ, ident(t.Name+"_"+col+"_sync"), value, newValue, execute)
}
