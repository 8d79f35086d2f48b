package trace_test

import (
	"context"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/trace"
)

// costStatements are catalog-only changes and scans or builds, each on the
// default rows: DefaultMaxLock must lie between the two groups.
var costStatements = []struct{ metric, sql string }{
	{"drop-column-ms", `ALTER TABLE "User" DROP COLUMN bio`},
	{"add-nullable-column-ms", `ALTER TABLE "User" ADD COLUMN nick text`},
	{"set-default-ms", `ALTER TABLE "User" ALTER COLUMN name SET DEFAULT 'x'`},
	{"set-not-null-scan-ms", `ALTER TABLE "User" ALTER COLUMN age SET NOT NULL`},
	{"add-check-scan-ms", `ALTER TABLE "User" ADD CONSTRAINT "User_score_check" CHECK (score > 0)`},
	{"create-index-ms", `CREATE INDEX "Post_title_idx" ON "Post"(title)`},
	{"validate-fk-ms", `ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey"`},
}

// BenchmarkStatementCost measures, over trace.DefaultRows rows per table,
// how long catalog-only changes and scans take: the figures DefaultMaxLock
// was chosen from. Run with -benchtime=5x to see them.
func BenchmarkStatementCost(b *testing.B) {
	var sqls []string
	for _, c := range costStatements {
		sqls = append(sqls, c.sql)
	}
	dir := writeDir(b, history, strings.Join(sqls, ";\n")+";")
	sum := make([]float64, len(costStatements))
	for i := 0; i < b.N; i++ {
		res, err := trace.Run(context.Background(), lastOf(b, dir), trace.Options{URL: pgtest.NewDatabase(b)})
		if err != nil {
			b.Fatal(err)
		}
		for j, c := range costStatements {
			st := res.Statements[j]
			if st.Error != nil {
				b.Fatalf("%s: %+v", st.SQL, st.Error)
			}
			sum[j] += st.DurationMS
			if i == 0 {
				b.Logf("%s: read %v", c.metric, st.RowsRead)
			}
		}
	}
	for j, c := range costStatements {
		b.ReportMetric(sum[j]/float64(b.N), c.metric)
	}
}
