package analysis

import (
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// FileFacts is what the engine keeps per file for rules that look at the
// whole file: the schema before each statement, computed once on first use,
// the file's Results, and the rules that reported each statement.
type FileFacts struct {
	file    *sqlfile.File
	before  *catalog.Catalog
	snaps   []*catalog.Catalog
	results map[Result]any
	// reported holds, by statement, the rules that reported it so far.
	reported map[int][]report
}

// NewFileFacts returns the facts of a file whose schema before its first
// statement is before. The engine calls it once per file.
func NewFileFacts(f *sqlfile.File, before *catalog.Catalog) *FileFacts {
	return &FileFacts{file: f, before: before, results: map[Result]any{}}
}

// NewFileFactsAt returns the facts of a file from the schema before each of
// its statements, snaps[len(f.Stmts)] being the schema after it: for an
// engine that replays the file anyway, so the snapshots are not built twice.
func NewFileFactsAt(f *sqlfile.File, snaps []*catalog.Catalog) *FileFacts {
	return &FileFacts{file: f, before: snaps[0], snaps: snaps, results: map[Result]any{}}
}

// SchemaAt returns the schema just before statement i of the file, or after
// the whole file for i == len(File.Stmts). Rules must not change it.
func (p *Pass) SchemaAt(i int) *catalog.Catalog {
	ff := p.Facts
	if ff.snaps == nil {
		ff.snaps = make([]*catalog.Catalog, len(ff.file.Stmts)+1)
		cat := ff.before.Clone()
		for j, s := range ff.file.Stmts {
			ff.snaps[j] = cat.Clone()
			cat.Apply(s.Node)
		}
		ff.snaps[len(ff.file.Stmts)] = cat
	}
	return ff.snaps[i]
}
