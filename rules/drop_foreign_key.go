package rules

import (
	"fmt"
	"slices"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/locks"
)

// DropForeignKey flags a foreign key dropped for good from an existing table.
var DropForeignKey = register(&analysis.Rule{
	ID:       "drop-foreign-key",
	Severity: analysis.Warning,
	Summary:  "foreign key dropped from an existing table",
	Doc: "Dropping a foreign key takes ACCESS EXCLUSIVE locks on both the table and the table it references (its " +
		"triggers live on both): the drop itself is quick, but it waits behind any long query on either table while " +
		"every later read and write of both queues behind it. From then on PostgreSQL no longer checks the references " +
		"and no longer applies their ON DELETE / ON UPDATE actions, so code still relying on a cascade leaves orphan " +
		"rows. Prisma emits `-- DropForeignKey` before dropping a table or a column (the key would go with it) and " +
		"before adding a changed key back; those are not reported: the rule reports a key that the migration drops " +
		"for good. A drop under a `SET lock_timeout` of the same file (lock-timeout-value judges its value) is done " +
		"the way the rule asks, and is not reported either.",
	Bad: `-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";`,
	Good: `-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE NOT VALID;`,
	Requires: []analysis.Result{alterCmdsResult, lockTimeoutSetResult},
	Run:      runDropForeignKey,
})

func runDropForeignKey(p *analysis.Pass) {
	if lockTimeoutSetResult.Of(p)[p.Stmt.Index] {
		return // the drop gives up instead of queueing: what the fix asks for
	}
	cmds := alterCmds(p)
	for i, c := range cmds {
		if !dropsConstraint(p, c, catalog.ForeignKey) {
			continue
		}
		k := p.Schema.Table(c.Table).Constraint(c.Cmd.Name)
		if fkMoot(p, cmds[i+1:], c.Table, *k) {
			continue
		}
		tables := []catalog.Name{c.Table}
		if k.RefTable != c.Table && k.RefTable != (catalog.Name{}) {
			tables = append(tables, k.RefTable)
		}
		names := joinNames(tables)
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("dropping foreign key %s takes ACCESS EXCLUSIVE locks on %s, which %s while it waits for running "+
				"queries; afterwards nothing checks that %s.(%s) points at existing rows of %s, and its ON DELETE / ON UPDATE "+
				"actions stop", sqltext.Ident(c.Cmd.Name), names, locks.AccessExclusive.Blocks().On(names), c.Table,
				english.Join(sqltext.Idents(k.Columns)), k.RefTable),
			Help: "First deploy code that no longer relies on the key (its checks or its cascades), then drop it in a later " +
				"migration with a short lock_timeout, so the drop gives up instead of queueing every query of both tables " +
				"behind a long one. If the key is being changed, add the new one in the same migration (NOT VALID, validated " +
				"later) and this finding goes away. " + prismaEdit,
			Fix: setLockTimeout(p) + fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", c.Table, sqltext.Ident(c.Cmd.Name)),
		})
	}
}

// fkMoot reports whether the foreign key would go anyway or comes back: a
// later clause or statement of the file drops its table, the table it
// references or one of its columns, or adds a foreign key on the same
// columns or to the same table, following the renames of the file in
// between (a key dropped and re-created on a renamed column is replaced,
// not dropped).
func fkMoot(p *analysis.Pass, rest []alterCmd, table catalog.Name, k catalog.Constraint) bool {
	for _, c := range rest {
		if fkClauseMoot(c.Cmd, k) {
			return true
		}
	}
	k.Columns = slices.Clone(k.Columns)
	for _, s := range p.File.Stmts[p.Stmt.Index+1:] {
		if d := s.Node.GetDropStmt(); d != nil && d.RemoveType == pg.ObjectType_OBJECT_TABLE {
			for _, obj := range d.Objects {
				if n := catalog.QualifiedName(obj.GetList().GetItems()); n == table || n == k.RefTable {
					return true
				}
			}
		}
		if r := s.Node.GetRenameStmt(); r != nil {
			table = followRename(r, table, &k)
			continue
		}
		a := s.Node.GetAlterTableStmt()
		if a == nil || catalog.RangeName(a.Relation) != table {
			continue
		}
		for _, n := range a.Cmds {
			if fkClauseMoot(n.GetAlterTableCmd(), k) {
				return true
			}
		}
	}
	return false
}

// followRename applies a RENAME to the key's table, referenced table and
// columns, and returns the table's name after it.
func followRename(r *pg.RenameStmt, table catalog.Name, k *catalog.Constraint) catalog.Name {
	on := catalog.RangeName(r.Relation)
	switch r.RenameType {
	case pg.ObjectType_OBJECT_TABLE:
		renamed := catalog.Name{Schema: on.Schema, Name: r.Newname}
		if on == k.RefTable {
			k.RefTable = renamed
		}
		if on == table {
			return renamed
		}
	case pg.ObjectType_OBJECT_COLUMN:
		if on == table {
			for i, c := range k.Columns {
				if c == r.Subname {
					k.Columns[i] = r.Newname
				}
			}
		}
	}
	return table
}

// fkClauseMoot reports a clause, on the key's table, that drops one of the
// key's columns or adds a foreign key sharing a column or the referenced
// table.
func fkClauseMoot(cmd *pg.AlterTableCmd, k catalog.Constraint) bool {
	switch cmd.GetSubtype() {
	case pg.AlterTableType_AT_DropColumn:
		return slices.Contains(k.Columns, cmd.Name)
	case pg.AlterTableType_AT_AddConstraint:
		add := cmd.Def.GetConstraint()
		if add.GetContype() != pg.ConstrType_CONSTR_FOREIGN {
			return false
		}
		if catalog.RangeName(add.Pktable) == k.RefTable {
			return true
		}
		for _, n := range add.FkAttrs {
			if slices.Contains(k.Columns, n.GetString_().GetSval()) {
				return true
			}
		}
	}
	return false
}
