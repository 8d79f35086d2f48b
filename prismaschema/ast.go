package prismaschema

import "fmt"

// Error is a schema that Prisma would reject, with the file and line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Block is one top-level block as written: datasource, generator, model,
// view, enum or type.
type Block struct {
	Keyword string // "datasource", "generator", "model", "view", "enum" or "type"
	Name    string
	Doc     string // the /// comments above it
	File    string
	Line    int
	// Props are the key = value lines of a datasource or generator.
	Props []Prop
	// Fields are the fields of a model, view or type, and the values of an
	// enum (which have no Type).
	Fields []FieldDecl
	// Attrs are the block attributes (@@map, @@id, ...), without the @@.
	Attrs []Attr
}

// Prop is a key = value line of a datasource or generator.
type Prop struct {
	Key   string
	Value Expr
	Line  int
}

// FieldDecl is a field or enum value as written.
type FieldDecl struct {
	Name     string
	Type     string // "" for an enum value; "Unsupported" for Unsupported("...")
	TypeArg  string // the argument of Unsupported
	List     bool
	Optional bool
	Attrs    []Attr // without the @
	Doc      string
	Line     int
}

// Attr is an attribute, by name without its @ or @@: "map", "db.VarChar".
type Attr struct {
	Name string
	Args []Arg
	Line int
}

// Arg is an attribute or function argument; Name is "" when positional.
type Arg struct {
	Name  string
	Value Expr
}

// ExprKind is the kind of an expression.
type ExprKind int

// The kinds of expressions.
const (
	StringExpr   ExprKind = iota // "text"
	NumberExpr                   // 42, -1.5
	ConstantExpr                 // an identifier: true, Desc, RED, a field name
	CallExpr                     // now(), env("X"), dbgenerated("..."), field(sort: Desc)
	ArrayExpr                    // [a, b]
)

// Expr is an expression: a value of a property, attribute or argument.
type Expr struct {
	Kind  ExprKind
	Text  string // the string's value, the number, the constant or the function's name
	Args  []Arg  // of a call
	Elems []Expr // of an array
}

// Attr returns the first attribute with that name, or nil.
func attr(attrs []Attr, name string) *Attr {
	for i := range attrs {
		if attrs[i].Name == name {
			return &attrs[i]
		}
	}
	return nil
}

// arg returns the argument with that name or, when none has it, the first
// positional one: @map("x") and @map(name: "x") are the same.
func (a *Attr) arg(name string) (Expr, bool) {
	for _, x := range a.Args {
		if x.Name == name {
			return x.Value, true
		}
	}
	for _, x := range a.Args {
		if x.Name == "" {
			return x.Value, true
		}
	}
	return Expr{}, false
}
