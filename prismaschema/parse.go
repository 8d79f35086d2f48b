package prismaschema

import "strings"

// parser reads the blocks of one file.
type parser struct {
	lx  lexer
	tok token
	doc []string // /// comments seen since the last declaration
	// depth counts open parentheses and brackets: newlines inside them do
	// not end a field.
	depth int
}

// parseFile returns the blocks of one schema file, or the first error.
func parseFile(name, src string) ([]Block, error) {
	p := &parser{lx: lexer{src: src, line: 1, file: name}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var blocks []Block
	for {
		p.skipNewlines()
		if p.tok.kind == tokEOF {
			return blocks, nil
		}
		b, err := p.block()
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, b)
	}
}

func (p *parser) errorf(format string, args ...any) error {
	return &Error{File: p.lx.file, Line: p.tok.line, Msg: sprintf(format, args...)}
}

// advance moves to the next token, collecting /// comments and skipping
// newlines inside parentheses and brackets.
func (p *parser) advance() error {
	for {
		t, err := p.lx.next()
		if err != nil {
			return err
		}
		switch {
		case t.kind == tokDoc:
			if t.text != "" || len(p.doc) > 0 {
				p.doc = append(p.doc, t.text)
			}
			continue
		case t.kind == tokNewline && p.depth > 0:
			continue
		case t.kind == tokPunct && (t.text == "(" || t.text == "["):
			p.depth++
		case t.kind == tokPunct && (t.text == ")" || t.text == "]") && p.depth > 0:
			p.depth--
		}
		p.tok = t
		return nil
	}
}

func (p *parser) skipNewlines() {
	for p.tok.kind == tokNewline {
		if err := p.advance(); err != nil {
			p.tok = token{kind: tokEOF, line: p.tok.line}
			return
		}
	}
}

func (p *parser) is(text string) bool { return p.tok.kind == tokPunct && p.tok.text == text }

func (p *parser) expect(text string) error {
	if !p.is(text) {
		return p.errorf("expected %q, found %s", text, describe(p.tok))
	}
	return p.advance()
}

func (p *parser) ident(what string) (string, error) {
	if p.tok.kind != tokIdent {
		return "", p.errorf("expected %s, found %s", what, describe(p.tok))
	}
	s := p.tok.text
	return s, p.advance()
}

// takeDoc returns the /// comments collected so far and forgets them.
func (p *parser) takeDoc() string {
	d := strings.Join(p.doc, "\n")
	p.doc = nil
	return d
}

// endLine expects the end of a line (or of the block or file).
func (p *parser) endLine() error {
	switch {
	case p.tok.kind == tokNewline:
		return p.advance()
	case p.tok.kind == tokEOF, p.is("}"):
		return nil
	}
	return p.errorf("expected the end of the line, found %s", describe(p.tok))
}

var keywords = map[string]bool{"datasource": true, "generator": true, "model": true, "view": true, "enum": true, "type": true}

func (p *parser) block() (Block, error) {
	b := Block{Doc: p.takeDoc(), File: p.lx.file, Line: p.tok.line}
	if p.tok.kind != tokIdent || !keywords[p.tok.text] {
		return b, p.errorf("expected a block (datasource, generator, model, view, enum or type), found %s", describe(p.tok))
	}
	b.Keyword = p.tok.text
	if err := p.advance(); err != nil {
		return b, err
	}
	var err error
	if b.Name, err = p.ident(b.Keyword + " name"); err != nil {
		return b, err
	}
	if err := p.expect("{"); err != nil {
		return b, err
	}
	for {
		p.skipNewlines()
		switch {
		case p.tok.kind == tokEOF:
			return b, p.errorf("%s %s is not closed with }", b.Keyword, b.Name)
		case p.is("}"):
			p.doc = nil
			return b, p.advance()
		case p.is("@@"):
			a, err := p.attribute()
			if err != nil {
				return b, err
			}
			b.Attrs = append(b.Attrs, a)
			err = p.endLine()
		case b.Keyword == "datasource" || b.Keyword == "generator":
			err = p.prop(&b)
		default:
			err = p.field(&b)
		}
		if err != nil {
			return b, err
		}
	}
}

func (p *parser) prop(b *Block) error {
	line := p.tok.line
	key, err := p.ident("a property name")
	if err != nil {
		return err
	}
	if err := p.expect("="); err != nil {
		return err
	}
	v, err := p.expr()
	if err != nil {
		return err
	}
	b.Props = append(b.Props, Prop{Key: key, Value: v, Line: line})
	p.doc = nil
	return p.endLine()
}

