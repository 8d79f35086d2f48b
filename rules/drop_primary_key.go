package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DropPrimaryKey flags dropping the primary key of an existing table, alone
// or to replace it with one built under the ALTER TABLE's lock.
var DropPrimaryKey = register(&analysis.Rule{
	ID:             "drop-primary-key",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "primary key of an existing table dropped or rebuilt under lock",
	Doc: "Prisma changes a primary key (a new @id or @@id) with `DROP CONSTRAINT \"T_pkey\", ADD CONSTRAINT \"T_pkey\" " +
		"PRIMARY KEY (...)`: the new key's unique index is built while the ALTER TABLE holds an ACCESS EXCLUSIVE lock, " +
		"so every read and write of the table waits for the whole build, and the build fails with SQLSTATE 23505 on " +
		"duplicate keys (23502 on NULLs). Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then swap the " +
		"constraint onto it with `ADD CONSTRAINT ... PRIMARY KEY USING INDEX`, which takes the lock only for a moment. " +
		"While foreign keys still reference the old key, the drop fails with SQLSTATE 2BP01. Dropped for good, the " +
		"table loses its identity: duplicates are no longer refused, and UPDATE and DELETE fail (SQLSTATE 55000) on " +
		"a table published for logical replication without another replica identity.",
	Bad: `/*
  Warnings:

  - The primary key for the ` + "`Post`" + ` table will be changed. If it partially fails, the table could be left without primary key constraint.

*/
-- AlterTable
ALTER TABLE "Post" DROP CONSTRAINT "Post_pkey",
ADD CONSTRAINT "Post_pkey" PRIMARY KEY ("id", "authorId");`,
	Good: `-- Swap onto an index built beforehand with CREATE UNIQUE INDEX CONCURRENTLY "Post_pkey_new" ON "Post"("id", "authorId"):
ALTER TABLE "Post" DROP CONSTRAINT "Post_pkey",
ADD CONSTRAINT "Post_pkey" PRIMARY KEY USING INDEX "Post_pkey_new";`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runDropPrimaryKey,
})

func runDropPrimaryKey(p *analysis.Pass) {
	cmds := alterCmds(p)
	for i, c := range cmds {
		if !dropsConstraint(p, c, catalog.PrimaryKey) {
			continue
		}
		next := addedPrimaryKey(p, cmds[i+1:], c.Table)
		refs := referencingFKs(p.Schema, c.Table)
		var problems []string
		var im *analysis.Impact
		if len(refs) > 0 && c.Cmd.Behavior != pg.DropBehavior_DROP_CASCADE {
			problems = append(problems, fmt.Sprintf("it fails with 2BP01 (cannot drop constraint because other objects "+
				"depend on it) while %s references the key: drop those foreign keys first and add them back after",
				english.Join(fkNames(refs))))
		}
		switch {
		case next == nil:
			problems = append(problems, fmt.Sprintf("%s is left without a primary key: duplicate rows are no longer "+
				"refused, and if the table is published for logical replication its UPDATE and DELETE fail with 55000", c.Table))
		case next.Indexname == "":
			problems = append(problems, fmt.Sprintf("the new PRIMARY KEY (%s) builds its unique index while the ALTER TABLE "+
				"holds an ACCESS EXCLUSIVE lock on %s, so reads and writes on %[2]s block for the whole build, which fails "+
				"with 23505 on duplicate keys", strings.Join(sqltext.Idents(keyColumns(next)), ", "), c.Table))
			im = impactOn(p, c.Table, analysis.UniqueIndexBuild)
			im.KeepSeverity = true // the build fails on duplicate keys
			if held := heldElsewhere(p); len(held) > 0 {
				problems = append(problems, "the whole build also runs under "+describeLocks(p, held))
			}
		}
		if len(problems) == 0 {
			continue
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("dropping primary key %s of %s: %s", sqltext.Ident(c.Cmd.Name), c.Table,
				strings.Join(problems, "; ")),
			Help: "Build the new key's index first with CREATE UNIQUE INDEX CONCURRENTLY (a migration of its own: writes go on), " +
				"then swap the constraint onto it with ADD CONSTRAINT ... PRIMARY KEY USING INDEX, which locks the table only " +
				"for a moment. Never leave a table without a primary key. " + prismaEdit,
			Fix:    primaryKeySwapFix(setLockTimeout(p), c.Table, c.Cmd.Name, next, refs),
			Impact: im,
		})
	}
}

// addedPrimaryKey finds the PRIMARY KEY that replaces a dropped one: in the
// statement's later clauses, or in a later statement of the file.
func addedPrimaryKey(p *analysis.Pass, rest []alterCmd, table catalog.Name) *pg.Constraint {
	for _, c := range rest {
		if k := c.Cmd.Def.GetConstraint(); c.Cmd.Subtype == pg.AlterTableType_AT_AddConstraint && k.GetContype() == pg.ConstrType_CONSTR_PRIMARY {
			return k
		}
	}
	for _, s := range p.File.Stmts[p.Stmt.Index+1:] {
		a := s.Node.GetAlterTableStmt()
		if a == nil || catalog.RangeName(a.Relation) != table {
			continue
		}
		for _, n := range a.Cmds {
			cmd := n.GetAlterTableCmd()
			if k := cmd.GetDef().GetConstraint(); cmd.GetSubtype() == pg.AlterTableType_AT_AddConstraint && k.GetContype() == pg.ConstrType_CONSTR_PRIMARY {
				return k
			}
		}
	}
	return nil
}

func fkNames(refs []fkRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = "foreign key " + r.String()
	}
	return out
}

// primaryKeySwapFix builds the new key's index concurrently and swaps the
// constraint onto it.
func primaryKeySwapFix(lockTimeout string, t catalog.Name, name string, next *pg.Constraint, refs []fkRef) string {
	if next == nil || len(next.Keys) == 0 {
		return "-- Keep a primary key: if the table needs another one, build its index first:\n" +
			"-- CREATE UNIQUE INDEX CONCURRENTLY ... ; then ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING INDEX ..."
	}
	newName := name
	if next.Conname != "" {
		newName = next.Conname
	}
	idx := catalog.Name{Schema: t.Schema, Name: newName + "_new"}
	drops := ""
	for _, r := range refs {
		drops += fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s; -- add it back after the swap, NOT VALID\n", r.Table, sqltext.Ident(r.Name))
	}
	return fmt.Sprintf(`-- Migration 1, alone in its file (CONCURRENTLY cannot run in a transaction); writes go on while it builds:
CREATE UNIQUE INDEX CONCURRENTLY %[3]s ON %[1]s (%[4]s);
-- Migration 2: swap the key onto the index (the columns must be NOT NULL already); a brief lock, no build:
%[6]s%[7]sALTER TABLE %[1]s DROP CONSTRAINT %[2]s,
ADD CONSTRAINT %[5]s PRIMARY KEY USING INDEX %[3]s;`,
		t, sqltext.Ident(name), sqltext.Ident(idx.Name), strings.Join(sqltext.Idents(keyColumns(next)), ", "), sqltext.Ident(newName), lockTimeout, drops)
}
