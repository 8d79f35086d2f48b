// Enums: the types a statement drops, and the blocks of statements that
// replace an enum to remove one of its values (Prisma's way).

package rules

import (
	"slices"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	pg "github.com/pganalyze/pg_query_go/v6"
)

// enumSwap is one enum replacement block: CREATE TYPE New, columns converted
// to New, the old type renamed away (or dropped), New renamed to the old name.
type enumSwap struct {
	Old, New    catalog.Name
	First, Last int      // statement indexes of the CREATE TYPE and of the block's last statement
	Values      []string // the new type's values
	Columns     []colKey // the columns converted to New
	ColumnAt    []int    // for each column, the index of the statement that converts it
}

// inEnumRemovalBlock reports whether the current statement belongs to an enum
// replacement block that enum-value-removal reports as one change. Rules that
// would report the block's statements one by one (column-type-rewrite on each
// ALTER COLUMN ... TYPE) return early when it is true.
func inEnumRemovalBlock(p *analysis.Pass) bool {
	_, ok := enumBlockAt(p, p.Stmt.Index)
	return ok
}

// sameEnumBlock reports whether statements i and j belong to the same enum
// replacement block: the locks such a block takes on its tables are
// enum-value-removal's to report, not the lock rules'.
func sameEnumBlock(p *analysis.Pass, i, j int) bool {
	a, ok := enumBlockAt(p, i)
	b, ok2 := enumBlockAt(p, j)
	return ok && ok2 && a == b
}

// enumSwapsResult holds the enum replacement blocks of the file.
var enumSwapsResult = analysis.NewResult("enum replacement blocks", findEnumSwaps)

// droppedTypes returns the types a DROP TYPE statement drops.
func droppedTypes(n *pg.Node) []catalog.Name {
	d := n.GetDropStmt()
	if d == nil || d.RemoveType != pg.ObjectType_OBJECT_TYPE {
		return nil
	}
	var out []catalog.Name
	for _, o := range d.Objects {
		out = append(out, catalog.QualifiedName(o.GetTypeName().GetNames()))
	}
	return out
}

// addConversions records the ALTER COLUMN ... TYPE New clauses of a statement.
func (sw *enumSwap) addConversions(p *analysis.Pass, n *pg.Node, at int) {
	a := n.GetAlterTableStmt()
	if a == nil || a.Relation == nil {
		return
	}
	table := catalog.RangeName(a.Relation)
	for _, cn := range a.Cmds {
		cmd := cn.GetAlterTableCmd()
		d := cmd.GetDef().GetColumnDef()
		if cmd.GetSubtype() == pg.AlterTableType_AT_AlterColumnType && d != nil &&
			catalog.QualifiedName(d.TypeName.GetNames()) == sw.New {
			sw.Columns = append(sw.Columns, colKey{table, cmd.Name})
			sw.ColumnAt = append(sw.ColumnAt, at)
		}
	}
}

// enumBlockAt returns the index in enumSwaps of the replacement block that
// statement i belongs to.
func enumBlockAt(p *analysis.Pass, i int) (int, bool) {
	for k, s := range enumSwapsResult.Of(p) {
		if i >= s.First && i <= s.Last {
			return k, true
		}
	}
	return 0, false
}

func findEnumSwaps(p *analysis.Pass) []enumSwap {
	var out []enumSwap
	for i, s := range p.File.Stmts {
		c := s.Node.GetCreateEnumStmt()
		if c == nil {
			continue
		}
		if sw, ok := swapFrom(p, i, catalog.QualifiedName(c.TypeName)); ok {
			sw.Values = enumValues(c.Vals)
			out = append(out, sw)
		}
	}
	return out
}

// swapFrom completes the block that starts with CREATE TYPE New at statement
// first: New is later renamed to a name that an earlier statement of the
// block renamed away or dropped.
func swapFrom(p *analysis.Pass, first int, newName catalog.Name) (enumSwap, bool) {
	sw := enumSwap{New: newName, First: first}
	vacated := map[catalog.Name]catalog.Name{} // old name -> the name it was renamed to ("" when dropped)
	for j := first + 1; j < len(p.File.Stmts); j++ {
		n := p.File.Stmts[j].Node
		if r := n.GetRenameStmt(); r != nil && r.RenameType == pg.ObjectType_OBJECT_TYPE {
			from := catalog.QualifiedName(r.Object.GetList().GetItems())
			to := catalog.Name{Schema: from.Schema, Name: r.Newname}
			if from == newName {
				if _, ok := vacated[to]; !ok {
					return sw, false
				}
				sw.Old, sw.Last = to, dropOfRenamed(p, j, vacated[to])
				return sw, true
			}
			vacated[from] = to
		}
		for _, name := range droppedTypes(n) {
			vacated[name] = catalog.Name{}
		}
		sw.addConversions(p, n, j)
	}
	return sw, false
}

func enumValues(nodes []*pg.Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.GetString_().GetSval())
	}
	return out
}

// dropOfRenamed extends the block to the DROP TYPE of the renamed old type
// when it follows.
func dropOfRenamed(p *analysis.Pass, last int, renamed catalog.Name) int {
	if renamed == (catalog.Name{}) {
		return last
	}
	for j := last + 1; j < len(p.File.Stmts); j++ {
		if slices.Contains(droppedTypes(p.File.Stmts[j].Node), renamed) {
			return j
		}
	}
	return last
}
