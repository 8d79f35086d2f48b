package sqlfile

import (
	"encoding/json"
	"sort"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Block is a DO statement, or a call of a PL/pgSQL function the file
// creates, that ExpandBlocks replaced by the SQL statements it runs.
type Block struct {
	Start, End int      // the DO statement, as Stmt.Start and Stmt.End
	Node       *pg.Node // the DO statement itself, for what judges the file's statements as sent
}

// Sent returns the statement the file sends that s belongs to: s itself, or
// its DO block's node. first reports whether s is the first of those of
// the statement sent, so that one sent statement is counted once.
func (f *File) Sent(s *Stmt) (node *pg.Node, first bool) {
	if s.Block == nil {
		return s.Node, true
	}
	return s.Block.Node, s.Index == 0 || f.Stmts[s.Index-1].Block != s.Block
}

// SentCount is the number of statements the file sends: a DO block whose
// body ExpandBlocks put in its place counts once.
func (f *File) SentCount() int {
	n := 0
	for _, s := range f.Stmts {
		if _, first := f.Sent(s); first {
			n++
		}
	}
	return n
}

// ExpandBlocks replaces every PL/pgSQL DO statement of the file by the SQL
// statements of its body, including EXECUTE of a constant string, so that
// the linter sees (and the schema replays) what the block really runs. The
// inner statements keep their exact place in the file and point to their
// Block; the tokens of a body are those of its text, so rules read them like
// any statement's. A block that is not PL/pgSQL, does not parse or runs no
// SQL is left as it is. Deploying never expands: PostgreSQL runs the DO.
func (f *File) ExpandBlocks() {
	var out []*Stmt
	splice := map[int32][]*pg.ScanToken{} // body token start -> the body's tokens
	expanded := false
	funcs := map[string]*Stmt{} // zero-argument PL/pgSQL functions the file creates, by name
	for _, s := range f.Stmts {
		inner, toks := f.expandBlock(s, funcs)
		if inner == nil {
			out = append(out, s)
			continue
		}
		expanded = true
		out = append(out, inner...)
		if toks != nil {
			splice[toks.at] = toks.toks
		}
	}
	if !expanded {
		return
	}
	for i, s := range out {
		s.Index = i
	}
	f.Stmts = out
	if len(splice) > 0 {
		f.tokens = spliceTokens(f.tokens, splice)
		for _, s := range f.Stmts {
			if s.Block != nil {
				s.Comments = nil
				f.trimComments(s)
			}
		}
	}
}

// spliceTokens replaces each token starting at a key of with by its value.
func spliceTokens(toks []*pg.ScanToken, with map[int32][]*pg.ScanToken) []*pg.ScanToken {
	out := make([]*pg.ScanToken, 0, len(toks))
	for _, t := range toks {
		if w, ok := with[t.Start]; ok {
			out = append(out, w...)
			continue
		}
		out = append(out, t)
	}
	return out
}

// offsets maps a byte index of a string's value to its byte offset in the
// file (defined for 0..len(value)).
type offsets func(int) int

// bodyTokens are the tokens of a body, mapped to the file, that replace the
// body's string token at offset at.
type bodyTokens struct {
	at   int32
	toks []*pg.ScanToken
}

// expandBlock returns the statements a DO statement's body runs, or those
// of the body of a function of funcs that s calls, or nil. It records in
// funcs the functions s creates.
func (f *File) expandBlock(s *Stmt, funcs map[string]*Stmt) ([]*Stmt, *bodyTokens) {
	if cf := s.Node.GetCreateFunctionStmt(); cf != nil {
		if name := funcName(cf.Funcname); len(cf.Parameters) == 0 && name != "" {
			if _, ok := plpgsqlBody(cf.Options); ok {
				funcs[name] = s
			} else {
				delete(funcs, name) // replaced by a body it cannot read
			}
		}
		return nil, nil
	}
	if name := calledFunction(s.Node); name != "" && funcs[name] != nil {
		def := funcs[name]
		body, _ := plpgsqlBody(def.Node.GetCreateFunctionStmt().Options)
		delete(funcs, name) // a second call runs the same statements: one finding each is enough
		return f.expandBody(def, body, &Block{Start: s.Start, End: s.End, Node: s.Node})
	}
	do := s.Node.GetDoStmt()
	if do == nil {
		return nil, nil
	}
	body, ok := plpgsqlBody(do.Args)
	if !ok {
		return nil, nil
	}
	return f.expandBody(s, body, &Block{Start: s.Start, End: s.End, Node: s.Node})
}

// plpgsqlBody returns the body of a DO statement's arguments or a CREATE
// FUNCTION's options when its language is PL/pgSQL (a DO's default).
func plpgsqlBody(opts []*pg.Node) (string, bool) {
	body, lang := "", "plpgsql"
	for _, a := range opts {
		d := a.GetDefElem()
		if d == nil {
			continue
		}
		switch d.Defname {
		case "as":
			if l := d.Arg.GetList(); l != nil && len(l.Items) > 0 { // CREATE FUNCTION's AS is a list
				body = l.Items[0].GetString_().GetSval()
			} else {
				body = d.Arg.GetString_().GetSval()
			}
		case "language":
			lang = strings.ToLower(d.Arg.GetString_().GetSval())
		}
	}
	return body, lang == "plpgsql" && body != ""
}

// funcName is a function's unqualified name.
func funcName(names []*pg.Node) string {
	if len(names) == 0 {
		return ""
	}
	return names[len(names)-1].GetString_().GetSval()
}

// calledFunction returns the function a statement does nothing but call
// without arguments (`SELECT f();`, `CALL f();`), or "".
func calledFunction(n *pg.Node) string {
	if c := n.GetCallStmt(); c != nil && len(c.Funccall.GetArgs()) == 0 {
		return funcName(c.Funccall.GetFuncname())
	}
	sel := n.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 || len(sel.FromClause) > 0 || sel.WhereClause != nil {
		return ""
	}
	fc := sel.TargetList[0].GetResTarget().GetVal().GetFuncCall()
	if fc == nil || len(fc.Args) > 0 || fc.AggStar {
		return ""
	}
	return funcName(fc.Funcname)
}

// expandBody returns the statements of a PL/pgSQL body that def (a DO
// statement or a CREATE FUNCTION) holds, run as blk.
func (f *File) expandBody(def *Stmt, body string, blk *Block) ([]*Stmt, *bodyTokens) {
	lit, ok := f.bodyLiteral(def, body)
	if !ok {
		return nil, nil
	}
	sqls := plpgsqlStatements(body)
	if len(sqls) == 0 {
		return nil, nil
	}
	var stmts []*Stmt
	var toks *bodyTokens
	if f.tokens != nil {
		toks = &bodyTokens{at: int32(lit.start), toks: scanMapped(body, lit.off)}
	}
	for _, q := range sqls {
		text, m, tok, ok := q.resolve(body, lit.off)
		if !ok {
			continue
		}
		if toks != nil && tok != nil {
			toks.toks = spliceTokens(toks.toks, map[int32][]*pg.ScanToken{tok.at: tok.toks})
		}
		stmts = append(stmts, f.innerStmts(text, m, blk)...)
	}
	if len(stmts) == 0 {
		return nil, nil
	}
	sort.SliceStable(stmts, func(i, j int) bool { return stmts[i].Start < stmts[j].Start })
	return stmts, toks
}

// literal is a string constant in the file: where it starts, and where each
// byte of its value is.
type literal struct {
	start int
	off   offsets
}

// bodyLiteral finds the string constant of a DO statement whose value is
// body.
func (f *File) bodyLiteral(s *Stmt, body string) (literal, bool) {
	toks := f.Tokens(s.Start, s.End)
	base := 0
	if f.tokens == nil { // parsed for replay only: scan just this statement
		res, err := pg.Scan(f.Src[s.Start:s.End])
		if err != nil {
			return literal{}, false
		}
		toks, base = res.Tokens, s.Start
	}
	for _, t := range toks {
		if t.Token != pg.Token_SCONST {
			continue
		}
		start := base + int(t.Start)
		raw := f.Src[start : base+int(t.End)]
		value, offs, ok := unquote(raw)
		if ok && value == body {
			return literal{start: start, off: func(i int) int { return start + offs[i] }}, true
		}
	}
	return literal{}, false
}

// unquote returns the value of a dollar-quoted or standard single-quoted
// string constant and, for each byte of the value and one past its end, its
// offset in raw. Escape strings (E'...') and other forms are not handled.
func unquote(raw string) (string, []int, bool) {
	if strings.HasPrefix(raw, "$") {
		end := strings.Index(raw[1:], "$")
		if end < 0 {
			return "", nil, false
		}
		tag := raw[:end+2]
		if len(raw) < 2*len(tag) || !strings.HasSuffix(raw, tag) {
			return "", nil, false
		}
		value := raw[len(tag) : len(raw)-len(tag)]
		offs := make([]int, len(value)+1)
		for i := range offs {
			offs[i] = len(tag) + i
		}
		return value, offs, true
	}
	if len(raw) < 2 || raw[0] != '\'' || raw[len(raw)-1] != '\'' {
		return "", nil, false
	}
	var b strings.Builder
	var offs []int
	for j := 1; j < len(raw)-1; j++ {
		offs = append(offs, j)
		b.WriteByte(raw[j])
		if raw[j] == '\'' {
			j++ // a doubled quote stands for one
		}
	}
	offs = append(offs, len(raw)-1)
	return b.String(), offs, true
}

// plSQL is one SQL statement of a PL/pgSQL body, as the PL/pgSQL parser
// gives it: its text (verbatim from the body) and the body line it starts on.
type plSQL struct {
	query   string
	line    int
	execute bool // EXECUTE <query>: query is an expression, run if a constant string
}

// plpgsqlStatements returns the SQL statements of a PL/pgSQL body in body
// order: plain statements at any depth (IF branches, loops, nested blocks)
// and EXECUTE expressions.
func plpgsqlStatements(body string) []plSQL {
	tag := "$mg_do$"
	for strings.Contains(body, tag) {
		tag = "$mg_do" + tag[1:]
	}
	js, err := pg.ParsePlPgSqlToJSON("CREATE FUNCTION mg_do() RETURNS void LANGUAGE plpgsql AS " + tag + body + tag)
	if err != nil {
		return nil
	}
	var tree any
	if json.Unmarshal([]byte(js), &tree) != nil {
		return nil
	}
	var out []plSQL
	collect(tree, &out)
	return out
}

// collect walks the PL/pgSQL parser's JSON for SQL statements.
func collect(v any, out *[]plSQL) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			collect(e, out)
		}
	case map[string]any:
		for k, e := range v {
			switch k {
			case "PLpgSQL_stmt_execsql":
				if q, line, ok := exprAt(e, "sqlstmt"); ok {
					*out = append(*out, plSQL{query: q, line: line})
				}
				continue
			case "PLpgSQL_stmt_dynexecute":
				if q, line, ok := exprAt(e, "query"); ok {
					*out = append(*out, plSQL{query: q, line: line, execute: true})
				}
				continue
			}
			collect(e, out)
		}
	}
}

