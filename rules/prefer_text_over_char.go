package rules

import (
	"fmt"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// PreferTextOverChar flags char(n) columns (opt-in).
var PreferTextOverChar = register(&analysis.Rule{
	ID:       "prefer-text-over-char",
	Severity: analysis.Off,
	Summary:  "char(n) column, which pads values with spaces",
	Doc: "char(n) (character(n), bpchar) pads every value with spaces to n characters. The padding is ignored by " +
		"comparisons and dropped by most functions and casts, so 'a' and 'a ' are equal, length() disagrees with " +
		"what clients read, and LIKE patterns behave differently from =. It is neither smaller nor faster than " +
		"text in PostgreSQL, and a longer value fails with SQLSTATE 22001. Prisma writes CHAR(n) for a String field " +
		"marked `@db.Char(n)`.",
	Bad: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "countryCode" CHAR(2);`,
	Good: `-- AlterTable
ALTER TABLE "User" ADD COLUMN "countryCode" TEXT;`,
	Requires: []analysis.Result{alterCmdsResult},
	Run:      runPreferTextOverChar,
})

func runPreferTextOverChar(p *analysis.Pass) {
	cols := typedColumnsWhere(p, isCharColumn)
	if len(cols) == 0 {
		return
	}
	fix := retyped(p, cols, func(c typedColumn) string { return writtenType("TEXT", c, false) })
	for _, c := range cols {
		n := int32(1) // char without a length is char(1)
		if len(c.Type.Mods) > 0 {
			n = c.Type.Mods[0]
		}
		p.ReportAt(c.Span, analysis.Report{
			Message: fmt.Sprintf("column %s is char(%d): PostgreSQL pads every value with spaces to %[2]d characters, then ignores "+
				"the padding in comparisons and drops it in most functions, so values read back differ from what was "+
				"compared; a value longer than %[2]d fails with SQLSTATE 22001", columnOf(c), n),
			Help: "Use text, or varchar(n) when the length limit is a rule of the data; neither pads. With Prisma: remove " +
				"`@db.Char(n)` from the String field (or use `@db.VarChar(n)`) and run `prisma migrate dev`, or create the " +
				"migration with `prisma migrate dev --create-only`, change the type as below, and apply it with " +
				"`prisma migrate dev`.",
			Fix: fix,
		})
	}
}

// isCharColumn reports a blank-padded character column. The type must be
// checked as written: a quoted "char" is PostgreSQL's one-byte internal
// type, which pads nothing.
func isCharColumn(c typedColumn) bool {
	n := catalog.QualifiedName(c.Def.TypeName.Names)
	return n.Name == "bpchar" && (n.Schema == "pg_catalog" || len(c.Def.TypeName.Names) == 1)
}
