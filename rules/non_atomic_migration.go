package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/internal/english"
)

// NonAtomicMigration flags, for a runner that sends a file statement by
// statement (Prisma 7.4+), the first statement that can fail after earlier
// schema changes of the same file have already committed.
var NonAtomicMigration = register(&analysis.Rule{
	ID:       "non-atomic-migration",
	Severity: analysis.Warning,
	Summary:  "statement that can fail after earlier statements of its file committed (Prisma 7.4+ runs files statement by statement)",
	Doc: "Prisma 7.4 and later send each statement of a migration.sql on its own, so each commits by itself " +
		"(prisma-engines PR #5767). When a later statement fails — on existing data (NULLs under SET NOT NULL, " +
		"duplicates under a unique index, rows a CHECK or foreign key rejects, values a cast cannot convert, a new " +
		"NOT NULL column on a table with rows) or on a lock timeout — the statements before it stay applied, the " +
		"migration's row in _prisma_migrations is marked failed, and every later `prisma migrate deploy` stops with " +
		"P3009. Marking it rolled back and deploying again runs the whole file from the top, which now fails on the " +
		"objects the first run already created. Prisma before 7.4 ran the file as one transaction, so the same file " +
		"used to be all or nothing. Wrap the file in BEGIN ... COMMIT (when it holds no CONCURRENTLY statement), " +
		"split it into migrations that each can fail alone, or make the statements idempotent (IF NOT EXISTS) so " +
		"that a re-run succeeds. The rule speaks only for runners that split files: deployed-by = \"prisma@7.4.0\" " +
		"or later, or that version in package.json.",
	Bad: `SET lock_timeout = '5s';

-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;

-- CreateIndex
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");`,
	Good: `SET lock_timeout = '5s';

-- AlterTable
ALTER TABLE "Post" ADD COLUMN IF NOT EXISTS "slug" TEXT;

-- CreateIndex
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_title_idx" ON "Post"("title");`,
	ExampleRunner: "prisma@7.8.0",
	Requires:      []analysis.Result{nonAtomicResult},
	Run:           runNonAtomicMigration,
})

func runNonAtomicMigration(p *analysis.Pass) {
	if !p.Plan.Runner.Splits() || p.Plan.Mode != execution.Statements || p.File.NoTransaction {
		return
	}
	first := nonAtomicResult.Of(p)
	if first.at != p.Stmt.Index {
		return
	}
	why, applied := first.why, first.applied
	lines := make([]string, len(applied))
	for k, j := range applied {
		lines[k] = fmt.Sprint(p.File.Position(p.File.Stmts[j].Start).Line)
	}
	p.ReportStmt(analysis.Report{
		Message: fmt.Sprintf("%s sends each statement of this file on its own, and each commits by itself: if this statement fails "+
			"(%s), %s, the migration's row in _prisma_migrations is marked failed, "+
			"every later `prisma migrate deploy` stops with P3009, and after `prisma migrate resolve --rolled-back` a "+
			"re-deploy runs the file again from the top and fails on what the first run already created",
			p.Plan.Runner.Name(), why, appliedWords(lines)),
		Help: nonAtomicHelp(p),
		Fix:  nonAtomicFix(p),
	})
}

// committedChanges returns the earlier statements of the file that change
// the schema and have committed by the time statement i runs.
func committedChanges(p *analysis.Pass, i int) []int {
	var out []int
	for _, j := range p.Plan.CommittedBefore(i) {
		if n := p.File.Stmts[j].Node; changesSchema(n) && !idempotent(n) {
			out = append(out, j)
		}
	}
	return out
}

// nonAtomic is the first statement of a file that can fail after a
// committed schema change: at is -1 when none can.
type nonAtomic struct {
	at      int
	why     string
	applied []int
}

// nonAtomicResult finds it once per file, so that the file gets one
// finding and its statements are not analysed again for each statement.
var nonAtomicResult = analysis.NewResult("first statement that can fail after committed changes", func(p *analysis.Pass) nonAtomic {
	for i := range p.File.Stmts {
		applied := committedChanges(p, i)
		if len(applied) == 0 {
			continue
		}
		if why := canFail(p, i); why != "" {
			return nonAtomic{at: i, why: why, applied: applied}
		}
	}
	return nonAtomic{at: -1}
}, locksResult, lockTimeoutSetResult)