// exprAt reads stmt[field].PLpgSQL_expr.query and stmt.lineno.
func exprAt(stmt any, field string) (string, int, bool) {
	m, _ := stmt.(map[string]any)
	e, _ := m[field].(map[string]any)
	x, _ := e["PLpgSQL_expr"].(map[string]any)
	q, _ := x["query"].(string)
	line, _ := m["lineno"].(float64)
	return q, int(line), q != "" && line > 0
}

// resolve finds q in the body and returns the SQL it runs with the file
// offset of each byte, and for EXECUTE the tokens that replace its string.
func (q plSQL) resolve(body string, bodyOff offsets) (string, offsets, *bodyTokens, bool) {
	from := lineStart(body, q.line)
	i := strings.Index(body[from:], q.query)
	if from < 0 || i < 0 {
		return "", nil, nil, false
	}
	at := from + i
	if !q.execute {
		return q.query, func(j int) int { return bodyOff(at + j) }, nil, true
	}
	res, err := pg.Scan(q.query)
	if err != nil || len(res.Tokens) != 1 || res.Tokens[0].Token != pg.Token_SCONST || int(res.Tokens[0].End) != len(q.query) {
		return "", nil, nil, false // not a constant string: unknown until it runs
	}
	value, offs, ok := unquote(q.query)
	if !ok || strings.TrimSpace(value) == "" {
		return "", nil, nil, false
	}
	m := func(j int) int { return bodyOff(at + offs[j]) }
	return value, m, &bodyTokens{at: int32(bodyOff(at)), toks: scanMapped(value, m)}, true
}

