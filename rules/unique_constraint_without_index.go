package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// UniqueConstraintWithoutIndex flags a UNIQUE or PRIMARY KEY constraint added
// to a table that may hold rows without an index built beforehand.
var UniqueConstraintWithoutIndex = register(&analysis.Rule{
	ID:             "unique-constraint-without-index",
	NamesHeldLocks: true,
	Severity:       analysis.Warning,
	Summary:        "UNIQUE or PRIMARY KEY added to an existing table without USING INDEX",
	Doc: "ADD CONSTRAINT ... UNIQUE, ADD PRIMARY KEY and ADD COLUMN ... UNIQUE build the constraint's index by reading " +
		"every row, and ALTER TABLE holds an ACCESS EXCLUSIVE lock meanwhile: every read and write of the table waits " +
		"for the whole build (a plain CREATE UNIQUE INDEX would at least let reads go on). Prisma generates ADD " +
		"CONSTRAINT ... PRIMARY KEY when an @id changes. Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, " +
		"which lets reads and writes go on, in a migration of its own; then ADD CONSTRAINT ... UNIQUE USING INDEX (or " +
		"PRIMARY KEY USING INDEX) turns it into the constraint with a brief lock and no scan.",
	Bad: `-- AlterTable
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE ("title");`,
	Good: `-- After CREATE UNIQUE INDEX CONCURRENTLY "Post_title_key" ON "Post"("title") in an earlier migration:
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE USING INDEX "Post_title_key";`,
	Requires: []analysis.Result{alterCmdsResult, locksResult, heldPrefixResult, enumSwapsResult},
	Run:      runUniqueConstraintWithoutIndex,
})

func runUniqueConstraintWithoutIndex(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		if !existing(p, c.Table) {
			continue
		}
		switch c.Cmd.Subtype {
		case pg.AlterTableType_AT_AddConstraint:
			k := c.Cmd.Def.GetConstraint()
			if k.GetContype() == pg.ConstrType_CONSTR_PRIMARY && dropsPrimaryKey(p, c.Table) {
				continue // a key swap, which drop-primary-key reports with its own fix
			}
			if isKey(k) && k.Indexname == "" {
				reportKeyBuild(p, c, k, nil)
			}
		case pg.AlterTableType_AT_AddColumn:
			d := c.Cmd.Def.GetColumnDef()
			if d == nil || rewritingColumn(p, d) {
				continue // the rewrite's rule reports it, and its fix builds the key concurrently
			}
			for _, n := range d.GetConstraints() {
				if k := n.GetConstraint(); isKey(k) {
					reportKeyBuild(p, c, k, d)
				}
			}
		}
	}
}

// dropsPrimaryKey reports whether the current statement drops the table's
// primary key.
func dropsPrimaryKey(p *analysis.Pass, table catalog.Name) bool {
	for _, c := range alterCmds(p) {
		if k := p.Schema.Table(table).Constraint(c.Cmd.Name); c.Cmd.Subtype == pg.AlterTableType_AT_DropConstraint &&
			k != nil && k.Kind == catalog.PrimaryKey {
			return true
		}
	}
	return false
}

// reportKeyBuild reports a key constraint whose index ALTER TABLE builds; d
// is the column definition for ADD COLUMN ... UNIQUE, else nil.
func reportKeyBuild(p *analysis.Pass, c alterCmd, k *pg.Constraint, d *pg.ColumnDef) {
	kind, verb := "UNIQUE", "adding UNIQUE constraint"
	if k.Contype == pg.ConstrType_CONSTR_PRIMARY {
		kind, verb = "PRIMARY KEY", "adding PRIMARY KEY"
	}
	cols := keyStrings(k.Keys)
	if d != nil {
		cols = []string{d.Colname}
	}
	name := keyName(c.Table, k, cols)
	im := impactOn(p, c.Table, analysis.UniqueIndexBuild)
	im.KeepSeverity = true // it also fails on duplicates
	p.ReportAt(c.Span, analysis.Report{
		Message: fmt.Sprintf("%s %s builds its unique index by reading every row of %s, and until the build finishes the statement "+
			"runs under %s; it fails with SQLSTATE 23505 if two rows share a value", verb, sqltext.Ident(name), c.Table, underSlow(p, c.Table)),
		Help: "Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, alone in a migration of its own (reads and writes go " +
			"on; CONCURRENTLY cannot run inside a transaction), then turn it into the constraint with ADD CONSTRAINT ... " +
			kind + " USING INDEX, which takes its lock only for a moment. If the concurrent build fails it leaves an INVALID " +
			"index: drop it with DROP INDEX CONCURRENTLY before trying again. " + prismaEdit,
		Fix:    keyFix(p, c, k, d, kind, name, cols),
		Impact: im,
	})
}

