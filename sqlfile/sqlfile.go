// Package sqlfile parses one SQL migration file with PostgreSQL's own parser
// (pg_query) into statements that keep their exact place in the file.
//
// Offsets are byte offsets into the file; Position turns them into the
// 1-based line and character column a person (and GitHub) expects.
package sqlfile

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// MaxSize is the largest file Parse accepts. Real migrations are far smaller;
// the cap keeps a stray dump or binary from exhausting memory.
const MaxSize = 64 << 20

// GrammarVersion names the PostgreSQL grammar the parser implements, for
// syntax errors on newer syntax.
const GrammarVersion = "PostgreSQL 17"

// File is a parsed SQL file.
type File struct {
	Path   string // the path as the user should see it
	Src    string
	Stmts  []*Stmt
	Errors []*SyntaxError // statements the parser rejected; they are not in Stmts
	// NoTransaction is set when the file tells its runner not to wrap it in
	// a transaction (goose's `-- +goose NO TRANSACTION`, Atlas's
	// `-- atlas:txmode none`, Flyway's executeInTransaction=false).
	NoTransaction bool
	body          string // the part of Src that is parsed: goose's Up section
	tokens        []*pg.ScanToken
	lines         []int // byte offset of the start of every line
}

// Stmt is one statement of a file.
type Stmt struct {
	Index    int // position in File.Stmts
	Node     *pg.Node
	Start    int       // first byte of the statement proper, after leading comments
	End      int       // one past its last byte, before the terminating ';'
	Comments []Comment // the comments between the previous statement and this one
	// Block is the DO statement the statement runs in, when ExpandBlocks
	// put the statements of its body in its place; nil at top level.
	Block *Block
}

// Comment is a `--` or `/* */` comment.
type Comment struct {
	Start, End int
	Text       string
}

// SyntaxError is a statement PostgreSQL's grammar rejects.
type SyntaxError struct {
	Offset  int // byte offset of the error in the file
	Message string
}

// Pos is a 1-based line and character column.
type Pos struct{ Line, Col int }

// InputError is a file that cannot be linted at all. Line is 0 when the
// problem is not tied to a line.
type InputError struct {
	Path string
	Line int
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Parse parses src. Syntax errors do not fail Parse: they are collected in
// File.Errors and the statements around them are still returned. Parse fails
// only for input that is not SQL text at all (too large, not UTF-8, NUL bytes).
func Parse(path string, src []byte) (*File, error) {
	f, err := newFile(path, src)
	if err != nil {
		return nil, err
	}
	f.parse()
	return f, nil
}

// ParseForReplay parses a file that is only replayed into the schema, never
// linted: the engine's history before the files it lints. It skips the
// scanner, a third of the parsing time, when nothing needs its tokens, so
// its statements carry Node, End and a Start that includes their leading
// comments, and no Comments; Tokens and Clauses find nothing. Files with
// goose annotations or syntax errors are parsed in full, since reading the
// annotations and recovering from errors take the tokens; their statements
// are those Parse returns.
func ParseForReplay(path string, src []byte) (*File, error) {
	f, err := newFile(path, src)
	if err != nil {
		return nil, err
	}
	if strings.Contains(f.Src, "+goose") { // a goose annotation is a comment that contains it
		f.parse()
		return f, nil
	}
	f.body = f.Src
	tree, err := pg.Parse(f.body)
	if err != nil {
		f.parse()
		return f, nil
	}
	for _, raw := range tree.Stmts {
		f.addStmt(raw, 0)
	}
	return f, nil
}

// NewText checks that src is SQL text and returns it as a File without
// statements, for callers that split and parse it their own way (deploy
// does so for very large files, to bound its memory).
func NewText(path string, src []byte) (*File, error) { return newFile(path, src) }

// newFile checks that src is SQL text and indexes its lines.
func newFile(path string, src []byte) (*File, error) {
	if len(src) > MaxSize {
		return nil, &InputError{Path: path, Msg: fmt.Sprintf("file is %d MiB; migrate-guard reads files up to %d MiB", len(src)>>20, MaxSize>>20)}
	}
	f := &File{Path: path, Src: string(src)}
	f.lines = lineStarts(f.Src)
	if off := invalidByte(f.Src); off >= 0 {
		return nil, &InputError{Path: path, Line: f.Position(off).Line, Msg: fmt.Sprintf("byte 0x%02x at offset %d is not UTF-8 text; PostgreSQL reads migrations as UTF-8", f.Src[off], off)}
	}
	return f, nil
}

// parse scans and parses the whole file.
func (f *File) parse() {
	f.scan()
	f.body = f.Src
	f.goose()
	f.atlas()
	tree, err := pg.Parse(f.body)
	if err == nil {
		for _, raw := range tree.Stmts {
			f.addStmt(raw, 0)
		}
		return
	}
	f.recover(err)
}

// invalidByte returns the offset of the first byte that is not valid UTF-8 or
// is NUL (which PostgreSQL never accepts in query text), or -1.
func invalidByte(s string) int {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return -1
	}
	for i, r := range s {
		if r == utf8.RuneError || r == 0 {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		}
	}
	return -1
}