// lineStart returns the offset of 1-based line n of s, or -1.
func lineStart(s string, n int) int {
	off := 0
	for ; n > 1; n-- {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off
}

// scanMapped scans text and maps its tokens to the file.
func scanMapped(text string, m offsets) []*pg.ScanToken {
	res, err := pg.Scan(text)
	if err != nil {
		return nil
	}
	out := make([]*pg.ScanToken, len(res.Tokens))
	for i, t := range res.Tokens {
		out[i] = &pg.ScanToken{Start: int32(m(int(t.Start))), End: int32(m(int(t.End))), Token: t.Token, KeywordKind: t.KeywordKind}
	}
	return out
}

// innerStmts parses the SQL a block runs; a constant EXECUTE string that
// PostgreSQL would reject becomes a syntax error at its place.
func (f *File) innerStmts(text string, m offsets, blk *Block) []*Stmt {
	tree, err := pg.Parse(text)
	if err != nil {
		e := &SyntaxError{Offset: m(0), Message: err.Error()}
		if pe, ok := err.(*parser.Error); ok {
			e.Message = pe.Message
			e.Offset = m(charToByte(text, pe.Cursorpos-1))
		}
		f.Errors = append(f.Errors, e)
		sort.Slice(f.Errors, func(i, j int) bool { return f.Errors[i].Offset < f.Errors[j].Offset })
		return nil
	}
	var out []*Stmt
	for _, raw := range tree.Stmts {
		end := len(text)
		if raw.StmtLen > 0 {
			end = int(raw.StmtLocation + raw.StmtLen)
		}
		mapLocations(raw.Stmt.ProtoReflect(), func(loc int32) int32 { return int32(m(min(int(loc), len(text)))) })
		s := &Stmt{Node: raw.Stmt, Start: m(int(raw.StmtLocation)), End: m(end), Block: blk}
		for s.End > s.Start && isSpace(f.Src[s.End-1]) {
			s.End--
		}
		out = append(out, s)
	}
	return out
}

// mapLocations replaces every set location field of a node tree by its
// image under m.
func mapLocations(msg protoreflect.Message, m func(int32) int32) {
	for _, fd := range locationFields(msg.Descriptor()) {
		if loc := int32(msg.Get(fd).Int()); loc >= 0 {
			msg.Set(fd, protoreflect.ValueOfInt32(m(loc)))
		}
	}
	msg.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() != protoreflect.MessageKind || fd.IsMap():
		case fd.IsList():
			for l, i := v.List(), 0; i < l.Len(); i++ {
				mapLocations(l.Get(i).Message(), m)
			}
		default:
			mapLocations(v.Message(), m)
		}
		return true
	})
}