// keyName is the constraint's name, or the one PostgreSQL gives it.
func keyName(t catalog.Name, k *pg.Constraint, cols []string) string {
	switch {
	case k.Conname != "":
		return k.Conname
	case k.Contype == pg.ConstrType_CONSTR_PRIMARY:
		return t.Name + "_pkey"
	}
	return t.Name + "_" + strings.Join(cols, "_") + "_key"
}

// keyFix builds the index concurrently, then attaches it as the constraint.
func keyFix(p *analysis.Pass, c alterCmd, k *pg.Constraint, d *pg.ColumnDef, kind, name string, cols []string) string {
	var b strings.Builder
	first := 1
	if d != nil {
		add, ok := deparseAddColumn(c.Table, withoutKeyConstraints(d))
		if !ok {
			return ""
		}
		fmt.Fprintf(&b, "-- Migration 1: add the column without its %s constraint.\n%s;\n", kind, add)
		first = 2
	}
	quoted := sqltext.Idents(cols)
	if d == nil {
		b.WriteString(keyChecks(p, c.Table, k, quoted, cols))
	}
	index := catalog.Name{Schema: c.Table.Schema, Name: name}
	fmt.Fprintf(&b, "-- Migration %d, alone (CONCURRENTLY cannot run inside a transaction): build the index while reads and writes go on.\n"+
		"CREATE UNIQUE INDEX CONCURRENTLY %s ON %s (%s)%s%s;\n",
		first, index, c.Table, strings.Join(quoted, ", "), keyIncluding(k), keyNullsNotDistinct(k))
	if kind == "PRIMARY KEY" {
		if nullable := keyNullableColumns(p, c.Table, cols, d); len(nullable) > 0 {
			fmt.Fprintf(&b, "-- %s must be NOT NULL before the next step, or ADD PRIMARY KEY scans the table under ACCESS EXCLUSIVE "+
				"(see set-not-null for the way without a long lock).\n", english.Join(sqltext.Idents(nullable)))
		}
	}
	fmt.Fprintf(&b, "-- Migration %d: turn the index into the constraint; a brief lock, no scan.\n"+
		"ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s;", first+1, c.Table, sqltext.Ident(name), kind, sqltext.Ident(name), keyDeferrable(k))
	return b.String()
}

// keyChecks are the queries to run against production before adding a key
// to existing rows: the duplicates it would reject, unless an existing
// unique index already rules them out, and the NULLs of a primary key's
// nullable columns.
func keyChecks(p *analysis.Pass, table catalog.Name, k *pg.Constraint, quoted, cols []string) string {
	primary := k.Contype == pg.ConstrType_CONSTR_PRIMARY
	var out string
	if !provablyUnique(p.Schema, table, cols) {
		out = duplicatesQuery(table, quoted, "", primary || k.NullsNotDistinct) + "\n"
	}
	if nullable := keyNullableColumns(p, table, cols, nil); primary && len(nullable) > 0 {
		out += nullsQuery(table, nullable...) + "\n"
	}
	return out
}

// withoutKeyConstraints returns a copy of d without its UNIQUE and PRIMARY KEY
// constraints; a primary key's NOT NULL stays.
func withoutKeyConstraints(d *pg.ColumnDef) *pg.ColumnDef {
	out := proto.Clone(d).(*pg.ColumnDef)
	var kept []*pg.Node
	for _, n := range out.Constraints {
		switch n.GetConstraint().GetContype() {
		case pg.ConstrType_CONSTR_PRIMARY:
			out.IsNotNull = true
		case pg.ConstrType_CONSTR_UNIQUE:
		default:
			kept = append(kept, n)
		}
	}
	out.Constraints = kept
	return out
}

// keyNullableColumns returns the key columns the table does not hold NOT NULL.
func keyNullableColumns(p *analysis.Pass, table catalog.Name, cols []string, d *pg.ColumnDef) []string {
	t := p.Schema.Table(table)
	var out []string
	for _, col := range cols {
		if d != nil && d.Colname == col {
			continue // withoutKeyConstraints keeps it NOT NULL
		}
		if c := t.Column(col); c == nil || !c.NotNull {
			out = append(out, col)
		}
	}
	return out
}

func keyIncluding(k *pg.Constraint) string {
	if len(k.Including) == 0 {
		return ""
	}
	cols := keyStrings(k.Including)
	for i, c := range cols {
		cols[i] = sqltext.Ident(c)
	}
	return " INCLUDE (" + strings.Join(cols, ", ") + ")"
}

func keyNullsNotDistinct(k *pg.Constraint) string {
	if k.NullsNotDistinct {
		return " NULLS NOT DISTINCT"
	}
	return ""
}

func keyDeferrable(k *pg.Constraint) string {
	switch {
	case k.Initdeferred:
		return " DEFERRABLE INITIALLY DEFERRED"
	case k.Deferrable:
		return " DEFERRABLE"
	}
	return ""
}

// keyStrings returns the values of a list of String nodes.
func keyStrings(nodes []*pg.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n.GetString_().GetSval())
	}
	return out
}
