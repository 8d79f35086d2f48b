// Indexes: their columns, whether their keys are proven unique, and the
// block of statements that redefines one.

package rules

import (
	"slices"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
	pg "github.com/pganalyze/pg_query_go/v6"
)

// inRedefineIndex reports whether the current statement is the DROP INDEX or
// the CREATE INDEX of a pair that redefine-index reports as one change.
// require-concurrent-index and require-concurrent-drop-index return early
// when it is true.
func inRedefineIndex(p *analysis.Pass) bool {
	i := p.Stmt.Index
	if _, ok := redefinitionAt(p, i); ok {
		return true
	}
	_, ok := redefinitionAt(p, i-1)
	return ok
}

// indexColumns returns the plain columns of an index, "" for an expression.
func indexColumns(s *pg.IndexStmt) []string {
	var out []string
	for _, n := range s.IndexParams {
		out = append(out, n.GetIndexElem().GetName())
	}
	return out
}

// provablyUnique reports whether an existing unique index of the table
// covers a subset of cols: then no two rows can share the new key.
func provablyUnique(s *catalog.Catalog, table catalog.Name, cols []string) bool {
	for _, ix := range s.IndexesOn(table) {
		if ix.Unique && len(ix.Columns) > 0 && !slices.ContainsFunc(ix.Columns, func(c string) bool {
			return c == "" || !slices.Contains(cols, c)
		}) {
			return true
		}
	}
	return false
}

// redefinitionAt returns the pair starting at statement i: a plain DROP
// INDEX of one index, directly followed by a plain CREATE INDEX, marked
// `-- RedefineIndex` or reusing the dropped name, on a table that existed
// before the file.
func redefinitionAt(p *analysis.Pass, i int) (indexRedefinition, bool) {
	if i < 0 || i+1 >= len(p.File.Stmts) {
		return indexRedefinition{}, false
	}
	drop, create := p.File.Stmts[i], p.File.Stmts[i+1]
	d, c := drop.Node.GetDropStmt(), create.Node.GetIndexStmt()
	if d == nil || d.RemoveType != pg.ObjectType_OBJECT_INDEX || d.Concurrent || len(d.Objects) != 1 ||
		c == nil || c.Concurrent || c.Relation == nil {
		return indexRedefinition{}, false
	}
	r := indexRedefinition{Drop: drop, Create: create, Table: catalog.RangeName(c.Relation), index: c,
		Old: catalog.QualifiedName(d.Objects[0].GetList().GetItems())}
	if !hasComment(drop, "-- RedefineIndex") && r.Old != (catalog.Name{Schema: r.Table.Schema, Name: c.Idxname}) {
		return indexRedefinition{}, false
	}
	before := p.SchemaAt(i)
	if ix := before.Index(r.Old); ix != nil && ix.Table != r.Table || before.IsNew(r.Table) {
		return indexRedefinition{}, false
	}
	return r, true
}

// indexRedefinition is a DROP INDEX followed by the CREATE INDEX that
// replaces it.
type indexRedefinition struct {
	Drop, Create *sqlfile.Stmt
	Old          catalog.Name // the dropped index
	Table        catalog.Name
	index        *pg.IndexStmt
}

// hasComment reports whether one of the comments before a statement is
// exactly text, as Prisma writes its headers.
func hasComment(s *sqlfile.Stmt, text string) bool {
	for _, c := range s.Comments {
		if strings.TrimSpace(c.Text) == text {
			return true
		}
	}
	return false
}

// unknownIndex reports whether the history, which knows some tables, never
// created the index (an empty history knows nothing either way).
func unknownIndex(p *analysis.Pass, name catalog.Name) bool {
	return p.Schema.Tables() > 0 && p.Schema.Index(name) == nil
}