// changesSchema reports whether a statement is DDL: anything but queries,
// data changes, settings and transaction control.
func changesSchema(n *pg.Node) bool {
	switch n.Node.(type) {
	case *pg.Node_SelectStmt, *pg.Node_InsertStmt, *pg.Node_UpdateStmt, *pg.Node_DeleteStmt, *pg.Node_MergeStmt,
		*pg.Node_VariableSetStmt, *pg.Node_VariableShowStmt, *pg.Node_TransactionStmt, *pg.Node_ExplainStmt,
		*pg.Node_LockStmt, *pg.Node_VacuumStmt, *pg.Node_NotifyStmt:
		return false
	}
	return true
}

// canFail says why statement i can fail where the schema before the file
// holds data, or returns "" when it cannot be expected to fail.
func canFail(p *analysis.Pass, i int) string {
	s := p.File.Stmts[i]
	cat := p.SchemaAt(i)
	empty := provenEmpty(p, i)
	old := func(rv *pg.RangeVar) bool {
		return rv != nil && !cat.IsNew(catalog.RangeName(rv)) && !empty[catalog.RangeName(rv)]
	}
	switch n := s.Node.Node.(type) {
	case *pg.Node_AlterTableStmt:
		if n.AlterTableStmt.Objtype == pg.ObjectType_OBJECT_TABLE && old(n.AlterTableStmt.Relation) {
			table := catalog.RangeName(n.AlterTableStmt.Relation)
			fresh := freshColumns(p, i, table)
			if why := alterCanFail(n.AlterTableStmt, fresh); why != "" && !recreatesCheckedKey(p, table, n.AlterTableStmt) &&
				!widensOnly(cat, table, n.AlterTableStmt) {
				return why
			}
		}
	case *pg.Node_IndexStmt:
		fresh := freshColumns(p, i, catalog.RangeName(n.IndexStmt.Relation))
		if n.IndexStmt.Unique && old(n.IndexStmt.Relation) && !allFresh(indexParamNames(n.IndexStmt), fresh) {
			return "on duplicate values in existing rows"
		}
	}
	if lockTimeoutSetResult.Of(p)[i] && locksExisting(p, i) {
		return "on the lock_timeout this file sets, while a query holds the table"
	}
	return ""
}

// provenEmpty are the tables an earlier statement of the file could only
// have changed if they held no row: a NOT NULL column added without a
// default fails on any row, so past it the table is empty and nothing later
// can fail on its data.
func provenEmpty(p *analysis.Pass, i int) map[catalog.Name]bool {
	out := map[catalog.Name]bool{}
	for _, s := range p.File.Stmts[:i] {
		if a := s.Node.GetAlterTableStmt(); a != nil && a.Relation != nil && alterCanFail(a, nil) == requiredColumn {
			out[catalog.RangeName(a.Relation)] = true
		}
	}
	return out
}

// requiredColumn is why a NOT NULL column without a default fails.
const requiredColumn = "a NOT NULL column without a default fails on any existing row"

// recreatesCheckedKey reports whether an ALTER TABLE only adds back foreign
// keys the table had, valid, before the file, over the same columns and
// referenced table: the rows passed that check already (Prisma drops and
// re-adds a foreign key to change its ON DELETE action).
func recreatesCheckedKey(p *analysis.Pass, table catalog.Name, a *pg.AlterTableStmt) bool {
	before := p.Before.Table(table)
	if before == nil {
		return false
	}
	for _, c := range a.Cmds {
		k := c.GetAlterTableCmd().GetDef().GetConstraint()
		if k == nil || k.Contype != pg.ConstrType_CONSTR_FOREIGN || k.Pktable == nil {
			return false
		}
		cols, ref := stringFields(k.FkAttrs), catalog.RangeName(k.Pktable)
		if !slices.ContainsFunc(before.Constraints, func(old catalog.Constraint) bool {
			return old.Kind == catalog.ForeignKey && old.Validated && old.RefTable == ref && slices.Equal(old.Columns, cols)
		}) {
			return false
		}
	}
	return len(a.Cmds) > 0
}

