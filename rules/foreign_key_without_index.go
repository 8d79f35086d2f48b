package rules

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// ForeignKeyWithoutIndex flags a foreign key whose columns no index leads
// with once the migration has run (opt-in).
var ForeignKeyWithoutIndex = register(&analysis.Rule{
	ID:       "foreign-key-without-index",
	Severity: analysis.Off,
	Summary:  "foreign key whose columns no index leads with",
	Doc: "PostgreSQL indexes the referenced side of a foreign key (its primary key or unique constraint), never " +
		"the referencing side. Without an index leading with the referencing columns, every DELETE of a " +
		"referenced row, and every UPDATE of its key, makes PostgreSQL look for referencing rows by scanning the " +
		"whole referencing table (ON DELETE CASCADE and SET NULL as much as RESTRICT), and joins from the parent " +
		"to its children scan too. Deleting a user then reads every row of every table that references users. " +
		"Prisma creates no index for a relation's foreign key on PostgreSQL unless the model says `@@index`. " +
		"The rule looks at the indexes the table has once the whole migration has run, so an index created " +
		"later in the same file counts.",
	Bad: `-- CreateTable
CREATE TABLE "Comment" (
    "id" TEXT NOT NULL,
    "postId" INTEGER NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;`,
	Good: `-- CreateTable
CREATE TABLE "Comment" (
    "id" TEXT NOT NULL,
    "postId" INTEGER NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Comment_postId_idx" ON "Comment"("postId");

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runForeignKeyWithoutIndex,
})

// addedForeignKey is a foreign key the current statement adds.
type addedForeignKey struct {
	Table   catalog.Name
	Columns []string
	Ref     catalog.Name
	Span    sqlfile.Span
}

func runForeignKeyWithoutIndex(p *analysis.Pass) {
	after := p.SchemaAt(len(p.File.Stmts))
	for _, fk := range addedForeignKeys(p) {
		t := after.Table(fk.Table)
		if t == nil || t.Partial || len(fk.Columns) == 0 || indexLeadsWith(after.IndexesOn(fk.Table), fk.Columns) {
			continue
		}
		cols := make([]string, len(fk.Columns))
		for i, c := range fk.Columns {
			cols[i] = sqltext.Ident(c)
		}
		list := strings.Join(cols, ", ")
		p.ReportAt(fk.Span, analysis.Report{
			Message: fmt.Sprintf("no index of %s leads with (%s) once this migration has run: each DELETE from %s, or update of "+
				"its key, scans all of %s for referencing rows, and joins from %[3]s to %[4]s scan it too",
				fk.Table, list, fk.Ref, fk.Table),
			Help: foreignKeyIndexHelp(p, fk),
			Fix:  foreignKeyIndexFix(p, fk, list),
		})
	}
}

// indexLeadsWith reports whether an index's first columns are cols, in any
// order: such an index serves lookups by the foreign key.
func indexLeadsWith(ixs []*catalog.Index, cols []string) bool {
	for _, ix := range ixs {
		if len(ix.Columns) < len(cols) {
			continue
		}
		lead := slices.Clone(ix.Columns[:len(cols)])
		want := slices.Clone(cols)
		slices.Sort(lead)
		slices.Sort(want)
		if slices.Equal(lead, want) {
			return true
		}
	}
	return false
}

func foreignKeyIndexHelp(p *analysis.Pass, fk addedForeignKey) string {
	help := fmt.Sprintf("Index the referencing columns. With Prisma: add `@@index([%s])` to the model and run "+
		"`prisma migrate dev`, which generates the CREATE INDEX.", strings.Join(fk.Columns, ", "))
	if emptyTable(p, fk.Table) {
		return help
	}
	return help + " " + fk.Table.String() + " already holds rows: build the index with CREATE INDEX CONCURRENTLY, which " +
		"does not block writes. " + ownMigration
}

// foreignKeyIndexFix is the CREATE INDEX, named as Prisma names it, and
// CONCURRENTLY on a table that holds rows.
func foreignKeyIndexFix(p *analysis.Pass, fk addedForeignKey, list string) string {
	name := catalog.Name{Schema: fk.Table.Schema, Name: fk.Table.Name + "_" + strings.Join(fk.Columns, "_") + "_idx"}
	if emptyTable(p, fk.Table) {
		return fmt.Sprintf("CREATE INDEX %s ON %s(%s);", sqltext.Ident(name.Name), fk.Table, list)
	}
	return fmt.Sprintf("-- A migration of its own:\nCREATE INDEX CONCURRENTLY %s ON %s(%s);", sqltext.Ident(name.Name), fk.Table, list)
}

// emptyTable reports whether the table is created by the current statement
// or earlier in the file, and so holds no rows yet.
func emptyTable(p *analysis.Pass, t catalog.Name) bool {
	return p.Schema.IsNew(t) || p.Stmt.Node.GetCreateStmt() != nil
}

// addedForeignKeys returns the foreign keys the current statement adds: in
// CREATE TABLE, on a column or as a table constraint, and in ALTER TABLE,
// with ADD CONSTRAINT or on an added column.
func addedForeignKeys(p *analysis.Pass) []addedForeignKey {
	var out []addedForeignKey
	add := func(table catalog.Name, k *pg.Constraint, col string, sp sqlfile.Span) {
		if k == nil || k.Contype != pg.ConstrType_CONSTR_FOREIGN || k.Pktable == nil {
			return
		}
		cols := stringFields(k.FkAttrs)
		if len(cols) == 0 && col != "" {
			cols = []string{col}
		}
		out = append(out, addedForeignKey{Table: table, Columns: cols, Ref: catalog.RangeName(k.Pktable), Span: sp})
	}
	if s := p.Stmt.Node.GetCreateStmt(); s != nil && s.Relation != nil {
		table := catalog.RangeName(s.Relation)
		for _, e := range s.TableElts {
			if k := e.GetConstraint(); k != nil {
				add(table, k, "", elementSpan(p, int(k.Location)))
			}
			if d := e.GetColumnDef(); d != nil {
				for _, c := range d.Constraints {
					k := c.GetConstraint()
					add(table, k, d.Colname, elementSpan(p, int(k.GetLocation())))
				}
			}
		}
		return out
	}
	for _, c := range alterCmds(p) {
		switch c.Cmd.Subtype {
		case pg.AlterTableType_AT_AddConstraint:
			add(c.Table, c.Cmd.Def.GetConstraint(), "", c.Span)
		case pg.AlterTableType_AT_AddColumn:
			if d := c.Cmd.Def.GetColumnDef(); d != nil {
				for _, k := range d.Constraints {
					add(c.Table, k.GetConstraint(), d.Colname, c.Span)
				}
			}
		}
	}
	return out
}

// elementSpan returns the span from start to the end of the CREATE TABLE
// element holding it: the next comma or closing parenthesis at its depth.
func elementSpan(p *analysis.Pass, start int) sqlfile.Span {
	sp := sqlfile.Span{Start: start, End: start}
	depth := 0
	for _, t := range p.File.Tokens(start, p.Stmt.End) {
		switch t.Token {
		case pg.Token_SQL_COMMENT, pg.Token_C_COMMENT:
			continue
		case pg.Token_ASCII_40:
			depth++
		case pg.Token_ASCII_41:
			if depth == 0 {
				return sp
			}
			depth--
		case pg.Token_ASCII_44:
			if depth == 0 {
				return sp
			}
		}
		sp.End = int(t.End)
	}
	return sp
}
