package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// EnumValueRemoval flags Prisma's enum replacement block: a new enum type,
// every column converted to it, and the types renamed and dropped.
var EnumValueRemoval = register(&analysis.Rule{
	ID:       "enum-value-removal",
	Severity: analysis.Warning,
	Summary:  "enum value removed (or enum reordered) by replacing the type, rewriting every table that uses it",
	Doc: "PostgreSQL cannot drop a value from an enum, so Prisma replaces the type: `CREATE TYPE \"E_new\"`, " +
		"`ALTER TABLE ... ALTER COLUMN ... TYPE \"E_new\" USING (col::text::\"E_new\")` for every column of the " +
		"enum, then renames and drops the old type. Each ALTER COLUMN rewrites its table and rebuilds its " +
		"indexes under an ACCESS EXCLUSIVE lock, so reads and writes of those tables wait until it is done. A row " +
		"still holding a removed value makes the cast fail with `invalid input value for enum` (SQLSTATE 22P02) " +
		"and the migration with it; once it has run, instances still running the old code fail the same way when " +
		"they write a removed value. The rule reports the whole block once, at its first ALTER COLUMN ... TYPE of a table " +
		"with rows (the statement that rewrites), with the locks it holds until it commits; column-type-rewrite, long-access-exclusive and many-access-exclusive leave the block's " +
		"own statements and locks to it. Reordering values by hand with the same block is " +
		"reported for the rewrite alone.",
	Bad: `/*
  Warnings:

  - The values [ADMIN] on the enum ` + "`Role`" + ` will be removed. If these variants are still used in the database, this will fail.

*/
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;`,
	Good: `-- Step 1 of removing ADMIN, once no deployed code writes it: move the rows that hold it, in batches
-- (repeat until it updates no row). The value itself can stay in the type, unused.
UPDATE "User" SET "role" = 'USER' WHERE "id" IN (SELECT "id" FROM "User" WHERE "role" = 'ADMIN' LIMIT 10000);`,
	Requires: []analysis.Result{enumSwapsResult, locksResult, heldPrefixResult},
	Run:      runEnumValueRemoval,
})

// runEnumValueRemoval reports a block at its first ALTER COLUMN ... TYPE of
// a table that may hold rows: the statement that rewrites, which a reviewer
// must change.
func runEnumValueRemoval(p *analysis.Pass) {
	if p.Stmt.Node.GetAlterTableStmt() == nil {
		return
	}
	for _, sw := range enumSwapsResult.Of(p) {
		var rewritten []colKey
		at := -1
		for i, c := range sw.Columns {
			if existing(p, c.Table) {
				rewritten = append(rewritten, c)
				if at < 0 {
					at = sw.ColumnAt[i]
				}
			}
		}
		if at == p.Stmt.Index {
			reportEnumSwap(p, sw, rewritten, removedValues(p, sw))
		}
	}
}

// removedValues returns the old enum's values that the new type lacks, or
// nil when the history does not know the old enum.
func removedValues(p *analysis.Pass, sw enumSwap) []string {
	old := p.Schema.Enum(sw.Old)
	if old == nil {
		return nil
	}
	var out []string
	for _, v := range old.Values {
		if !slices.Contains(sw.Values, v) {
			out = append(out, v)
		}
	}
	return out
}

func reportEnumSwap(p *analysis.Pass, sw enumSwap, cols []colKey, removed []string) {
	rewrite := swapRewrite(p, sw, dedupe(tableNames(cols)))
	var msg string
	if len(removed) == 0 {
		msg = fmt.Sprintf("replacing enum %s by %s (no value removed) %s", sw.Old, sw.New, rewrite)
	} else {
		msg = fmt.Sprintf("removing %s from enum %s %s; a row of %s still holding %s makes the cast fail with 22P02 "+
			"\"invalid input value for enum\" and the migration with it, and instances still running the old code fail the "+
			"same way when they write it", quotedValues(removed), sw.Old, rewrite, columnList(cols), orList(removed))
	}
	p.ReportStmt(analysis.Report{
		Message: msg,
		Help: "First deploy code that no longer writes the removed values, and move the rows that hold them to another value " +
			"with a batched data migration; check that none is left (query below). The replacement still rewrites the tables: " +
			"on large tables, rather keep the obsolete value in the database type and in schema.prisma (commented as " +
			"deprecated), which needs no migration, or run the block with a short lock_timeout at a quiet time. " + prismaEdit,
		Fix:    enumSwapFix(setLockTimeout(p), sw, cols, removed),
		Impact: enumSwapImpact(p, sw, dedupeNames(cols), len(removed) > 0),
	})
}

// enumSwapImpact is the rewrite of each table of the block under its
// ACCESS EXCLUSIVE lock: in one transaction the first table stays locked
// until the last rewrite is done. When values are removed its severity is
// kept: the cast fails on a row holding one, and the running release may
// still write one.
func enumSwapImpact(p *analysis.Pass, sw enumSwap, tables []catalog.Name, removes bool) *analysis.Impact {
	im := impactOn(p, tables[0], analysis.Rewrite)
	if p.Tx[sw.First].InTx && p.Tx[sw.First].ID == p.Tx[sw.Last].ID && len(tables) > 1 {
		im.Op = 0
		for _, t := range tables {
			im.Held = append(im.Held, analysis.Work{Table: t, Op: analysis.Rewrite})
		}
	}
	im.KeepSeverity = removes
	return im
}

// dedupeNames returns the tables of cols, each once, in order.
func dedupeNames(cols []colKey) []catalog.Name {
	var out []catalog.Name
	for _, c := range cols {
		if !slices.Contains(out, c.Table) {
			out = append(out, c.Table)
		}
	}
	return out
}

// swapRewrite says what the block's rewrites do to tables. The lock rules
// leave the locks the block takes to this rule, so it says how long they
// last and, for manyTables tables, that they can deadlock.
func swapRewrite(p *analysis.Pass, sw enumSwap, tables []string) string {
	list := english.Join(tables)
	if len(tables) == 1 || !p.Tx[sw.First].InTx || p.Tx[sw.First].ID != p.Tx[sw.Last].ID {
		return fmt.Sprintf("rewrites %s and rebuilds the indexes under an ACCESS EXCLUSIVE lock: reads and writes on %s "+
			"block until the rewrite is done", list, list)
	}
	msg := fmt.Sprintf("rewrites %s one after another and rebuilds their indexes, each under an ACCESS EXCLUSIVE lock held "+
		"until the block commits: reads and writes on all of them block until the last rewrite is done", list)
	if len(tables) >= manyTables {
		msg += ", and an application transaction using these tables in another order can deadlock with it (SQLSTATE 40P01)"
	}
	return msg
}

func enumSwapFix(lockTimeout string, sw enumSwap, cols []colKey, removed []string) string {
	var b strings.Builder
	if len(removed) > 0 {
		b.WriteString("-- Before deploying, each query must return 0 (move those rows first, in batches):\n")
		for _, c := range cols {
			fmt.Fprintf(&b, "SELECT count(*) FROM %s WHERE %s::text IN (%s);\n", c.Table, sqltext.Ident(c.Col), quotedValues(removed))
		}
	}
	b.WriteString("-- Then let the replacement give up instead of queueing every query of the tables behind it:\n")
	b.WriteString(strings.TrimSuffix(lockTimeout, "\n"))
	return b.String()
}

func tableNames(cols []colKey) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Table.String()
	}
	return out
}

// orList renders values as 'A' or 'A' or 'B'.
func orList(vals []string) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = sqltext.Literal(v)
	}
	return strings.Join(parts, " or ")
}