// widensOnly reports whether an ALTER TABLE only changes column types to
// ones that hold every value of the old type, so the cast cannot fail.
func widensOnly(cat *catalog.Catalog, table catalog.Name, a *pg.AlterTableStmt) bool {
	t := cat.Table(table)
	if t == nil {
		return false
	}
	for _, c := range a.Cmds {
		cmd := c.GetAlterTableCmd()
		col := t.Column(cmd.GetName())
		def := cmd.GetDef().GetColumnDef()
		if cmd.GetSubtype() != pg.AlterTableType_AT_AlterColumnType || col == nil || def == nil ||
			!widens(col.Type, cat.TypeOf(def.TypeName)) {
			return false
		}
	}
	return len(a.Cmds) > 0
}

// widerThan lists, for a type, the types that hold all its values.
var widerThan = map[string][]string{
	"int2": {"int4", "int8", "numeric"}, "int4": {"int8", "numeric"}, "int8": {"numeric"},
	"float4": {"float8"}, "timestamp": {"timestamptz"}, "varchar": {"text"}, "bpchar": {"text", "varchar"},
}

// widens reports whether to holds every value of from: text holds anything,
// a type holds itself with no or a larger length, and widerThan.
func widens(from, to catalog.Type) bool {
	switch {
	case from.Name == "" || to.Name == "" || from.Array != to.Array:
		return false
	case to.Name == "text" && !to.Array:
		return true
	case from.Name == to.Name:
		return len(to.Mods) == 0 || len(from.Mods) == 1 && len(to.Mods) == 1 && to.Mods[0] >= from.Mods[0] &&
			from.Name != "numeric" && from.Name != "timestamp" && from.Name != "timestamptz"
	}
	return slices.Contains(widerThan[from.Name], to.Name) && (len(to.Mods) == 0 || slices.Equal(from.Mods, to.Mods))
}

// allFresh reports whether every column named is fresh (and some are).
func allFresh(cols []string, fresh map[string]bool) bool {
	for _, c := range cols {
		if !fresh[c] {
			return false
		}
	}
	return len(cols) > 0
}

// indexParamNames are the plain columns of an index; an expression makes
// the list empty.
func indexParamNames(ix *pg.IndexStmt) []string {
	var out []string
	for _, e := range ix.IndexParams {
		el := e.GetIndexElem()
		if el == nil || el.Name == "" {
			return nil
		}
		out = append(out, el.Name)
	}
	return out
}

// constraintColumns are the columns a constraint checks: its keys, its
// foreign key columns, or the columns its CHECK expression reads.
func constraintColumns(k *pg.Constraint) []string {
	switch k.Contype {
	case pg.ConstrType_CONSTR_FOREIGN:
		return stringFields(k.FkAttrs)
	case pg.ConstrType_CONSTR_UNIQUE:
		return stringFields(k.Keys)
	case pg.ConstrType_CONSTR_CHECK:
		// Only operators, which yield NULL (and so pass) on NULL input; a
		// NULL test, COALESCE or function may reject a NULL.
		var out []string
		strict := true
		walkNodes(k.RawExpr, func(n *pg.Node) {
			switch n.Node.(type) {
			case *pg.Node_ColumnRef:
				if f := stringFields(n.GetColumnRef().Fields); len(f) > 0 {
					out = append(out, f[len(f)-1])
				}
			case *pg.Node_AExpr, *pg.Node_AConst, *pg.Node_TypeCast, *pg.Node_TypeName, *pg.Node_String_, *pg.Node_Integer, *pg.Node_List:
			default:
				strict = false
			}
		})
		if !strict {
			return nil
		}
		return out
	}
	return nil
}

// alterCanFail says why an ALTER TABLE on an existing table can fail on its
// rows, or "". Constraints over fresh columns only cannot fail.
func alterCanFail(a *pg.AlterTableStmt, fresh map[string]bool) string {
	for _, c := range a.Cmds {
		cmd := c.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		switch cmd.Subtype {
		case pg.AlterTableType_AT_AddColumn:
			if d := cmd.Def.GetColumnDef(); d != nil && columnHas(d, pg.ConstrType_CONSTR_NOTNULL) != nil &&
				columnHas(d, pg.ConstrType_CONSTR_DEFAULT) == nil && columnHas(d, pg.ConstrType_CONSTR_IDENTITY) == nil &&
				!catalog.IsSerial(d.TypeName) {
				return requiredColumn
			}
		case pg.AlterTableType_AT_SetNotNull:
			return "on NULLs in existing rows"
		case pg.AlterTableType_AT_AlterColumnType:
			return "on a value the new type cannot hold"
		case pg.AlterTableType_AT_ValidateConstraint:
			return "on rows the constraint rejects"
		case pg.AlterTableType_AT_AddConstraint:
			if k := cmd.Def.GetConstraint(); k != nil && !k.SkipValidation && !allFresh(constraintColumns(k), fresh) {
				switch k.Contype {
				case pg.ConstrType_CONSTR_PRIMARY, pg.ConstrType_CONSTR_UNIQUE:
					return "on duplicate values in existing rows"
				case pg.ConstrType_CONSTR_CHECK, pg.ConstrType_CONSTR_FOREIGN, pg.ConstrType_CONSTR_EXCLUSION:
					return "on existing rows the constraint rejects"
				}
			}
		}
	}
	return ""
}

