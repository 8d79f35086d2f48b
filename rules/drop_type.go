package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DropType flags DROP TYPE of a type that columns still use.
var DropType = register(&analysis.Rule{
	ID:       "drop-type",
	Severity: analysis.Error,
	Summary:  "DROP TYPE of a type that columns still use",
	Doc: "A type that a column still uses cannot be dropped: DROP TYPE fails with `cannot drop type ... because " +
		"other objects depend on it` (SQLSTATE 2BP01) and the deploy stops, although it passed on a development " +
		"database where the column was already gone. With CASCADE it succeeds by dropping those columns, and every " +
		"value they hold, without naming them. Prisma drops an enum after the columns that use it; this rule catches " +
		"hand-edited or reordered migrations. Dropping a type no column uses is not reported: no data goes with it " +
		"(an old release's Prisma Client does not name the type in its queries' SQL unless it still queries a column " +
		"of it, and such a column would be reported). Columns of tables created in the same migration are not " +
		"reported under CASCADE: they hold no data.",
	Bad: `-- DropEnum
DROP TYPE "Role";`,
	Good: `-- AlterTable: the column goes first, in the contract step of expand-contract.
-- migrate-guard-ignore drop-column -- no code reads "role" since release 42
ALTER TABLE "User" DROP COLUMN "role";

-- DropEnum
DROP TYPE "Role";`,
	Run: runDropType,
})

func runDropType(p *analysis.Pass) {
	s := p.Stmt.Node.GetDropStmt()
	if s == nil || s.RemoveType != pg.ObjectType_OBJECT_TYPE {
		return
	}
	cascade := s.Behavior == pg.DropBehavior_DROP_CASCADE
	for _, typ := range droppedTypes(p.Stmt.Node) {
		cols := columnsOfType(p.Schema, typ)
		if cascade {
			cols = withData(p, cols)
		}
		if len(cols) == 0 {
			continue
		}
		msg := fmt.Sprintf("DROP TYPE %s fails with 2BP01 (cannot drop type because other objects depend on it): %s still "+
			"uses it, so the migration stops here", typ, columnList(cols))
		if cascade {
			msg = fmt.Sprintf("DROP TYPE %s CASCADE also drops %s, which use it, with every value they hold", typ, columnList(cols))
		}
		p.ReportStmt(analysis.Report{
			Message: msg,
			Help: "Deal with each column first, in earlier statements or migrations: change its type (or drop it, in the contract " +
				"step of expand-contract: see drop-column), then drop the type without CASCADE, so a column you forgot " +
				"makes the migration fail instead of disappearing. " + prismaEdit,
			Fix: dropTypeFix(p, typ, cols),
		})
	}
}

// withData keeps the columns of tables that existed before the file.
func withData(p *analysis.Pass, cols []colKey) []colKey {
	var out []colKey
	for _, c := range cols {
		if existing(p, c.Table) {
			out = append(out, c)
		}
	}
	return out
}

// dropTypeFix moves each column to text before the drop. A default of the
// type depends on it too, even cast to text: it is dropped and set again,
// its constant without the cast to the type.
func dropTypeFix(p *analysis.Pass, typ catalog.Name, cols []colKey) string {
	var b strings.Builder
	b.WriteString("-- First move each column off the type (this rewrites its table: see column-type-rewrite),\n" +
		"-- or drop it once no code uses it (its data is lost):\n")
	for _, c := range cols {
		col := p.Schema.Table(c.Table).Column(c.Col)
		if col == nil || !col.Default {
			fmt.Fprintf(&b, "ALTER TABLE %[1]s ALTER COLUMN %[2]s TYPE TEXT USING %[2]s::text;\n", c.Table, sqltext.Ident(c.Col))
			continue
		}
		e := col.DefaultExpr
		if k := e.GetTypeCast(); k != nil && k.Arg.GetAConst() != nil {
			e = k.Arg
		}
		if d, ok := deparseExpr(e); ok && e.GetAConst() != nil {
			fmt.Fprintf(&b, "ALTER TABLE %[1]s ALTER COLUMN %[2]s DROP DEFAULT, ALTER COLUMN %[2]s TYPE TEXT USING %[2]s::text, "+
				"ALTER COLUMN %[2]s SET DEFAULT %[3]s;\n", c.Table, sqltext.Ident(c.Col), d)
			continue
		}
		fmt.Fprintf(&b, "-- Its default depends on the type too: set it again, as text, in the same statement.\n"+
			"ALTER TABLE %[1]s ALTER COLUMN %[2]s DROP DEFAULT, ALTER COLUMN %[2]s TYPE TEXT USING %[2]s::text;\n", c.Table, sqltext.Ident(c.Col))
	}
	fmt.Fprintf(&b, "DROP TYPE %s;", typ)
	return b.String()
}
