package deploy

import (
	"unsafe"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// leanSize is the file size above which a migration is parsed lean. A full
// parse tree takes about 20 times the file's size in memory (1.1 GB for a
// 50 MB INSERT); deploy needs only where statements start and end and what
// the utility statements are.
const leanSize = 8 << 20

// parseLean splits a large file into statements with PostgreSQL's parser
// and keeps the parse tree of its utility statements only: a data statement
// (INSERT, UPDATE, DELETE, SELECT, MERGE) can neither control transactions
// nor refuse to run in one, so an empty node stands for it. (The one thing
// lost: the execution model cannot see a new enum value used by such a
// statement, so the file runs as one transaction and fails cleanly with
// 55P04.) The parser's trees live in C memory only while each call runs.
func parseLean(path string, data []byte) (*sqlfile.File, error) {
	f, err := sqlfile.NewText(path, data)
	if err != nil {
		return nil, err
	}
	texts, err := pg.SplitWithParser(f.Src, false)
	var utility []bool
	if err == nil {
		utility, err = pg.IsUtilityStmt(f.Src)
	}
	if err != nil || len(utility) != len(texts) {
		// Sent as one query, the server reports the error with its position.
		f.Errors = []*sqlfile.SyntaxError{{Message: errOr(err, "the parser split the file inconsistently")}}
		return f, nil
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(f.Src)))
	for i, text := range texts {
		if text == "" {
			continue
		}
		// The split returns substrings of f.Src: their offsets are exact.
		start := int(uintptr(unsafe.Pointer(unsafe.StringData(text))) - base)
		s := &sqlfile.Stmt{Index: len(f.Stmts), Node: &pg.Node{}, Start: start, End: start + len(text)}
		if utility[i] {
			tree, err := pg.Parse(text)
			if err != nil || len(tree.Stmts) != 1 {
				f.Stmts, f.Errors = nil, []*sqlfile.SyntaxError{{Offset: start, Message: errOr(err, "a statement of the split did not parse alone")}}
				return f, nil
			}
			s.Node = tree.Stmts[0].Stmt
		}
		f.Stmts = append(f.Stmts, s)
	}
	return f, nil
}
