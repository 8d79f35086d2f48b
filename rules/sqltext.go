package rules

import (
	"sort"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// insertion is text to insert at a byte offset of a file, to build a fix
// from the user's own statement: names, IF NOT EXISTS and comments stay
// verbatim.
type insertion struct {
	at   int
	text string
}

// afterToken inserts " "+words right after the first token of kind tok in
// sp. It returns false when sp holds no such token.
func afterToken(f *sqlfile.File, sp sqlfile.Span, tok pg.Token, words string) (insertion, bool) {
	for _, t := range f.Tokens(sp.Start, sp.End) {
		if t.Token == tok {
			return insertion{at: int(t.End), text: " " + words}, true
		}
	}
	return insertion{}, false
}

// withInsertions returns the source text of sp with the insertions made.
func withInsertions(f *sqlfile.File, sp sqlfile.Span, ins []insertion) string {
	ins = append([]insertion(nil), ins...)
	sort.SliceStable(ins, func(i, j int) bool { return ins[i].at < ins[j].at })
	var b strings.Builder
	from := sp.Start
	for _, in := range ins {
		b.WriteString(f.Src[from:in.at])
		b.WriteString(in.text)
		from = in.at
	}
	b.WriteString(f.Src[from:sp.End])
	return b.String()
}

// ownMigration explains why a CONCURRENTLY statement needs a migration file
// to itself.
const ownMigration = "Put it alone in a migration of its own: Prisma before 7.4 runs a migration.sql holding several " +
	"statements as one transaction, and so does Prisma 7.4+ when the file holds a statement its SQL parser cannot read " +
	"(DROP INDEX CONCURRENTLY, a DO block); CONCURRENTLY fails there with SQLSTATE 25001 (one statement per file " +
	"works with every Prisma version and with `migrate-guard deploy`). "

// terminator is what ends s in a fix: ";", or ";" on a line of its own when
// the statement ends in a `--` comment that would swallow it.
func terminator(f *sqlfile.File, s *sqlfile.Stmt) string {
	toks := f.Tokens(s.Start, s.End)
	if len(toks) > 0 && toks[len(toks)-1].Token == pg.Token_SQL_COMMENT {
		return "\n;"
	}
	return ";"
}

// prismaMove is the Prisma workflow for moving a statement into a migration
// of its own.
const prismaMove = "With Prisma: create an empty migration with `prisma migrate dev --create-only`, move the statement " +
	"into its migration.sql, then apply it with `prisma migrate dev`."
