package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// AddingStoredGeneratedColumn flags a GENERATED ALWAYS AS (...) STORED column
// added to a table that may hold rows.
var AddingStoredGeneratedColumn = register(&analysis.Rule{
	ID:             "adding-stored-generated-column",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "stored generated column added to an existing table",
	Doc: "A stored generated column keeps the value of its expression in every row. Added to a table that holds " +
		"rows, PostgreSQL computes it for each of them by rewriting the whole table and rebuilding its indexes while " +
		"it holds an ACCESS EXCLUSIVE lock: every read and write of the table waits until the rewrite is done. " +
		"PostgreSQL cannot turn an existing column into a generated one, so the safe route is a plain column that a " +
		"trigger keeps up to date for new and changed rows, filled for existing rows in batches. From PostgreSQL 18 " +
		"on, a VIRTUAL generated column (the default there) is computed when read and adds no data at all.",
	Bad: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "titleLength" INTEGER GENERATED ALWAYS AS (length("title")) STORED;`,
	Good: `-- AlterTable
ALTER TABLE "Post" ADD COLUMN "titleLength" INTEGER;`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runAddingStoredGeneratedColumn,
})

func runAddingStoredGeneratedColumn(p *analysis.Pass) {
	for _, c := range addedColumns(p) {
		k := columnHas(c.Def, pg.ConstrType_CONSTR_GENERATED)
		if k == nil {
			continue
		}
		help := "Add a plain column instead, which touches no row, keep it up to date with a BEFORE INSERT OR UPDATE " +
			"trigger, and fill the existing rows in batches, each its own transaction. "
		if p.PGVersion >= 18 {
			help += "On PostgreSQL 18, a VIRTUAL generated column (drop STORED) is computed when read and adds no data. "
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: rewriteMessage(p, fmt.Sprintf("adding stored generated column %s.%s computes its value for every existing row",
				c.Table, sqltext.Ident(c.Def.Colname)), c.Table),
			Help:   help + prismaEdit,
			Fix:    generatedColumnFix(p, c, k),
			Impact: impactOn(p, c.Table, analysis.Rewrite),
		})
	}
}

// generatedColumnFix adds the column plain, with a trigger computing the
// expression (its column references read NEW's), and backfills it.
func generatedColumnFix(p *analysis.Pass, c addedColumn, k *pg.Constraint) string {
	exprSpan, ok := parenSpan(p.File, c.Span, int(k.Location))
	typ, typOK := deparseType(c.Def.TypeName)
	if !ok || !typOK {
		return ""
	}
	var ins []insertion
	walkNodes(k.RawExpr, func(n *pg.Node) {
		if ref := n.GetColumnRef(); ref != nil && len(ref.Fields) == 1 && ref.Fields[0].GetString_() != nil {
			ins = append(ins, insertion{at: int(ref.Location), text: "NEW."})
		}
	})
	expr := p.File.Src[exprSpan.Start:exprSpan.End]
	col := sqltext.Ident(c.Def.Colname)
	fn := catalog.Name{Schema: c.Table.Schema, Name: c.Table.Name + "_" + c.Def.Colname + "_compute"}
	fix := fmt.Sprintf(`-- Migration 1: a plain column that a trigger keeps up to date; no row is touched.
ALTER TABLE %[1]s ADD COLUMN %[2]s %[3]s;
CREATE FUNCTION %[4]s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.%[2]s := %[5]s;
  RETURN NEW;
END
$$;
CREATE TRIGGER %[6]s BEFORE INSERT OR UPDATE ON %[1]s FOR EACH ROW EXECUTE FUNCTION %[4]s();
-- Backfill existing rows in batches (a separate data migration), repeated until it updates no row:
-- UPDATE %[1]s SET %[2]s = %[7]s WHERE ctid IN (SELECT ctid FROM %[1]s WHERE %[2]s IS DISTINCT FROM (%[7]s) LIMIT %[8]d);`,
		c.Table, col, typ, fn, withInsertions(p.File, exprSpan, ins), sqltext.Ident(fn.Name), expr, batchRows)
	if c.Def.IsNotNull || columnHas(c.Def, pg.ConstrType_CONSTR_NOTNULL) != nil {
		fix += "\n" + notNullSteps(c.Table, c.Def.Colname, 2)
	}
	return fix
}
