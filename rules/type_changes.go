// What changing a column's type does to the table: whether PostgreSQL
// rewrites it, rebuilds its indexes, or only checks the rows, and the message
// that says so.

package rules

import (
	"fmt"
	"slices"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	pg "github.com/pganalyze/pg_query_go/v6"
)

// typeChangeMessage says what changing the column to d's type does to the
// table, or "" when PostgreSQL keeps the rows and the indexes.
func typeChangeMessage(s *catalog.Catalog, table catalog.Name, col string, d *pg.ColumnDef) string {
	to := s.TypeOf(d.TypeName)
	target := fmt.Sprintf("%s.%s", table, sqltext.Ident(col))
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
			"reads and writes on %s block until they are rebuilt", change, sqltext.Ident(col), table)
	}
	msg := change + " " + blocks
	if f := narrowingFailure(*from, to); f != "" {
		msg += "; " + f
	}
	return msg
}

// usingExpr returns the USING expression of a type change, or nil when there
// is none or it is just the column itself.
func usingExpr(col string, d *pg.ColumnDef) *pg.Node {
	ref := d.RawDefault.GetColumnRef()
	if ref != nil && len(ref.Fields) == 1 && ref.Fields[0].GetString_().GetSval() == col {
		return nil
	}
	return d.RawDefault
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

// effect is what a type change does to a table's stored data.
type effect int

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

// typeChange is a change of type PostgreSQL makes without rewriting the table,
// when mods accepts the old and new type modifiers.
type typeChange struct {
	from, to     string
	mods         func(old, new []int32) bool
	keepsIndexes bool // false: another index operator class, so indexes on the column are rebuilt
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

// precisionGrows: timestamp, time and their tz variants to a precision at
// least as large.
func precisionGrows(old, new []int32) bool {
	return len(new) == 0 || new[0] >= maxSecondsPrecision || len(old) > 0 && new[0] >= old[0]
}

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

// maxSecondsPrecision is the largest fractional-seconds precision; a
// temporal type without one keeps that many digits.
const maxSecondsPrecision = 6

// intervalFullRange is the field mask of an interval without DAY, HOUR TO
// MINUTE etc.; the parser writes interval(p) as [intervalFullRange, p].
const intervalFullRange = 0x7FFF
