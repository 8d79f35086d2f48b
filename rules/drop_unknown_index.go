package rules

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// DropUnknownIndex flags DROP INDEX of a name no earlier migration created.
var DropUnknownIndex = register(&analysis.Rule{
	ID:       "drop-unknown-index",
	Severity: analysis.Warning,
	Summary:  "DROP INDEX of a name the migrations never created",
	Doc: "No earlier migration creates an index of that name (by CREATE INDEX, or a primary key or UNIQUE " +
		"constraint). With IF EXISTS the statement does nothing: PostgreSQL prints a notice and takes no lock, so " +
		"when the name is misspelt (or the index was renamed) the index meant to go stays, still slowing every write. " +
		"Without IF EXISTS the deploy fails with SQLSTATE 42704 (undefined_object). Check the name against the " +
		"migration that created the index; an index created outside the migrations (by hand, in production) is " +
		"drift that the history should hold.",
	Bad: `-- DropIndex
DROP INDEX IF EXISTS "Post_author_idx";`,
	Good: `-- DropIndex (alone in its migration)
DROP INDEX CONCURRENTLY IF EXISTS "Post_authorId_idx";`,
	Run: runDropUnknownIndex,
})

func runDropUnknownIndex(p *analysis.Pass) {
	s := p.Stmt.Node.GetDropStmt()
	if s == nil || s.RemoveType != pg.ObjectType_OBJECT_INDEX {
		return
	}
	for _, o := range s.Objects {
		name := catalog.QualifiedName(o.GetList().GetItems())
		if !unknownIndex(p, name) {
			continue
		}
		if s.MissingOk {
			p.ReportStmt(analysis.Report{
				Message: fmt.Sprintf("no earlier migration creates index %s: DROP INDEX IF EXISTS does nothing (PostgreSQL only "+
					"prints a notice) and takes no lock, so if the name is misspelt the index meant to go stays", name),
				Help: "Check the name against the migration that created the index (`\\di` in psql lists the real ones), or remove the statement.",
			})
			continue
		}
		p.ReportStmt(analysis.Report{
			Message: fmt.Sprintf("no earlier migration creates index %s: DROP INDEX fails with SQLSTATE 42704 (index does not "+
				"exist) and the deploy with it", name),
			Help: "Check the name against the migration that created the index (`\\di` in psql lists the real ones); " +
				"if the index was created outside the migrations, add it to the history first.",
		})
	}
}