func lineStarts(s string) []int {
	starts := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func (f *File) scan() {
	res, err := pg.Scan(f.Src)
	if err == nil {
		f.tokens = res.Tokens
	}
}

// recover handles a file the parser rejected as a whole: it splits the file at
// top-level semicolons with the real scanner and parses each piece alone, so
// one bad statement does not hide findings in the others.
func (f *File) recover(whole error) {
	pieces := f.split()
	if pieces == nil {
		f.addError(whole, 0, f.body)
		return
	}
	failed := false
	for _, p := range pieces {
		text := f.Src[p[0]:p[1]]
		tree, err := pg.Parse(text)
		if err != nil {
			f.addError(err, p[0], text)
			failed = true
			continue
		}
		for _, raw := range tree.Stmts {
			shiftLocations(raw.Stmt.ProtoReflect(), int32(p[0]))
			f.addStmt(raw, p[0])
		}
	}
	if !failed { // the split itself changed the meaning (e.g. BEGIN ATOMIC bodies)
		f.Stmts = nil
		f.addError(whole, 0, f.body)
	}
}

// split returns [start,end) byte ranges ending at each ';' token that ends a
// statement, or nil when the scanner itself fails (e.g. an unterminated
// quote). Like psql, it keeps the ';'s of a CREATE FUNCTION or PROCEDURE's
// BEGIN ATOMIC ... END body inside the statement.
func (f *File) split() [][2]int {
	if f.tokens == nil && strings.TrimSpace(f.body) != "" {
		return nil
	}
	var pieces [][2]int
	var head []pg.Token // the first tokens of the current statement
	start, depth, blocks := 0, 0, 0
	for _, t := range f.Tokens(0, len(f.body)) {
		if t.Token == pg.Token_SQL_COMMENT || t.Token == pg.Token_C_COMMENT {
			continue
		}
		if len(head) < 4 {
			head = append(head, t.Token)
		}
		switch t.Token {
		case pg.Token_ASCII_40: // (
			depth++
		case pg.Token_ASCII_41: // )
			depth--
		case pg.Token_BEGIN_P, pg.Token_CASE, pg.Token_END_P:
			if depth == 0 && createsRoutine(head) {
				blocks = blockDepth(blocks, t.Token)
			}
		case pg.Token_ASCII_59: // ;
			if blocks == 0 {
				pieces = append(pieces, [2]int{start, int(t.End)})
				start, depth, head = int(t.End), 0, head[:0]
			}
		}
	}
	if start < len(f.body) {
		pieces = append(pieces, [2]int{start, len(f.body)})
	}
	return pieces
}

// createsRoutine reports whether a statement starts with
// CREATE [OR REPLACE] FUNCTION|PROCEDURE, whose body may be BEGIN ATOMIC.
func createsRoutine(head []pg.Token) bool {
	routine := func(i int) bool {
		return len(head) > i && (head[i] == pg.Token_FUNCTION || head[i] == pg.Token_PROCEDURE)
	}
	if len(head) < 2 || head[0] != pg.Token_CREATE {
		return false
	}
	return routine(1) || head[1] == pg.Token_OR && len(head) > 2 && head[2] == pg.Token_REPLACE && routine(3)
}

// blockDepth tracks BEGIN ... END nesting as psql does: a CASE inside a body
// also ends with END.
func blockDepth(depth int, t pg.Token) int {
	switch {
	case t == pg.Token_BEGIN_P, t == pg.Token_CASE && depth > 0:
		return depth + 1
	case t == pg.Token_END_P && depth > 0:
		return depth - 1
	}
	return depth
}

// shiftLocations adds base to every location field of a node tree parsed from
// a piece of the file starting at byte base, so that rules see file offsets
// as they do after a whole-file parse. Unset fields are included: a location
// of 0 is the piece's first byte.
func shiftLocations(m protoreflect.Message, base int32) {
	mapLocations(m, func(loc int32) int32 { return loc + base })
}

// locations maps each node type's descriptor to its location fields, found
// once per type: looking fields up by name on every node took most of the
// time of recovering a file with syntax errors. Descriptors never change,
// so sharing this between goroutines is safe.
var locations sync.Map // protoreflect.MessageDescriptor -> []protoreflect.FieldDescriptor

func locationFields(md protoreflect.MessageDescriptor) []protoreflect.FieldDescriptor {
	if v, ok := locations.Load(md); ok {
		return v.([]protoreflect.FieldDescriptor)
	}
	var out []protoreflect.FieldDescriptor
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		name := string(fd.Name())
		if fd.Kind() == protoreflect.Int32Kind && !fd.IsList() && (name == "location" || strings.HasSuffix(name, "_location")) {
			out = append(out, fd)
		}
	}
	locations.Store(md, out)
	return out
}