func (p *parser) field(b *Block) error {
	f := FieldDecl{Doc: p.takeDoc(), Line: p.tok.line}
	var err error
	if f.Name, err = p.ident("a field name"); err != nil {
		return err
	}
	if b.Keyword != "enum" {
		if err := p.fieldType(&f); err != nil {
			return err
		}
	}
	for p.is("@") {
		a, err := p.attribute()
		if err != nil {
			return err
		}
		f.Attrs = append(f.Attrs, a)
	}
	b.Fields = append(b.Fields, f)
	return p.endLine()
}

// fieldType reads Type, Type?, Type[] or Unsupported("...").
func (p *parser) fieldType(f *FieldDecl) error {
	if p.tok.kind != tokIdent {
		return p.errorf("field %s has no type: expected a type, found %s", f.Name, describe(p.tok))
	}
	f.Type = p.tok.text
	if err := p.advance(); err != nil {
		return err
	}
	if f.Type == "Unsupported" && p.is("(") {
		if err := p.advance(); err != nil {
			return err
		}
		if p.tok.kind != tokString {
			return p.errorf("Unsupported takes a string, found %s", describe(p.tok))
		}
		f.TypeArg = p.tok.text
		if err := p.advance(); err != nil {
			return err
		}
		if err := p.expect(")"); err != nil {
			return err
		}
	}
	switch {
	case p.is("?"):
		f.Optional = true
		if err := p.advance(); err != nil {
			return err
		}
	case p.is("["):
		if err := p.advance(); err != nil {
			return err
		}
		if err := p.expect("]"); err != nil {
			return err
		}
		f.List = true
	}
	if p.is("?") || p.is("[") {
		return p.errorf("field %s: a type takes one modifier, ? or []", f.Name)
	}
	return nil
}

// attribute reads @name(args) or @@name(args); the name may be dotted.
func (p *parser) attribute() (Attr, error) {
	a := Attr{Line: p.tok.line}
	if err := p.advance(); err != nil {
		return a, err
	}
	name, err := p.ident("an attribute name")
	if err != nil {
		return a, err
	}
	for p.is(".") {
		if err := p.advance(); err != nil {
			return a, err
		}
		part, err := p.ident("an attribute name after the dot")
		if err != nil {
			return a, err
		}
		name += "." + part
	}
	a.Name = name
	if p.is("(") {
		if a.Args, err = p.args(); err != nil {
			return a, err
		}
	}
	return a, nil
}

// args reads (a, name: b, ...) with an optional trailing comma.
func (p *parser) args() ([]Arg, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out []Arg
	for !p.is(")") {
		var a Arg
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		if v.Kind == ConstantExpr && p.is(":") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			a.Name = v.Text
			if v, err = p.expr(); err != nil {
				return nil, err
			}
		}
		a.Value = v
		out = append(out, a)
		if !p.is(",") {
			break
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	return out, p.expect(")")
}

func (p *parser) expr() (Expr, error) {
	t := p.tok
	switch {
	case t.kind == tokString:
		return Expr{Kind: StringExpr, Text: t.text}, p.advance()
	case t.kind == tokNumber:
		return Expr{Kind: NumberExpr, Text: t.text}, p.advance()
	case p.is("["):
		return p.array()
	case t.kind == tokIdent:
		if err := p.advance(); err != nil {
			return Expr{}, err
		}
		e := Expr{Kind: ConstantExpr, Text: t.text}
		for p.is(".") { // a path such as a composite field: address.street
			if err := p.advance(); err != nil {
				return e, err
			}
			part, err := p.ident("a name after the dot")
			if err != nil {
				return e, err
			}
			e.Text += "." + part
		}
		if p.is("(") {
			args, err := p.args()
			if err != nil {
				return e, err
			}
			e.Kind, e.Args = CallExpr, args
		}
		return e, nil
	}
	return Expr{}, p.errorf("expected a value, found %s", describe(t))
}

func (p *parser) array() (Expr, error) {
	e := Expr{Kind: ArrayExpr}
	if err := p.advance(); err != nil {
		return e, err
	}
	for !p.is("]") {
		v, err := p.expr()
		if err != nil {
			return e, err
		}
		e.Elems = append(e.Elems, v)
		if !p.is(",") {
			break
		}
		if err := p.advance(); err != nil {
			return e, err
		}
	}
	return e, p.expect("]")
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "the end of the file"
	case tokNewline:
		return "the end of the line"
	case tokString:
		return "a string"
	}
	return sprintf("%q", t.text)
}
