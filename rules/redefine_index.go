package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// RedefineIndex flags Prisma's `-- RedefineIndex` pair, DROP INDEX then
// CREATE INDEX, on an existing table, as one change.
var RedefineIndex = register(&analysis.Rule{
	ID:       "redefine-index",
	Severity: analysis.Warning,
	Summary:  "index dropped and rebuilt (Prisma's RedefineIndex) on an existing table",
	Doc: "When an index's definition changes, Prisma writes `-- RedefineIndex` followed by DROP INDEX and CREATE " +
		"INDEX. In one transaction (a Prisma migration is one), the drop's ACCESS EXCLUSIVE lock on the table is held " +
		"while the new index builds: every read and write of the table waits for the whole build. Run one statement at " +
		"a time, the table has no such index between the two (queries that used it scan the table; for a unique " +
		"index, duplicates get in) and the build blocks writes. Build the new index CONCURRENTLY beside the old one, drop " +
		"the old one CONCURRENTLY, then rename. The pair is reported once here; require-concurrent-index and " +
		"require-concurrent-drop-index stay quiet on it. Prisma's `-- RenameIndex` (ALTER INDEX ... RENAME TO) only " +
		"renames and is not reported.",
	Bad: `-- RedefineIndex
DROP INDEX "User_email_key";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email", "role");`,
	Good: `-- RenameIndex
ALTER INDEX "Post_authorId_idx" RENAME TO "Post_author_idx";`,
	Requires: []analysis.Result{locksResult, heldPrefixResult},
	Run:      runRedefineIndex,
})

func runRedefineIndex(p *analysis.Pass) {
	r, ok := redefinitionAt(p, p.Stmt.Index)
	if !ok {
		return
	}
	create := "CREATE INDEX"
	if r.index.Unique {
		create = "CREATE UNIQUE INDEX"
	}
	what := fmt.Sprintf("DROP INDEX %s then %s %s", r.Old, create, sqltext.Ident(r.index.Idxname))
	msg := fmt.Sprintf("%s rebuild the index in one transaction: the drop's ACCESS EXCLUSIVE lock on %s is held while "+
		"the new index builds, so reads and writes on %[2]s block for the whole build", what, r.Table)
	op := analysis.IndexBuild
	if r.index.Unique {
		op = analysis.UniqueIndexBuild
	}
	im := impactOn(p, r.Table, op)
	if tx := p.Tx[r.Drop.Index]; !tx.InTx || tx.ID != p.Tx[r.Create.Index].ID {
		msg = fmt.Sprintf("%s leave %s without the index until the build ends (queries that used it scan the table) and the "+
			"build holds a SHARE lock that blocks writes on %[2]s for its whole duration", what, r.Table)
		im.Lock, im.Blocks = locks.Share.String(), BlockedWords(locks.Share.Blocks())
	}
	p.ReportAt(sqlfile.Span{Start: r.Drop.Start, End: r.Create.End}, analysis.Report{Message: msg, Impact: im,
		Help: "Build the new definition beside the old index with CREATE INDEX CONCURRENTLY (writes go on), drop the old " +
			"one with DROP INDEX CONCURRENTLY, then rename the new one to the old name if it keeps it: each CONCURRENTLY " +
			"statement in a migration of its own. " + prismaEdit,
		Fix: redefineFix(p, r)})
}

// redefineFix builds the new index concurrently under a temporary name when
// it keeps the old one, drops the old one concurrently, and renames.
func redefineFix(p *analysis.Pass, r indexRedefinition) string {
	newName := catalog.Name{Schema: r.Table.Schema, Name: r.index.Idxname}
	tmp := newName
	if newName == r.Old {
		tmp.Name = sqltext.Truncate(newName.Name, sqltext.MaxIdentifier-len("_new")) + "_new"
	}
	create, ok := concurrentCreate(p.File, r.Create, r.index.Idxname, tmp.Name)
	if !ok {
		return ""
	}
	fix := "-- Migration 1, alone in its file (CONCURRENTLY cannot run in a transaction):\n" + create + "\n" +
		"-- Migration 2, alone in its file:\nDROP INDEX CONCURRENTLY IF EXISTS " + r.Old.String() + ";"
	if tmp != newName {
		fix += "\n-- Migration 3:\nALTER INDEX " + tmp.String() + " RENAME TO " + sqltext.Ident(newName.Name) + ";"
	}
	if r.index.Unique && !provablyUnique(p.SchemaAt(r.Drop.Index), r.Table, indexColumns(r.index)) {
		if q := indexDuplicatesQuery(r.index); q != "" {
			fix = q + "\n" + fix
		}
	}
	return fix
}

// concurrentCreate is the CREATE INDEX statement's own text with
// CONCURRENTLY after INDEX and the index name changed from name to newName.
func concurrentCreate(f *sqlfile.File, s *sqlfile.Stmt, name, newName string) (string, bool) {
	toks := f.Tokens(s.Start, s.End)
	afterIndex, nameAt := -1, -1
	for i, t := range toks {
		if t.Token == pg.Token_INDEX && afterIndex < 0 {
			afterIndex = int(t.End)
		}
		if afterIndex >= 0 && t.Token == pg.Token_IDENT && unquote(f.Src[t.Start:t.End]) == name {
			nameAt = i
			break
		}
	}
	if afterIndex < 0 || nameAt < 0 {
		return "", false
	}
	n := toks[nameAt]
	return f.Src[s.Start:afterIndex] + " CONCURRENTLY" + f.Src[afterIndex:n.Start] + sqltext.Ident(newName) +
		f.Src[n.End:s.End] + terminator(f, s), true
}

// unquote returns the name an identifier token stands for.
func unquote(tok string) string {
	if strings.HasPrefix(tok, `"`) && strings.HasSuffix(tok, `"`) && len(tok) >= 2 {
		return strings.ReplaceAll(tok[1:len(tok)-1], `""`, `"`)
	}
	return strings.ToLower(tok)
}