func (f *File) addError(err error, base int, text string) {
	e := &SyntaxError{Offset: base, Message: err.Error()}
	if pe, ok := err.(*parser.Error); ok {
		e.Message = pe.Message
		e.Offset = base + charToByte(text, pe.Cursorpos-1)
	}
	if e.Offset > len(f.Src) {
		e.Offset = len(f.Src)
	}
	f.Errors = append(f.Errors, e)
}

// CharOffset returns the byte offset of the character chars characters
// after byte from: the error positions of pg_query and of the server count
// characters, not bytes.
func (f *File) CharOffset(from, chars int) int { return from + charToByte(f.Src[from:], chars) }

// charToByte converts a 0-based character index into a byte offset.
func charToByte(s string, chars int) int {
	if chars <= 0 {
		return 0
	}
	n := 0
	for i := range s {
		if n == chars {
			return i
		}
		n++
	}
	return len(s)
}

func (f *File) addStmt(raw *pg.RawStmt, base int) {
	start := base + int(raw.StmtLocation)
	end := len(f.body)
	if raw.StmtLen > 0 {
		end = start + int(raw.StmtLen)
	}
	s := &Stmt{Index: len(f.Stmts), Node: raw.Stmt, Start: start, End: end}
	f.trimComments(s)
	f.Stmts = append(f.Stmts, s)
}

// trimComments moves s.Start past the comments and blank space that pg_query
// counts as part of the statement, collecting the comments.
func (f *File) trimComments(s *Stmt) {
	i := sort.Search(len(f.tokens), func(i int) bool { return int(f.tokens[i].Start) >= s.Start })
	for ; i < len(f.tokens) && int(f.tokens[i].Start) < s.End; i++ {
		t := f.tokens[i]
		if t.Token != pg.Token_SQL_COMMENT && t.Token != pg.Token_C_COMMENT {
			s.Start = int(t.Start)
			break
		}
		s.Comments = append(s.Comments, Comment{Start: int(t.Start), End: int(t.End), Text: f.Src[t.Start:t.End]})
	}
	for s.End > s.Start && isSpace(f.Src[s.End-1]) {
		s.End--
	}
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v'
}

// TextOnly returns the file's text and line index without its statements
// and tokens, for reports that quote lines after the parse is dropped: a
// long history's parse trees need not stay in memory to the end of a run.
func (f *File) TextOnly() *File { return &File{Path: f.Path, Src: f.Src, lines: f.lines} }

// Text returns the statement's SQL, without leading comments or the ';'.
func (f *File) Text(s *Stmt) string { return f.Src[s.Start:s.End] }

// Position converts a byte offset into a 1-based line and character column.
func (f *File) Position(off int) Pos {
	if off > len(f.Src) {
		off = len(f.Src)
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	return Pos{Line: line + 1, Col: utf8.RuneCountInString(f.Src[f.lines[line]:off]) + 1}
}

// Line returns the text of 1-based line n, without its line break.
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	end := len(f.Src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	return strings.TrimRight(f.Src[f.lines[n-1]:end], "\r")
}

// Tokens returns the scanner tokens that lie within [start,end), comments
// included.
func (f *File) Tokens(start, end int) []*pg.ScanToken {
	i := sort.Search(len(f.tokens), func(i int) bool { return int(f.tokens[i].Start) >= start })
	j := sort.Search(len(f.tokens), func(j int) bool { return int(f.tokens[j].Start) >= end })
	return f.tokens[i:j]
}
