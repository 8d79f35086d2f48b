package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// batchRows is how many rows one batch of a data migration changes: small
// enough that each batch's row locks and WAL stay short.
const batchRows = 10000

// batchRepeat introduces a batched statement.
const batchRepeat = "-- Run after this migration, outside it, repeated until it changes no row; each run is its own short\n" +
	"-- transaction (a script or job: psql -c '<statement>' in a loop), so locks and WAL stay small:\n"

// prismaBatches is the Prisma workflow for taking a data change out of a
// migration and running it in batches.
const prismaBatches = "With Prisma: create the migration with `prisma migrate dev --create-only`, delete this statement from " +
	"migration.sql, apply it with `prisma migrate dev`, and run the batches below after `prisma migrate deploy` (a " +
	"migration of its own would still run as one transaction)."

// batchedStatement rewrites an UPDATE or DELETE so that one run changes at
// most batchRows rows and repeated runs finish: an UPDATE skips the rows
// that already hold the new values, a DELETE's rows are gone. It returns ""
// for other statements or when the rewrite cannot be rendered.
func batchedStatement(cat *catalog.Catalog, n *pg.Node) string {
	var out *pg.Node
	switch s := n.Node.(type) {
	case *pg.Node_UpdateStmt:
		out = batchedUpdate(cat, s.UpdateStmt)
	case *pg.Node_DeleteStmt:
		out = batchedDelete(s.DeleteStmt)
	}
	if out == nil {
		return ""
	}
	sql, ok := deparseStmt(out)
	if !ok {
		return ""
	}
	return sql + ";"
}

func batchedUpdate(cat *catalog.Catalog, u *pg.UpdateStmt) *pg.Node {
	for _, f := range u.FromClause {
		if differsPerRun(cat, f) {
			return nil // values joined from a volatile source differ each run: no run would find the rows done
		}
	}
	u = proto.Clone(u).(*pg.UpdateStmt)
	rel := relRef(u.Relation)
	var changed []*pg.Node
	for _, t := range u.TargetList {
		rt := t.GetResTarget()
		if rt == nil || len(rt.Indirection) > 0 || rt.Val.GetMultiAssignRef() != nil {
			return nil
		}
		if differsPerRun(cat, rt.Val) {
			continue // never equal to the stored value: it cannot tell done rows
		}
		changed = append(changed, pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_DISTINCT, []*pg.Node{pg.MakeStrNode("=")},
			column(rel, rt.Name), proto.Clone(rt.Val).(*pg.Node), -1))
	}
	if len(changed) == 0 {
		return nil
	}
	filter := and(clone(u.WhereClause), or(changed))
	u.WhereClause = keepBatch(u.WhereClause, u.FromClause, rel, ctidBatch(u.Relation, u.FromClause, filter))
	return &pg.Node{Node: &pg.Node_UpdateStmt{UpdateStmt: u}}
}

func batchedDelete(d *pg.DeleteStmt) *pg.Node {
	d = proto.Clone(d).(*pg.DeleteStmt)
	rel := relRef(d.Relation)
	d.WhereClause = keepBatch(d.WhereClause, d.UsingClause, rel, ctidBatch(d.Relation, d.UsingClause, clone(d.WhereClause)))
	return &pg.Node{Node: &pg.Node_DeleteStmt{DeleteStmt: d}}
}

// differsPerRun reports an expression whose value changes from one run to
// the next: a volatile call, now(), CURRENT_TIMESTAMP and the like.
func differsPerRun(cat *catalog.Catalog, expr *pg.Node) bool {
	found := volatileCall(cat, expr) != ""
	walkNodes(expr, func(n *pg.Node) {
		if n.GetSqlvalueFunction() != nil {
			found = true
		}
		if parts := stringFields(n.GetFuncCall().GetFuncname()); len(parts) > 0 && slices.Contains(transactionTime, parts[len(parts)-1]) {
			found = true
		}
	})
	return found
}

// transactionTime are the stable functions whose value differs between
// transactions.
var transactionTime = []string{"now", "transaction_timestamp", "statement_timestamp", "current_setting"}

// keepBatch is the outer WHERE of a batched statement: rel's ctid among the
// batch, and the original condition when it joins other tables.
func keepBatch(where *pg.Node, from []*pg.Node, rel string, batch *pg.Node) *pg.Node {
	in := &pg.Node{Node: &pg.Node_SubLink{SubLink: &pg.SubLink{
		SubLinkType: pg.SubLinkType_ANY_SUBLINK, Testexpr: column(rel, "ctid"), Subselect: batch, Location: -1}}}
	if len(from) == 0 {
		return in
	}
	return and(where, in)
}

