package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// The release rules' fixes are runnable SQL in steps, each headed by a
// comment line starting with one of these, so a reader (and the tests that
// run them on PostgreSQL) can tell the migrations apart.
const (
	stepExpand   = "-- Migration 1 (expand)"
	stepBackfill = "-- Backfill"
	stepMove     = "-- Migration 2"
	stepContract = "-- Contract"
)

// columnSync is the expand-contract replacement of a column by another (a
// rename, or a new type): the new column, a trigger that keeps the two equal
// whichever one a release writes, a backfill, and the contract step.
type columnSync struct {
	table    catalog.Name
	old, new string          // column names
	col      *catalog.Column // the old column, as the history has it; nil if unknown
	newType  string
	// using converts the old column to the new type (a USING clause), nil
	// for a plain cast or, when the types are equal, the value itself.
	using     *pg.Node
	oldType   string // "" when the types are equal
	key       string // the row key the backfill batches by
	release   string // what release 2 does
	lock      string // the SET lock_timeout before the contract's drops
	pgVersion int
}

// toNew is the old column's value converted to the new type, in the
// trigger (rel "new") or in the backfill (rel "").
func (s columnSync) toNew(rel string) string {
	ref := sqltext.Ident(s.old)
	if rel != "" {
		ref = rel + "." + ref
	}
	if s.using != nil {
		e := s.using
		if rel != "" {
			e = qualifyColumn(e, s.old, rel)
		}
		if sql, ok := deparseExpr(e); ok {
			return sql
		}
	}
	if s.oldType == "" {
		return ref
	}
	return fmt.Sprintf("(%s)::%s", ref, s.newType)
}

// toOld is the new column's value in the old type, in the trigger.
func (s columnSync) toOld() string {
	if s.oldType == "" {
		return "NEW." + sqltext.Ident(s.new)
	}
	return fmt.Sprintf("(NEW.%s)::%s", sqltext.Ident(s.new), s.oldType)
}

