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

// NotNullOverExistingData flags statements that make existing columns NOT
// NULL, and fail on the rows that still hold NULL, where no other rule
// reports them.
var NotNullOverExistingData = register(&analysis.Rule{
	ID:       "not-null-over-existing-data",
	Severity: analysis.Notice,
	Summary:  "column made NOT NULL over existing rows that may hold NULL",
	Doc: "Making an existing column NOT NULL fails on the first row that still holds NULL, although it passed on a " +
		"development database. Besides ALTER COLUMN ... SET NOT NULL (reported by set-not-null, whose fix carries the " +
		"check), two statements do it less visibly: ADD PRIMARY KEY USING INDEX over nullable columns sets them NOT NULL, " +
		"scanning the table under its ACCESS EXCLUSIVE lock and failing with SQLSTATE 23502; and VALIDATE CONSTRAINT of a " +
		"`CHECK (col IS NOT NULL)` added NOT VALID by an earlier migration fails with SQLSTATE 23514. Run the query in the " +
		"fix against production first.",
	Bad: `CREATE UNIQUE INDEX "Post_content_key" ON "Post"("content");
ALTER TABLE "Post" DROP CONSTRAINT "Post_pkey",
ADD CONSTRAINT "Post_pkey" PRIMARY KEY USING INDEX "Post_content_key";`,
	Good: `-- "title" is NOT NULL, and an earlier migration ran
-- CREATE UNIQUE INDEX CONCURRENTLY "Post_title_key" ON "Post"("title");
ALTER TABLE "Post" DROP CONSTRAINT "Post_pkey",
ADD CONSTRAINT "Post_pkey" PRIMARY KEY USING INDEX "Post_title_key";`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runNotNullOverExistingData,
})

func runNotNullOverExistingData(p *analysis.Pass) {
	for _, c := range alterCmds(p) {
		t := p.Schema.Table(c.Table)
		if t == nil || !existing(p, c.Table) {
			continue
		}
		switch c.Cmd.Subtype {
		case pg.AlterTableType_AT_AddConstraint:
			k := c.Cmd.Def.GetConstraint()
			if k.GetContype() != pg.ConstrType_CONSTR_PRIMARY || k.Indexname == "" {
				continue
			}
			if cols := nullableIndexColumns(p, t, p.Schema.Index(catalog.Name{Schema: c.Table.Schema, Name: k.Indexname})); len(cols) > 0 {
				reportPrimaryKeyNulls(p, c, cols)
			}
		case pg.AlterTableType_AT_ValidateConstraint:
			if col := earlierNotNullCheck(p, c.Table, c.Cmd.Name); col != "" {
				p.ReportAt(c.Span, analysis.Report{
					Message: fmt.Sprintf("VALIDATE CONSTRAINT %s fails with 23514 if any row of %s still holds NULL in %s, and the "+
						"migration with it", sqltext.Ident(c.Cmd.Name), c.Table, sqltext.Ident(col)),
					Help: "Before deploying, run the query below against production: it must return 0. Backfill the remaining NULLs " +
						"first, in batches, and make sure the running code no longer writes NULL (the NOT VALID check already " +
						"refuses new ones).",
					Fix: nullsQuery(c.Table, col),
				})
			}
		}
	}
}

// nullableIndexColumns returns the columns of an index that may hold NULL: not
// NOT NULL and, from PostgreSQL 12, not proven by a validated check.
func nullableIndexColumns(p *analysis.Pass, t *catalog.Table, ix *catalog.Index) []string {
	if ix == nil {
		return nil
	}
	var out []string
	for _, name := range ix.Columns {
		col := t.Column(name)
		if col != nil && !col.NotNull && !(p.PGVersion >= 12 && t.HasValidNotNullCheck(name)) {
			out = append(out, name)
		}
	}
	return out
}

func reportPrimaryKeyNulls(p *analysis.Pass, c alterCmd, cols []string) {
	var fix strings.Builder
	fix.WriteString(nullsQuery(c.Table, cols...))
	fix.WriteString("\n-- Then make each column NOT NULL without a long lock, before the primary key:\n")
	for i, col := range cols {
		fix.WriteString(notNullSteps(c.Table, col, 1+2*i) + "\n")
	}
	p.ReportAt(c.Span, analysis.Report{
		Message: fmt.Sprintf("ADD PRIMARY KEY USING INDEX makes %s NOT NULL: PostgreSQL scans %s under the ACCESS EXCLUSIVE lock "+
			"of this ALTER TABLE, so reads and writes on %[2]s block for the whole scan, and it fails with 23502 if any row "+
			"holds NULL there", english.Join(sqltext.Idents(cols)), c.Table),
		Help: "Before deploying, run the query below against production: it must return 0. Backfill the NULLs, then make the " +
			"columns NOT NULL through a validated CHECK constraint (no long lock) before turning the index into the " +
			"primary key. " + prismaEdit,
		Fix: strings.TrimSuffix(fix.String(), "\n"),
	})
}

// earlierNotNullCheck returns the column of a `CHECK (col IS NOT NULL)`
// constraint of the table that is not validated yet and that an earlier
// migration added, or "". One added in the same file is another story:
// set-not-null's recipe validates it after a COMMIT.
func earlierNotNullCheck(p *analysis.Pass, table catalog.Name, name string) string {
	t := p.Before.Table(table)
	if t == nil {
		return ""
	}
	k := t.Constraint(name)
	if k == nil || k.Kind != catalog.Check || k.Validated {
		return ""
	}
	return k.NotNullOf
}