// locksExisting reports whether statement i locks a table that existed
// before the file.
func locksExisting(p *analysis.Pass, i int) bool {
	for _, l := range locksAt(p, i) {
		if !p.SchemaAt(i).IsNew(l.Table) {
			return true
		}
	}
	return false
}

func nonAtomicHelp(p *analysis.Pass) string {
	wrap := "Wrap the file in BEGIN ... COMMIT, so that it is all or nothing again (the fix below)"
	if execution.HoldsNonTransactional(p.File, p.PGVersion) {
		wrap = "Split the file: this file holds a statement that cannot run in a transaction, so it cannot be wrapped " +
			"in BEGIN ... COMMIT; move the statements that can fail into a migration of their own, wrapped in BEGIN ... COMMIT"
	}
	return wrap + "; or make every statement idempotent (CREATE ... IF NOT EXISTS, ADD COLUMN IF NOT EXISTS, DROP ... IF EXISTS) " +
		"so that a re-run succeeds. If a deploy already failed here: bring the database to the state before the file " +
		"(undo the statements that stayed applied) and run `prisma migrate resolve --rolled-back <migration>`, then fix the " +
		"data and deploy again; or finish the file's remaining statements by hand and run " +
		"`prisma migrate resolve --applied <migration>`."
}

// nonAtomicFix is the file wrapped in BEGIN ... COMMIT, or "" when it
// cannot be wrapped.
func nonAtomicFix(p *analysis.Pass) string {
	if execution.HoldsNonTransactional(p.File, p.PGVersion) || len(p.File.Stmts) == 0 {
		return ""
	}
	last := p.File.Stmts[len(p.File.Stmts)-1]
	body := strings.TrimSpace(p.File.Src[:last.End] + terminator(p.File, last))
	return "BEGIN;\n\n" + body + "\n\nCOMMIT;"
}

// appliedWords names the committed statements by line: "the schema change
// on line 2", "the 2 schema changes on lines 2 and 5".
func appliedWords(lines []string) string {
	if len(lines) == 1 {
		return "the schema change on line " + lines[0] + " before it stays applied"
	}
	return fmt.Sprintf("the %d schema changes on lines %s before it stay applied", len(lines), english.Join(lines))
}

// idempotent reports whether a statement succeeds when run again after it
// committed: CREATE ... IF NOT EXISTS, ADD COLUMN IF NOT EXISTS, DROP ... IF
// EXISTS, CREATE OR REPLACE.
func idempotent(n *pg.Node) bool {
	switch s := n.Node.(type) {
	case *pg.Node_CreateStmt:
		return s.CreateStmt.IfNotExists
	case *pg.Node_IndexStmt:
		return s.IndexStmt.IfNotExists
	case *pg.Node_CreateSeqStmt:
		return s.CreateSeqStmt.IfNotExists
	case *pg.Node_CreateExtensionStmt:
		return s.CreateExtensionStmt.IfNotExists
	case *pg.Node_CreateSchemaStmt:
		return s.CreateSchemaStmt.IfNotExists
	case *pg.Node_DropStmt:
		return s.DropStmt.MissingOk
	case *pg.Node_CreateFunctionStmt:
		return s.CreateFunctionStmt.Replace
	case *pg.Node_ViewStmt:
		return s.ViewStmt.Replace
	case *pg.Node_AlterTableStmt:
		for _, c := range s.AlterTableStmt.Cmds {
			cmd := c.GetAlterTableCmd()
			if cmd == nil || !cmd.MissingOk {
				return false
			}
		}
		return len(s.AlterTableStmt.Cmds) > 0
	}
	return false
}