// String renders the fix. On insert, the release that does not write the
// new column leaves it NULL and gets the old one copied in; the other one's
// value is copied back. On update, whichever column the statement changed
// wins; the backfill changes the new column to the converted old value,
// which copies nothing back.
func (s columnSync) String() string {
	fn := sqltext.Ident(s.table.Name + "_" + s.new + "_sync")
	exec := "FUNCTION"
	if s.pgVersion > 0 && s.pgVersion < 11 {
		exec = "PROCEDURE"
	}
	o, n := sqltext.Ident(s.old), sqltext.Ident(s.new)
	var b strings.Builder
	fmt.Fprintf(&b, `%[1]s, instead of this statement: add %[3]s and keep it equal to %[4]s whichever of the two a release writes.
ALTER TABLE %[2]s ADD COLUMN %[3]s %[5]s;
CREATE FUNCTION %[6]s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.%[3]s IS NULL THEN
      NEW.%[3]s := %[7]s;
    ELSE
      NEW.%[4]s := %[8]s;
    END IF;
  ELSIF NEW.%[4]s IS DISTINCT FROM OLD.%[4]s THEN
    NEW.%[3]s := %[7]s;
  ELSIF NEW.%[3]s IS DISTINCT FROM OLD.%[3]s AND NEW.%[3]s IS DISTINCT FROM %[7]s THEN
    NEW.%[4]s := %[8]s;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER %[6]s BEFORE INSERT OR UPDATE ON %[2]s
  FOR EACH ROW EXECUTE %[9]s %[6]s();
%[10]s the rows written before, in batches (a script, outside the migration), repeated until it updates no row:
UPDATE %[2]s SET %[3]s = %[11]s WHERE %[12]s IN (SELECT %[12]s FROM %[2]s WHERE %[3]s IS NULL AND %[4]s IS NOT NULL LIMIT 10000);
-- Release 2: %[13]s; deploy it everywhere.
`, stepExpand, s.table, n, o, s.newType, fn, s.toNew("NEW"), s.toOld(), exec, stepBackfill, s.toNew(""), s.key, s.release)
	if s.col != nil && s.col.NotNull {
		check := sqltext.Ident(s.table.Name + "_" + s.new + "_not_null")
		fmt.Fprintf(&b, `%[4]s (migration 2), once release 2 runs everywhere: check %[2]s for NULLs without scanning the rows.
ALTER TABLE %[1]s ADD CONSTRAINT %[3]s CHECK (%[2]s IS NOT NULL) NOT VALID;
%[4]s (migration 3, its own, so that the validation holds no ACCESS EXCLUSIVE lock):
ALTER TABLE %[1]s VALIDATE CONSTRAINT %[3]s;
%[5]sALTER TABLE %[1]s ALTER COLUMN %[2]s SET NOT NULL;
ALTER TABLE %[1]s DROP CONSTRAINT %[3]s;
`, s.table, n, check, stepContract, s.lock)
	} else {
		fmt.Fprintf(&b, "%s (migration 2), once release 2 runs everywhere:\n%s", stepContract, s.lock)
	}
	fmt.Fprintf(&b, "DROP TRIGGER %[2]s ON %[1]s;\nDROP FUNCTION %[2]s();\n", s.table, fn)
	if s.col != nil && s.col.Default {
		if d, ok := s.newDefault(); ok {
			fmt.Fprintf(&b, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;\n", s.table, n, d)
		} else {
			fmt.Fprintf(&b, "-- %s has a default the migrations do not spell (serial or identity): give %s the same one here.\n", o, n)
		}
	}
	fmt.Fprintf(&b, "ALTER TABLE %s DROP COLUMN %s;", s.table, o)
	return b.String()
}

// newDefault is the old column's default for the new column: the same
// expression, converted to the new type; a constant cast to the old type
// (an enum's 'USER'::"Role") is cast to the new one instead, so the new
// column does not depend on the old type.
func (s columnSync) newDefault() (string, bool) {
	e := s.col.DefaultExpr
	if e == nil {
		return "", false
	}
	if s.oldType == "" {
		return deparseExpr(e)
	}
	if c := e.GetTypeCast(); c != nil && c.Arg.GetAConst() != nil {
		e = c.Arg
	}
	d, ok := deparseExpr(e)
	return fmt.Sprintf("(%s)::%s", d, s.newType), ok
}

// syncFor returns the columnSync of the column of table t that the
// current statement replaces by column to of type typ.
func syncFor(p *analysis.Pass, t catalog.Name, from, to, typ string) columnSync {
	s := columnSync{table: t, old: from, new: to, newType: typ, key: "ctid", lock: setLockTimeout(p), pgVersion: p.PGVersion}
	if tab := p.Schema.Table(t); tab != nil {
		s.col, s.key = tab.Column(from), rowKey(tab)
	}
	if s.newType == "" && s.col != nil {
		s.newType = s.col.Type.String()
	}
	return s
}

// tableRenameFix is the expand-contract of a table rename: the table renamed
// with a view left under the old name, through which the running release
// reads and writes it (a view over one table is updatable), dropped once no
// release uses the old name.
func tableRenameFix(p *analysis.Pass, old catalog.Name, to string) string {
	renamed := catalog.Name{Schema: old.Schema, Name: to}
	return fmt.Sprintf(`%[1]s, this statement with a view left under the old name, which the running release reads and writes through:
%[2]sALTER TABLE %[3]s RENAME TO %[4]s;
CREATE VIEW %[3]s AS SELECT * FROM %[5]s;
-- Release 2: schema.prisma maps the model to %[5]s (@@map("%[7]s")); deploy it everywhere.
%[6]s (migration 2), once release 2 runs everywhere:
DROP VIEW %[3]s;`, stepExpand, setLockTimeout(p), old, sqltext.Ident(to), renamed, stepContract, to)
}

// enumColumn is a column whose type is an enum type, or an array of it.
type enumColumn struct {
	table catalog.Name
	col   catalog.Column
}

// enumColumns returns the columns of the enum type in the catalog.
func enumColumns(cat *catalog.Catalog, typ catalog.Name) []enumColumn {
	var out []enumColumn
	for _, t := range cat.TableList() {
		for _, c := range t.Columns {
			if c.Type.Name == typ.String() {
				out = append(out, enumColumn{t.Name, c})
			}
		}
	}
	return out
}

// enumRecreate is the SQL that gives the enum type exactly values, as
// `prisma migrate dev` writes it: a new type, the columns moved to it with
// their defaults set again (a constant `from` in a default becomes `to`),
// the old type dropped. It fails while a row holds a value not in values.
func enumRecreate(typ catalog.Name, values []string, cols []enumColumn, from, to string) string {
	tmp := catalog.Name{Schema: typ.Schema, Name: typ.Name + "_new"}
	old := catalog.Name{Schema: typ.Schema, Name: typ.Name + "_old"}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = sqltext.Literal(v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TYPE %s AS ENUM (%s);\n", tmp, strings.Join(quoted, ", "))
	var defaults []string
	for _, c := range cols {
		arr := ""
		if c.col.Type.Array {
			arr = "[]"
		}
		if c.col.Default && c.col.DefaultExpr != nil {
			if d, ok := deparseExpr(renameConst(c.col.DefaultExpr, from, to)); ok {
				fmt.Fprintf(&b, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;\n", c.table, sqltext.Ident(c.col.Name))
				defaults = append(defaults, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;\n", c.table, sqltext.Ident(c.col.Name), d))
			}
		}
		fmt.Fprintf(&b, "ALTER TABLE %[1]s ALTER COLUMN %[2]s TYPE %[3]s%[4]s USING (%[2]s::text%[4]s::%[3]s%[4]s);\n",
			c.table, sqltext.Ident(c.col.Name), tmp, arr)
	}
	fmt.Fprintf(&b, "ALTER TYPE %s RENAME TO %s;\nALTER TYPE %s RENAME TO %s;\nDROP TYPE %s;\n",
		typ, sqltext.Ident(old.Name), tmp, sqltext.Ident(typ.Name), old)
	b.WriteString(strings.Join(defaults, ""))
	return strings.TrimSuffix(b.String(), "\n")
}

// renameConst returns a copy of expr whose string constants equal to from
// read to; expr itself when from is "".
func renameConst(expr *pg.Node, from, to string) *pg.Node {
	if from == "" {
		return expr
	}
	out := proto.Clone(expr).(*pg.Node)
	walkNodes(out, func(n *pg.Node) {
		if s := n.GetAConst().GetSval(); s != nil && s.Sval == from {
			s.Sval = to
		}
	})
	return out
}

// rowKey returns the column to batch a backfill by: the single-column
// primary key, else the row's physical address.
func rowKey(t *catalog.Table) string {
	for _, k := range t.Constraints {
		if k.Kind == catalog.PrimaryKey && len(k.Columns) == 1 {
			return sqltext.Ident(k.Columns[0])
		}
	}
	return "ctid"
}