// ctidBatch selects the ctid of at most batchRows rows of the table that
// match filter, joined with the statement's other tables.
func ctidBatch(table *pg.RangeVar, from []*pg.Node, filter *pg.Node) *pg.Node {
	items := []*pg.Node{{Node: &pg.Node_RangeVar{RangeVar: proto.Clone(table).(*pg.RangeVar)}}}
	for _, f := range from {
		items = append(items, proto.Clone(f).(*pg.Node))
	}
	return &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList:  []*pg.Node{pg.MakeResTargetNodeWithVal(column(relRef(table), "ctid"), -1)},
		FromClause:  items,
		WhereClause: filter,
		LimitCount:  pg.MakeAConstIntNode(batchRows, -1),
		LimitOption: pg.LimitOption_LIMIT_OPTION_COUNT,
	}}}
}

// relRef is how the statement's other clauses name its table: its alias or
// its unqualified name.
func relRef(rv *pg.RangeVar) string {
	if rv.Alias != nil {
		return rv.Alias.Aliasname
	}
	return rv.Relname
}

func column(rel, col string) *pg.Node {
	return pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(rel), pg.MakeStrNode(col)}, -1)
}

func clone(n *pg.Node) *pg.Node {
	if n == nil {
		return nil
	}
	return proto.Clone(n).(*pg.Node)
}

// and combines conditions, skipping absent ones.
func and(conds ...*pg.Node) *pg.Node { return boolExpr(pg.BoolExprType_AND_EXPR, conds) }

func or(conds []*pg.Node) *pg.Node { return boolExpr(pg.BoolExprType_OR_EXPR, conds) }

func boolExpr(op pg.BoolExprType, conds []*pg.Node) *pg.Node {
	var args []*pg.Node
	for _, c := range conds {
		if c != nil {
			args = append(args, c)
		}
	}
	switch len(args) {
	case 0:
		return nil
	case 1:
		return args[0]
	}
	return pg.MakeBoolExprNode(op, args, -1)
}

// batchFix is the Fix of a finding on a data-changing statement: the
// statement in batches, or how to batch an INSERT ... SELECT.
func batchFix(cat *catalog.Catalog, n *pg.Node, table catalog.Name) string {
	if sql := batchedStatement(cat, n); sql != "" {
		return batchRepeat + sql
	}
	if n.GetInsertStmt() == nil {
		return fmt.Sprintf("-- Run it after this migration, outside it, in batches of %d rows, each its own transaction: limit it to a "+
			"key range\n-- (WHERE <key> > <last key done> AND <key> <= <last key done + %d>) and repeat over the keys of %s.",
			batchRows, batchRows, table)
	}
	return fmt.Sprintf("-- Run it after this migration, outside it, in batches of %d rows, each its own transaction: add to the "+
		"SELECT a key range\n-- (WHERE <key> > <last key copied> ORDER BY <key> LIMIT %d) and repeat until it copies no row into %s.",
		batchRows, batchRows, table)
}

// backfillSteps sets def as the default for new rows, backfills the existing
// rows in batches, then restores the NOT NULL and keys that plainColumn left
// out of d.
func backfillSteps(t catalog.Name, d *pg.ColumnDef, def string, keys bool) string {
	col := sqltext.Ident(d.Colname)
	var b strings.Builder
	fmt.Fprintf(&b, `ALTER TABLE %[1]s ALTER COLUMN %[2]s SET DEFAULT %[3]s;
-- Backfill existing rows in batches (a separate data migration), repeated until it updates no row:
-- UPDATE %[1]s SET %[2]s = %[3]s WHERE ctid IN (SELECT ctid FROM %[1]s WHERE %[2]s IS NULL LIMIT %[4]d);`, t, col, def, batchRows)
	if requiredAfterBackfill(d) {
		b.WriteString("\n" + notNullSteps(t, d.Colname, 2))
	}
	if keys {
		b.WriteString("\n-- Then add the column's PRIMARY KEY or UNIQUE constraint without a long lock: " +
			"CREATE UNIQUE INDEX CONCURRENTLY (in a migration of its own), then ALTER TABLE ... ADD CONSTRAINT ... USING INDEX.")
	}
	return b.String()
}

// requiredAfterBackfill reports a column the original statement made NOT NULL.
func requiredAfterBackfill(d *pg.ColumnDef) bool {
	return d.IsNotNull || catalog.IsSerial(d.TypeName) || columnHas(d, pg.ConstrType_CONSTR_NOTNULL) != nil ||
		columnHas(d, pg.ConstrType_CONSTR_PRIMARY) != nil || columnHas(d, pg.ConstrType_CONSTR_IDENTITY) != nil
}
