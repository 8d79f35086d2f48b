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

// terminator is what ends s in a fix: ";", or ";" on a line of its own when
// the statement ends in a `--` comment that would swallow it.
func terminator(f *sqlfile.File, s *sqlfile.Stmt) string {
	toks := f.Tokens(s.Start, s.End)
	if len(toks) > 0 && toks[len(toks)-1].Token == pg.Token_SQL_COMMENT {
		return "\n;"
	}
	return ";"
}

// replacement is text that takes the place of a span of the file, to build
// a fix from the user's own statement: names and comments stay verbatim.
type replacement struct {
	span sqlfile.Span
	text string
}

// withReplacements returns the source text of sp with the replacements,
// which must not overlap, made.
func withReplacements(f *sqlfile.File, sp sqlfile.Span, rs []replacement) string {
	rs = append([]replacement(nil), rs...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].span.Start < rs[j].span.Start })
	var b strings.Builder
	from := sp.Start
	for _, r := range rs {
		b.WriteString(f.Src[from:r.span.Start])
		b.WriteString(r.text)
		from = r.span.End
	}
	b.WriteString(f.Src[from:sp.End])
	return b.String()
}

// parenSpan returns the span inside the first parenthesized group that
// starts at or after from, within sp.
func parenSpan(f *sqlfile.File, sp sqlfile.Span, from int) (sqlfile.Span, bool) {
	depth, start := 0, -1
	for _, t := range f.Tokens(sp.Start, sp.End) {
		if int(t.Start) < from {
			continue
		}
		switch t.Token {
		case pg.Token_ASCII_40:
			if depth == 0 && start < 0 {
				start = int(t.End)
			}
			depth++
		case pg.Token_ASCII_41:
			depth--
			if depth == 0 && start >= 0 {
				return sqlfile.Span{Start: start, End: int(t.Start)}, true
			}
		}
	}
	return sqlfile.Span{}, false
}

// ifExists is "IF EXISTS " for a statement that had it (missingOk), so a
// fix does not fail where the statement it replaces did nothing.
func ifExists(missingOk bool) string {
	if missingOk {
		return "IF EXISTS "
	}
	return ""
}
