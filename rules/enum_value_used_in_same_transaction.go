package rules

import (
	"fmt"
	"slices"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// EnumValueUsedInSameTransaction flags a statement that uses an enum value
// added by ALTER TYPE ... ADD VALUE earlier in the same transaction.
var EnumValueUsedInSameTransaction = register(&analysis.Rule{
	ID:       "enum-value-used-in-same-transaction",
	Severity: analysis.Error,
	Summary:  "new enum value used in the transaction that added it",
	Doc: "A value added with ALTER TYPE ... ADD VALUE cannot be used until the transaction that added it commits: " +
		"a column default, an UPDATE, an INSERT or a comparison that uses it fails with `unsafe use of new value` " +
		"(SQLSTATE 55P04). Prisma before 7.4 runs a migration.sql holding several statements as one transaction, and it " +
		"generates exactly this when an enum gains a value that also becomes a field's @default: the deploy fails " +
		"and Prisma records the migration as failed. Move the statements that use the value into a later migration. " +
		"Prisma 7.4 and later send each statement on its own, so the ADD VALUE commits before the next statement and " +
		"the same file applies; `migrate-guard deploy` runs such a file statement by statement too. The rule follows " +
		"deployed-by, or the Prisma version in package.json.",
	Bad: `-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'GUEST';

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'GUEST';`,
	Good: `-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'GUEST';`,
	Run: runEnumValueUsedInSameTransaction,
})

// addedValue is a value added to an enum earlier in the transaction.
type addedValue struct {
	Enum  catalog.Name
	Value string
	Stmt  int
}

func runEnumValueUsedInSameTransaction(p *analysis.Pass) {
	if !p.InTx() || p.Stmt.Node.GetAlterEnumStmt() != nil {
		return
	}
	added := addedInTx(p)
	if len(added) == 0 {
		return
	}
	seen := map[int]bool{}
	for _, u := range enumUses(p, p.Stmt.Node) {
		i := slices.IndexFunc(added, func(a addedValue) bool { return a.Enum.String() == u.Enum && a.Value == u.Value })
		if i < 0 || seen[u.Loc] {
			continue
		}
		seen[u.Loc] = true
		a := added[i]
		p.ReportAt(tokenAt(p, u.Loc), analysis.Report{
			Message: fmt.Sprintf("%s was added to enum %s by the ALTER TYPE on line %d, in the same transaction: PostgreSQL refuses "+
				"to use a new enum value before that transaction commits, so this statement fails with 55P04 (unsafe use of "+
				"new value \"%s\" of enum type %s) and the whole migration is rolled back",
				sqltext.Literal(a.Value), a.Enum, p.File.Position(p.File.Stmts[a.Stmt].Start).Line, a.Value, a.Enum),
			Help: "Keep ALTER TYPE ... ADD VALUE in this migration and move this statement into a later one: once the first " +
				"migration has committed, the value can be used. " + prismaMove,
			Fix: "-- A later migration than the one that adds the value:\n" + p.File.Text(p.Stmt) + terminator(p.File, p.Stmt),
		})
	}
}

// addedInTx returns the enum values that earlier statements of the current
// transaction added and that did not exist before the file.
func addedInTx(p *analysis.Pass) []addedValue {
	tx := p.Tx[p.Stmt.Index].ID
	var out []addedValue
	for _, s := range p.File.Stmts[:p.Stmt.Index] {
		e := s.Node.GetAlterEnumStmt()
		if e == nil || e.OldVal != "" || p.Tx[s.Index].ID != tx {
			continue
		}
		name := catalog.QualifiedName(e.TypeName)
		if old := p.Before.Enum(name); old != nil && slices.Contains(old.Values, e.NewVal) {
			continue // ADD VALUE IF NOT EXISTS of a committed value
		}
		out = append(out, addedValue{name, e.NewVal, s.Index})
	}
	return out
}

// enumUse is a string constant used as a value of an enum type.
type enumUse struct {
	Enum  string // the type's name as catalog.Type.Name holds it
	Value string
	Loc   int // byte offset of the constant
}

// enumUses finds the string constants of a statement that PostgreSQL reads
// as enum values: cast to the type, compared with or assigned to a column of
// the type, inserted into one, or given as its default.
func enumUses(p *analysis.Pass, n *pg.Node) []enumUse {
	r := newColumnResolver(p, n)
	var out []enumUse
	add := func(typ catalog.Type, c *pg.Node) {
		if typ.Enum && !typ.Array {
			for _, k := range constants(c) {
				out = append(out, enumUse{typ.Name, k.GetSval().GetSval(), int(k.Location)})
			}
		}
	}
	walkNodes(n, func(x *pg.Node) {
		switch v := x.Node.(type) {
		case *pg.Node_TypeCast:
			add(p.Schema.TypeOf(v.TypeCast.TypeName), v.TypeCast.Arg)
		case *pg.Node_AExpr:
			if comparison(v.AExpr) {
				add(r.typeOf(v.AExpr.Lexpr), v.AExpr.Rexpr)
				add(r.typeOf(v.AExpr.Rexpr), v.AExpr.Lexpr)
			}
		case *pg.Node_ColumnDef:
			add(p.Schema.TypeOf(v.ColumnDef.TypeName), columnDefault(v.ColumnDef))
		}
	})
	for _, a := range r.assignments(n) {
		add(a.typ, a.val)
	}
	return out
}
