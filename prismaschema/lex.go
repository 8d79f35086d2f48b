package prismaschema

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token of the Prisma Schema Language.
type tokKind int

const (
	tokEOF tokKind = iota
	tokNewline
	tokIdent
	tokString
	tokNumber
	tokPunct // one of { } ( ) [ ] , : = ? . and @ or @@
	tokDoc   // a /// comment; Text is the comment without the slashes
)

type token struct {
	kind tokKind
	text string
	line int
}

// lexer splits a schema file into tokens. Ordinary // comments are dropped;
// newlines are tokens because they end fields and properties.
type lexer struct {
	src  string
	pos  int
	line int
	file string
}

func (l *lexer) errorf(format string, args ...any) error {
	return &Error{File: l.file, Line: l.line, Msg: sprintf(format, args...)}
}

// next returns the next token, or an error naming the line.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '\n':
			l.pos++
			l.line++
			return token{tokNewline, "\n", l.line - 1}, nil
		case strings.HasPrefix(l.src[l.pos:], "///"):
			return l.comment(3, tokDoc), nil
		case strings.HasPrefix(l.src[l.pos:], "//"):
			l.comment(2, tokDoc)
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return token{}, l.errorf("comment /* is not closed with */")
			}
			l.line += strings.Count(l.src[l.pos:l.pos+2+end], "\n")
			l.pos += 2 + end + 2
		case c == '"':
			return l.str()
		case c == '@':
			if strings.HasPrefix(l.src[l.pos:], "@@") {
				l.pos += 2
				return token{tokPunct, "@@", l.line}, nil
			}
			l.pos++
			return token{tokPunct, "@", l.line}, nil
		case strings.IndexByte("{}()[],:=?.", c) >= 0:
			l.pos++
			return token{tokPunct, string(c), l.line}, nil
		case identChar(c) || c == '-' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]):
			return l.word(), nil
		default:
			r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
			return token{}, l.errorf("unexpected character %q", r)
		}
	}
	return token{tokEOF, "", l.line}, nil
}

// comment consumes a comment up to the end of the line.
func (l *lexer) comment(slashes int, kind tokKind) token {
	end := strings.IndexByte(l.src[l.pos:], '\n')
	if end < 0 {
		end = len(l.src) - l.pos
	}
	text := l.src[l.pos+slashes : l.pos+end]
	l.pos += end
	return token{kind, strings.TrimSpace(text), l.line}
}

// word reads an identifier or a number: identifiers may start with a digit
// and hold '-', as Prisma's grammar allows, so a word is a number only when
// it is one as a whole.
func (l *lexer) word() token {
	start := l.pos
	l.pos++
	for l.pos < len(l.src) && identChar(l.src[l.pos]) {
		l.pos++
	}
	w := l.src[start:l.pos]
	if isNumber(w) {
		if l.pos+1 < len(l.src) && l.src[l.pos] == '.' && isDigit(l.src[l.pos+1]) {
			l.pos++
			for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
				l.pos++
			}
		}
		return token{tokNumber, l.src[start:l.pos], l.line}
	}
	return token{tokIdent, w, l.line}
}

// str reads a double-quoted string with JSON-style escapes.
func (l *lexer) str() (token, error) {
	line := l.line
	var b strings.Builder
	l.pos++
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch c {
		case '"':
			l.pos++
			return token{tokString, b.String(), line}, nil
		case '\n':
			return token{}, l.errorf("string is not closed before the end of the line")
		case '\\':
			if l.pos+1 >= len(l.src) {
				return token{}, l.errorf("string is not closed")
			}
			e := l.src[l.pos+1]
			l.pos += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				if l.pos+4 > len(l.src) {
					return token{}, l.errorf("bad \\u escape in string")
				}
				v, err := strconv.ParseUint(l.src[l.pos:l.pos+4], 16, 16)
				if err != nil {
					return token{}, l.errorf("bad \\u escape in string")
				}
				b.WriteRune(rune(v))
				l.pos += 4
			default:
				b.WriteByte(e) // \" \\ \/ and anything else stand for themselves
			}
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return token{}, l.errorf("string is not closed")
}

func identChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_' || c == '-'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isNumber(w string) bool {
	w = strings.TrimPrefix(w, "-")
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return true
}
