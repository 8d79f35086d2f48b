package sqlfile

import pg "github.com/pganalyze/pg_query_go/v6"

// Span is a [Start,End) byte range in a file.
type Span struct{ Start, End int }

// Clauses splits a multi-clause statement such as
// `ALTER TABLE "T" ADD COLUMN a INT, DROP COLUMN b` into the spans of its
// comma-separated clauses. nameAt is the byte offset of the relation name
// (RangeVar.Location); the clauses start after that (possibly qualified)
// name. It returns nil when the tokens do not split into want clauses, so a
// caller falls back to the statement's span.
func (f *File) Clauses(s *Stmt, nameAt, want int) []Span {
	toks := f.Tokens(nameAt, s.End)
	i := skipName(toks)
	var spans []Span
	depth, start := 0, -1
	for ; i < len(toks); i++ {
		t := toks[i]
		switch t.Token {
		case pg.Token_SQL_COMMENT, pg.Token_C_COMMENT:
			continue
		case pg.Token_ASCII_40: // (
			depth++
		case pg.Token_ASCII_41: // )
			depth--
		case pg.Token_ASCII_44: // ,
			if depth == 0 && start >= 0 {
				spans = append(spans, Span{start, int(toks[i-1].End)})
				start = -1
				continue
			}
		}
		if start < 0 {
			start = int(t.Start)
		}
	}
	if start >= 0 {
		spans = append(spans, Span{start, s.End})
	}
	if len(spans) != want {
		return nil
	}
	for k := range spans {
		spans[k].End = f.trimEnd(spans[k])
	}
	return spans
}

// trimEnd drops trailing comments from a clause: they belong to the next one.
func (f *File) trimEnd(sp Span) int {
	toks := f.Tokens(sp.Start, sp.End)
	for k := len(toks) - 1; k >= 0; k-- {
		if toks[k].Token != pg.Token_SQL_COMMENT && toks[k].Token != pg.Token_C_COMMENT {
			return int(toks[k].End)
		}
	}
	return sp.End
}

// skipName returns the index of the first token after a possibly
// schema-qualified name at the start of toks.
func skipName(toks []*pg.ScanToken) int {
	i := 1
	for i+1 < len(toks) && toks[i].Token == pg.Token_ASCII_46 { // .
		i += 2
	}
	if i > len(toks) {
		return len(toks)
	}
	return i
}
