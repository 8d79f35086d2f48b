package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// PrismaWarningUnexplained reports the data-loss warnings of Prisma's
// migration header that no statement of the file accounts for.
var PrismaWarningUnexplained = register(&analysis.Rule{
	ID:       "prisma-warning-unexplained",
	Severity: analysis.Notice,
	Summary:  "Prisma warning in the migration header that no statement accounts for",
	Doc: "Prisma writes the data-loss risks it sees into a `/* Warnings: ... */` header at the top of migration.sql. " +
		"migrate-guard checks each warning it knows against the statements: a dropped column or table, a required " +
		"column added, a column made required, a unique constraint added, enum values removed, a column's type changed " +
		"or recreated, a primary key changed. The statement that does it draws its own finding (drop-column, " +
		"adding-required-column, require-concurrent-index, enum-value-removal, ...), or was reviewed and suppressed. A " +
		"warning whose statement is missing (the SQL was edited after generation, and the warning may be stale or the " +
		"edit may not do what it should), and a warning migrate-guard does not know, are reported at their line in the " +
		"header so that they are read rather than skipped.",
	Bad: `/*
  Warnings:

  - You are about to drop the column ` + "`name`" + ` on the ` + "`User`" + ` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";`,
	Good: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "bio" TEXT;`,
	Requires: []analysis.Result{enumSwapsResult},
	Run:      runPrismaWarningUnexplained,
})

// prismaWarning is one `- ...` line of Prisma's Warnings header.
type prismaWarning struct {
	Text     string
	Pos, End int // the line's text in the file
	kind     warningKind
	table    string
	column   string
	columns  []string // of a unique constraint
}

// warningKind is what a warning says the migration does.
type warningKind int

const (
	unknownWarning warningKind = iota
	dropsColumn
	dropsTable
	addsRequiredColumn
	makesRequired
	addsUnique
	removesEnumValues
	changesType // changed, cast, or dropped and recreated
	changesPrimaryKey
)

func runPrismaWarningUnexplained(p *analysis.Pass) {
	if p.Stmt.Index != 0 {
		return
	}
	warnings := headerWarnings(p.File, p.Stmt)
	if len(warnings) == 0 {
		return
	}
	done := fileActions(p)
	for _, w := range warnings {
		if w.kind != unknownWarning && done[w.key()] {
			continue
		}
		msg := fmt.Sprintf("Prisma warns: %q; no statement of this migration does that: the SQL was probably edited after "+
			"Prisma generated it, so the warning may be stale, or the edit may not do what it should", w.Text)
		help := "Check that the statements as edited keep the data Prisma warned about, then delete the stale line from " +
			"the Warnings header so that reviewers are not misled."
		if w.kind == unknownWarning {
			msg = fmt.Sprintf("Prisma warns: %q, which migrate-guard does not check", w.Text)
			help = "Read the warning and check it against the production data before deploying (run the queries it implies, " +
				"e.g. for duplicates or NULLs); then keep the line as the record of that review."
		}
		p.ReportAt(sqlfile.Span{Start: w.Pos, End: w.End}, analysis.Report{Message: msg, Help: help})
	}
}

// headerWarnings reads the warnings of the `/* Warnings: ... */` comment
// before the file's first statement.
func headerWarnings(f *sqlfile.File, first *sqlfile.Stmt) []prismaWarning {
	for _, c := range first.Comments {
		body := strings.TrimSpace(strings.TrimPrefix(c.Text, "/*"))
		if !strings.HasPrefix(c.Text, "/*") || !strings.HasPrefix(body, "Warnings:") {
			continue
		}
		return splitWarnings(c)
	}
	return nil
}

// splitWarnings returns the `- ` items of a Warnings comment; a line that
// does not start with `-` continues the item before it.
func splitWarnings(c sqlfile.Comment) []prismaWarning {
	var out []prismaWarning
	off := c.Start
	for _, line := range strings.SplitAfter(strings.TrimSuffix(c.Text, "*/"), "\n") {
		text := strings.TrimSpace(line)
		start := off + strings.Index(line, text)
		off += len(line)
		switch {
		case strings.HasPrefix(text, "- "):
			out = append(out, prismaWarning{Text: strings.TrimSpace(text[2:]), Pos: start, End: start + len(text)})
		case text != "" && len(out) > 0 && !strings.HasPrefix(text, "Warnings:") && !strings.HasPrefix(text, "/*"):
			w := &out[len(out)-1]
			w.Text += " " + text
			w.End = start + len(text)
		}
	}
	for i := range out {
		out[i].classify()
	}
	return out
}

// classify reads what a warning is about from Prisma's wording and its
// backquoted names.
func (w *prismaWarning) classify() {
	parts := strings.Split(w.Text, "`")
	var names []string
	for i := 1; i < len(parts); i += 2 {
		names = append(names, parts[i])
	}
	name := func(i int) string {
		if i < len(names) {
			return names[i]
		}
		return ""
	}
	t := w.Text
	switch {
	case strings.HasPrefix(t, "You are about to drop the column "):
		w.kind, w.column, w.table = dropsColumn, name(0), name(1)
	case strings.HasPrefix(t, "You are about to drop the `"):
		w.kind, w.table = dropsTable, name(0)
	case strings.HasPrefix(t, "Added the required column "), strings.HasPrefix(t, "The required column "):
		w.kind, w.column, w.table = addsRequiredColumn, name(0), name(1)
	case strings.HasPrefix(t, "Made the column "):
		w.kind, w.column, w.table = makesRequired, name(0), name(1)
	case strings.HasPrefix(t, "A unique constraint covering the columns "):
		w.kind, w.table = addsUnique, name(1)
		w.columns = strings.Split(strings.Trim(name(0), "[]"), ",")
	case strings.HasPrefix(t, "The values [") && strings.Contains(t, " on the enum "):
		w.kind, w.table = removesEnumValues, name(0)
	case strings.HasPrefix(t, "Changed the type of "), strings.HasPrefix(t, "You are about to alter the column "),
		strings.HasPrefix(t, "The `") && strings.Contains(t, " would be dropped and recreated"):
		w.kind, w.column, w.table = changesType, name(0), name(1)
	case strings.HasPrefix(t, "The primary key for the "):
		w.kind, w.table = changesPrimaryKey, name(0)
	}
}

// key is the action that accounts for the warning, as fileActions records
// it.
func (w prismaWarning) key() string { return actionKey(w.kind, w.table, w.column, w.columns) }

func actionKey(k warningKind, table, column string, columns []string) string {
	cols := slices.Clone(columns)
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	slices.Sort(cols)
	return fmt.Sprintf("%d|%s|%s|%s", k, table, column, strings.Join(cols, ","))
}

// fileActions records, as keys, what the file's statements do that a
// Prisma warning may be about. Table names are unqualified, as in Prisma's
// warnings.
func fileActions(p *analysis.Pass) map[string]bool {
	done := map[string]bool{}
	add := func(k warningKind, table catalog.Name, column string, columns []string) {
		done[actionKey(k, table.Name, column, columns)] = true
	}
	for _, s := range p.File.Stmts {
		switch n := s.Node.Node.(type) {
		case *pg.Node_AlterTableStmt:
			table := catalog.RangeName(n.AlterTableStmt.Relation)
			for _, c := range n.AlterTableStmt.Cmds {
				alterActions(p.SchemaAt(s.Index), table, c.GetAlterTableCmd(), add)
			}
		case *pg.Node_DropStmt:
			if n.DropStmt.RemoveType == pg.ObjectType_OBJECT_TABLE {
				for _, obj := range n.DropStmt.Objects {
					add(dropsTable, catalog.QualifiedName(obj.GetList().GetItems()), "", nil)
				}
			}
		case *pg.Node_IndexStmt:
			if n.IndexStmt.Unique {
				add(addsUnique, catalog.RangeName(n.IndexStmt.Relation), "", indexColumns(n.IndexStmt))
			}
		}
	}
	for _, sw := range enumSwapsResult.Of(p) {
		add(removesEnumValues, sw.Old, "", nil)
	}
	return done
}

// alterActions records what one ALTER TABLE clause does.
func alterActions(s *catalog.Catalog, table catalog.Name, cmd *pg.AlterTableCmd,
	add func(warningKind, catalog.Name, string, []string)) {
	switch cmd.GetSubtype() {
	case pg.AlterTableType_AT_DropColumn:
		add(dropsColumn, table, cmd.Name, nil)
		add(changesType, table, cmd.Name, nil) // Prisma drops and recreates a column it cannot cast
	case pg.AlterTableType_AT_AddColumn:
		add(addsRequiredColumn, table, cmd.Def.GetColumnDef().GetColname(), nil)
	case pg.AlterTableType_AT_SetNotNull:
		add(makesRequired, table, cmd.Name, nil)
	case pg.AlterTableType_AT_AlterColumnType:
		add(changesType, table, cmd.Name, nil)
	case pg.AlterTableType_AT_DropConstraint:
		if t := s.Table(table); t != nil && t.Constraint(cmd.Name) != nil && t.Constraint(cmd.Name).Kind == catalog.PrimaryKey {
			add(changesPrimaryKey, table, "", nil)
		}
	case pg.AlterTableType_AT_AddConstraint:
		k := cmd.Def.GetConstraint()
		switch k.GetContype() {
		case pg.ConstrType_CONSTR_PRIMARY:
			add(changesPrimaryKey, table, "", nil)
		case pg.ConstrType_CONSTR_UNIQUE:
			add(addsUnique, table, "", keyColumns(k))
		}
	}
}
