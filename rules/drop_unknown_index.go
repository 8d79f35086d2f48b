package rules

import (
	"fmt"
	"strings"

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
		"constraint). Without IF EXISTS the deploy fails with SQLSTATE 42704 (undefined_object). With IF EXISTS the " +
		"statement does nothing: PostgreSQL prints a notice and takes no lock, so when the name is misspelt the index " +
		"meant to go stays, still slowing every write; it is reported when the history has an index of nearly that " +
		"name (at most two letters apart, or differing in case only), the one it probably means. Dropping with IF " +
		"EXISTS a name that resembles nothing the history made is cleanup of what older releases or a squashed " +
		"history left, and is not reported. Check the name against the migration that created the index; an index " +
		"created outside the migrations (by hand, in production) is drift that the history should hold.",
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
			meant := nearIndex(p.Schema, name)
			if meant == nil {
				continue
			}
			p.ReportStmt(analysis.Report{
				Message: fmt.Sprintf("no earlier migration creates index %s, but one creates %s (on %s): DROP INDEX IF EXISTS "+
					"does nothing (PostgreSQL only prints a notice) and takes no lock, so if the name is misspelt %s stays",
					name, meant.Name, meant.Table, meant.Name),
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

// nearIndex returns the index of the schema whose name is closest to name,
// when it is close enough to be the one meant: equal but for case, or at
// most two edits apart in a name of more than four letters that starts with
// the same word (its table's, as index names do: "Post_authorId_idx").
func nearIndex(cat *catalog.Catalog, name catalog.Name) *catalog.Index {
	var best *catalog.Index
	bestDist := 3
	for _, ix := range cat.Indexes() {
		if ix.Name.Schema != name.Schema {
			continue
		}
		d := editDistance(strings.ToLower(ix.Name.Name), strings.ToLower(name.Name))
		if d == 0 {
			return ix // differs in case only
		}
		if d < bestDist && len(name.Name) > 4 && firstWord(ix.Name.Name) == firstWord(name.Name) {
			best, bestDist = ix, d
		}
	}
	return best
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(strings.ToLower(s), "_")
	return w
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
