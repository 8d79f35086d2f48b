package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// AddEnumValueUnordered notes ALTER TYPE ... ADD VALUE without BEFORE or
// AFTER (opt-in, style).
var AddEnumValueUnordered = register(&analysis.Rule{
	ID:       "add-enum-value-unordered",
	Severity: analysis.Off,
	Summary:  "ALTER TYPE ... ADD VALUE without BEFORE or AFTER",
	Doc: "An enum's values sort in the order they were declared, not alphabetically: ORDER BY, <, > and " +
		"min()/max() on an enum column follow that order. ADD VALUE without BEFORE or AFTER appends the new value " +
		"at the end, wherever it belongs. That is often right, but it is a decision the migration should state: " +
		"saying AFTER or BEFORE makes the order visible in review. Prisma always appends, whatever the order of " +
		"the values in schema.prisma. This is a matter of style, not of safety.",
	Bad: `-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'MODERATOR';`,
	Good: `-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'MODERATOR' BEFORE 'ADMIN';`,
	Run: runAddEnumValueUnordered,
})

func runAddEnumValueUnordered(p *analysis.Pass) {
	s := p.Stmt.Node.GetAlterEnumStmt()
	if s == nil || s.NewVal == "" || s.OldVal != "" || s.NewValNeighbor != "" {
		return // not ADD VALUE (RENAME VALUE), or it says where
	}
	typ := catalog.QualifiedName(s.TypeName)
	at, found := valueToken(p.File, p.StmtSpan(), s.NewVal)
	if !found {
		at = p.StmtSpan()
	}
	where, fix := "at the end", ""
	if e := p.Schema.Enum(typ); e != nil && len(e.Values) > 0 {
		last := sqltext.Literal(e.Values[len(e.Values)-1])
		where = "after " + last + ", its last value,"
		if found {
			fix = withReplacements(p.File, p.StmtSpan(), []replacement{{sqlfile.Span{Start: at.End, End: at.End}, " AFTER " + last}}) +
				terminator(p.File, p.Stmt)
		}
	}
	p.ReportAt(at, analysis.Report{
		Message: fmt.Sprintf("ADD VALUE %s without BEFORE or AFTER puts it %s in %s: enum values sort in declaration order, so "+
			"ORDER BY, <, > and max() on %[3]s columns place it there", sqltext.Literal(s.NewVal), where, typ),
		Help: "Say where the value belongs with BEFORE or AFTER (the SQL below states the place PostgreSQL would choose; " +
			"change it if the value belongs elsewhere). Prisma always appends: create the migration with `prisma migrate " +
			"dev --create-only`, add BEFORE or AFTER in migration.sql, then apply it with `prisma migrate dev`.",
		Fix: fix,
	})
}

// valueToken returns the span of the string constant val in sp.
func valueToken(f *sqlfile.File, sp sqlfile.Span, val string) (sqlfile.Span, bool) {
	for _, t := range f.Tokens(sp.Start, sp.End) {
		if t.Token == pg.Token_SCONST && f.Src[t.Start:t.End] == sqltext.Literal(val) {
			return sqlfile.Span{Start: int(t.Start), End: int(t.End)}, true
		}
	}
	return sqlfile.Span{}, false
}
