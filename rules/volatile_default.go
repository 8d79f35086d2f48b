package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// VolatileDefault flags ADD COLUMN on a table that may hold rows when
// PostgreSQL must store a value in every existing row, which rewrites the
// table.
var VolatileDefault = register(&analysis.Rule{
	ID:       "volatile-default",
	Severity: analysis.Warning,
	Summary:  "column added to an existing table with a default computed for every row",
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
	Run: runVolatileDefault,
})

func runVolatileDefault(p *analysis.Pass) {
	for _, c := range addedColumns(p) {
		def := columnDefault(c.Def)
		if isNull(def) {
			continue
		}
		target := fmt.Sprintf("%s.%s", c.Table, ident(c.Def.Colname))
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

// columnDefault returns a column definition's DEFAULT expression, or nil.
func columnDefault(d *pg.ColumnDef) *pg.Node {
	if d.RawDefault != nil {
		return d.RawDefault
	}
	if k := columnHas(d, pg.ConstrType_CONSTR_DEFAULT); k != nil {
		return k.RawExpr
	}
	return nil
}

// isNull reports a missing default or DEFAULT NULL (possibly cast), which
// PostgreSQL treats alike.
func isNull(expr *pg.Node) bool {
	if tc := expr.GetTypeCast(); tc != nil {
		expr = tc.Arg
	}
	return expr == nil || expr.GetAConst().GetIsnull()
}

// volatileCall returns the name of the first volatile function expr calls,
// or "".
func volatileCall(s *catalog.Catalog, expr *pg.Node) string {
	found := ""
	walkNodes(expr, func(n *pg.Node) {
		if fc := n.GetFuncCall(); fc != nil && found == "" {
			var parts []string
			for _, p := range fc.Funcname {
				parts = append(parts, p.GetString_().GetSval())
			}
			if isVolatile(s, parts) {
				found = strings.Join(parts, ".")
			}
		}
	})
	return found
}

// isVolatile tells whether a function called by its (possibly qualified)
// name is volatile. pg_catalog comes first on the search path, so an
// unqualified name of a builtin is that builtin. A function neither built in
// nor created by the migrations is assumed volatile, as PostgreSQL makes a
// function created without IMMUTABLE or STABLE, unless it is a known
// extension function.
func isVolatile(s *catalog.Catalog, parts []string) bool {
	v, _ := volatility(s, parts)
	return v
}

// volatility tells whether a function is volatile and whether that is known
// (a builtin, an extension function, or one the migrations create) rather
// than assumed.
func volatility(s *catalog.Catalog, parts []string) (volatile, known bool) {
	name, schema := parts[len(parts)-1], ""
	if len(parts) > 1 {
		schema = parts[len(parts)-2]
	}
	if schema == "" || schema == "pg_catalog" {
		if contains(volatileBuiltins, name) {
			return true, true
		}
		if contains(stableBuiltins, name) {
			return false, true
		}
	}
	if v, ok := s.FunctionVolatility(name); ok {
		return v == catalog.Volatile, true
	}
	if slices.Contains(volatileElsewhere, name) || slices.Contains(stableElsewhere, name) {
		return slices.Contains(volatileElsewhere, name), true
	}
	return true, false
}

// contains looks name up in a sorted list.
func contains(sorted []string, name string) bool {
	i := sort.SearchStrings(sorted, name)
	return i < len(sorted) && sorted[i] == name
}

// stableElsewhere are immutable or stable functions of common extensions
// (uuid-ossp's constants, citext, pgcrypto's digests): not assumed volatile.
var stableElsewhere = []string{
	"armor", "citext", "crypt", "dearmor", "decrypt", "digest", "encrypt", "hmac",
	"uuid_nil", "uuid_ns_dns", "uuid_ns_oid", "uuid_ns_url", "uuid_ns_x500", "uuid_generate_v3", "uuid_generate_v5",
}

// volatileElsewhere are volatile functions missing from volatileBuiltins:
// those of common extensions (uuid-ossp, pgcrypto; checked by
// TestVolatileBuiltinsOnPostgres when the server has them) and builtins added
// after PostgreSQL 15 (random_normal in 16, uuidv4 and uuidv7 in 18).
var volatileElsewhere = []string{
	"gen_random_bytes", "gen_salt", "random_normal",
	"uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
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

// backfillSteps sets def as the default for new rows, backfills the existing
// rows in batches, then restores the NOT NULL and keys that plainColumn left
// out of d.
func backfillSteps(t catalog.Name, d *pg.ColumnDef, def string, keys bool) string {
	col := ident(d.Colname)
	var b strings.Builder
	fmt.Fprintf(&b, `ALTER TABLE %[1]s ALTER COLUMN %[2]s SET DEFAULT %[3]s;
-- Backfill existing rows in batches (a separate data migration), repeated until it updates no row:
-- UPDATE %[1]s SET %[2]s = %[3]s WHERE ctid IN (SELECT ctid FROM %[1]s WHERE %[2]s IS NULL LIMIT 10000);`, t, col, def)
	if requiredAfterBackfill(d) {
		b.WriteString("\n" + notNullSteps(t, d.Colname, 2))
	}
	if keys {
		b.WriteString("\n-- Then add the column's PRIMARY KEY or UNIQUE constraint without a long lock: " +
			"CREATE UNIQUE INDEX CONCURRENTLY (in a migration of its own), then ALTER TABLE ... ADD CONSTRAINT ... USING INDEX.")
	}
	return b.String()
}

// plainColumn returns a copy of d without its default, NOT NULL, identity,
// primary key and unique constraints, a serial type becoming its integer
// type; keys tells whether it dropped a key.
func plainColumn(d *pg.ColumnDef) (plain *pg.ColumnDef, keys bool) {
	plain = proto.Clone(d).(*pg.ColumnDef)
	plain.RawDefault, plain.IsNotNull = nil, false
	plain.Constraints = slices.DeleteFunc(plain.Constraints, func(n *pg.Node) bool {
		switch n.GetConstraint().GetContype() {
		case pg.ConstrType_CONSTR_PRIMARY, pg.ConstrType_CONSTR_UNIQUE:
			keys = true
			return true
		case pg.ConstrType_CONSTR_DEFAULT, pg.ConstrType_CONSTR_NOTNULL, pg.ConstrType_CONSTR_IDENTITY:
			return true
		}
		return false
	})
	if catalog.IsSerial(d.TypeName) {
		name := d.TypeName.Names[len(d.TypeName.Names)-1].GetString_().GetSval()
		plain.TypeName = &pg.TypeName{Names: []*pg.Node{pg.MakeStrNode("pg_catalog"), pg.MakeStrNode(serialInteger[name])}, Location: -1}
	}
	return plain, keys
}

// serialInteger is the integer type behind each serial pseudo-type.
var serialInteger = map[string]string{
	"smallserial": "int2", "serial2": "int2", "serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8",
}

// requiredAfterBackfill reports a column the original statement made NOT NULL.
func requiredAfterBackfill(d *pg.ColumnDef) bool {
	return d.IsNotNull || catalog.IsSerial(d.TypeName) || columnHas(d, pg.ConstrType_CONSTR_NOTNULL) != nil ||
		columnHas(d, pg.ConstrType_CONSTR_PRIMARY) != nil || columnHas(d, pg.ConstrType_CONSTR_IDENTITY) != nil
}

// deparseAddColumn renders `ALTER TABLE t ADD COLUMN d`, quoting t and the
// column as all fixes do: the deparser quotes only names that need it, so it
// renders the definition under placeholder names that are then replaced.
func deparseAddColumn(t catalog.Name, d *pg.ColumnDef) (string, bool) {
	col := d.Colname
	d = proto.Clone(d).(*pg.ColumnDef)
	d.Colname = "c"
	stmt := &pg.Node{Node: &pg.Node_AlterTableStmt{AlterTableStmt: &pg.AlterTableStmt{
		Relation: pg.MakeSimpleRangeVar("t", -1), Objtype: pg.ObjectType_OBJECT_TABLE,
		Cmds: []*pg.Node{{Node: &pg.Node_AlterTableCmd{AlterTableCmd: &pg.AlterTableCmd{
			Subtype: pg.AlterTableType_AT_AddColumn, Def: &pg.Node{Node: &pg.Node_ColumnDef{ColumnDef: d}}}}}},
	}}}
	s, ok := deparseStmt(stmt)
	rest, found := strings.CutPrefix(s, "ALTER TABLE t ADD COLUMN c ")
	if !ok || !found {
		return "", false
	}
	return fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", t, ident(col), rest), true
}
