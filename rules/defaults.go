// A column's default as the rules read it: the expression, whether it is
// NULL or volatile, and the ADD COLUMN without it that a fix adds first.

package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
)

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
	return fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", t, sqltext.Ident(col), rest), true
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

// serialInteger is the integer type behind each serial pseudo-type.
var serialInteger = map[string]string{
	"smallserial": "int2", "serial2": "int2", "serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8",
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
