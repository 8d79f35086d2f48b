// Package prismaschema reads Prisma schemas (schema.prisma, or a folder of
// .prisma files) the way Prisma Client sees them: per model its table, and
// per scalar field its column, whether the client reads it, whether an
// insert must supply it, its Prisma type and native type; per enum its
// database name and values. Release checks compare what the client of a
// running release reads and writes with the schema a migration leaves.
//
// A schema Prisma would reject is an *Error naming the file and line;
// Prisma's validation beyond what the mapping needs is not repeated.
package prismaschema

import (
	"fmt"
	"strings"
)

// DefaultSchema is the PostgreSQL schema of a model without @@schema.
const DefaultSchema = "public"

// File is one schema file: its path, as shown in errors, and its text.
type File struct {
	Path string
	Src  []byte
}

// Schema is a parsed Prisma schema.
type Schema struct {
	Blocks []Block // as written, every file in order
	Models []*Model
	Enums  []*Enum
	// Provider is the datasource's provider ("postgresql"), or "".
	Provider string
}

// Model is a model or view.
type Model struct {
	Name    string
	View    bool
	DBName  string // @@map, or "" when the table has the model's name
	Schema  string // @@schema, or "" (the connection's schema, usually public)
	Ignored bool   // @@ignore: the client does not use it
	Fields  []*Field
	File    string
	Line    int
}

// Table returns the table's name in the database.
func (m *Model) Table() string {
	if m.DBName != "" {
		return m.DBName
	}
	return m.Name
}

// TableSchema returns the PostgreSQL schema holding the table.
func (m *Model) TableSchema() string {
	if m.Schema != "" {
		return m.Schema
	}
	return DefaultSchema
}

// Field returns the field with that name, or nil.
func (m *Model) Field(name string) *Field {
	for _, f := range m.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// FieldKind tells what a field's type is.
type FieldKind int

// The kinds of fields.
const (
	Scalar      FieldKind = iota // String, Int, ...
	EnumField                    // an enum of the schema
	Relation                     // another model: no column of its own
	Composite                    // a composite type (MongoDB)
	Unsupported                  // Unsupported("..."): the client does not see it
)

// Field is a field of a model.
type Field struct {
	Name     string
	Type     string // the Prisma type: String, Int, an enum's or model's name
	Kind     FieldKind
	List     bool
	Optional bool
	DBName   string // @map, or "" when the column has the field's name
	Ignored  bool   // @ignore
	// Default is the @default value's function name (now, uuid,
	// autoincrement, dbgenerated) or literal, and HasDefault whether there is one.
	Default    string
	HasDefault bool
	UpdatedAt  bool // @updatedAt
	ID         bool // @id
	Unique     bool // @unique
	// NativeType is the @db attribute's type (VarChar) and NativeArgs its
	// arguments (["255"]), or "" for the Prisma type's default mapping.
	NativeType string
	NativeArgs []string
	Line       int
	model      *Model
}

// Column returns the field's column name.
func (f *Field) Column() string {
	if f.DBName != "" {
		return f.DBName
	}
	return f.Name
}

// HasColumn reports whether the field is a column (a scalar or enum field).
func (f *Field) HasColumn() bool {
	return f.Kind == Scalar || f.Kind == EnumField || f.Kind == Unsupported
}

// Read reports whether the client selects the column: every scalar and enum
// field it knows, unless the field or its model is ignored.
func (f *Field) Read() bool {
	return (f.Kind == Scalar || f.Kind == EnumField) && !f.Ignored && !f.model.Ignored
}

// MustSupply reports whether an insert must give the column a value: the
// field is required, has no @default and is not @updatedAt.
func (f *Field) MustSupply() bool {
	return f.Read() && !f.Optional && !f.List && !f.HasDefault && !f.UpdatedAt
}

// AlwaysWritten reports whether every insert of the client gives the column
// a value: the field must be supplied, is @updatedAt, or has a default the
// client computes itself (uuid(), cuid(), nanoid(), ulid()). Other defaults
// are left to the database, and optional fields may be left out.
func (f *Field) AlwaysWritten() bool {
	if !f.Read() || f.List {
		return false
	}
	return f.MustSupply() || f.UpdatedAt || f.HasDefault && clientDefaults[f.Default]
}

var clientDefaults = map[string]bool{"uuid": true, "cuid": true, "nanoid": true, "ulid": true}

// Enum is an enum.
type Enum struct {
	Name   string
	DBName string // @@map, or ""
	Schema string // @@schema, or ""
	Values []EnumValue
	File   string
	Line   int
}

// TypeName returns the enum type's name in the database.
func (e *Enum) TypeName() string {
	if e.DBName != "" {
		return e.DBName
	}
	return e.Name
}

// TypeSchema returns the PostgreSQL schema holding the type.
func (e *Enum) TypeSchema() string {
	if e.Schema != "" {
		return e.Schema
	}
	return DefaultSchema
}

// EnumValue is a value of an enum.
type EnumValue struct {
	Name   string
	DBName string // @map, or ""
	Line   int
}

// Value returns the value as stored in the database.
func (v EnumValue) Value() string {
	if v.DBName != "" {
		return v.DBName
	}
	return v.Name
}

// Model returns the model or view with that name, or nil.
func (s *Schema) Model(name string) *Model {
	for _, m := range s.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Enum returns the enum with that name, or nil.
func (s *Schema) Enum(name string) *Enum {
	for _, e := range s.Enums {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Parse reads a schema made of one or more files (a multi-file schema is
// read as one). Files are read in the order given.
func Parse(files ...File) (*Schema, error) {
	s := &Schema{}
	for _, f := range files {
		blocks, err := parseFile(f.Path, string(f.Src))
		if err != nil {
			return nil, err
		}
		s.Blocks = append(s.Blocks, blocks...)
	}
	if err := s.resolve(); err != nil {
		return nil, err
	}
	return s, nil
}

// ParseFile reads a one-file schema.
func ParseFile(path string, src []byte) (*Schema, error) { return Parse(File{path, src}) }

func (s *Schema) resolve() error {
	kinds := map[string]FieldKind{}
	seen := map[string]*Block{}
	for i := range s.Blocks {
		b := &s.Blocks[i]
		if b.Keyword == "datasource" || b.Keyword == "generator" {
			if b.Keyword == "datasource" {
				s.Provider = stringProp(b, "provider")
			}
			continue
		}
		if prev := seen[b.Name]; prev != nil {
			return &Error{b.File, b.Line, fmt.Sprintf("%s %s is already defined at %s:%d", b.Keyword, b.Name, prev.File, prev.Line)}
		}
		if scalarTypes[b.Name] {
			return &Error{b.File, b.Line, fmt.Sprintf("%s %s has the name of a built-in type", b.Keyword, b.Name)}
		}
		seen[b.Name] = b
		switch b.Keyword {
		case "enum":
			kinds[b.Name] = EnumField
		case "type":
			kinds[b.Name] = Composite
		default:
			kinds[b.Name] = Relation
		}
	}
	for i := range s.Blocks {
		b := &s.Blocks[i]
		var err error
		switch b.Keyword {
		case "model", "view":
			var m *Model
			if m, err = newModel(b, kinds); err == nil {
				s.Models = append(s.Models, m)
			}
		case "enum":
			s.Enums = append(s.Enums, newEnum(b))
		case "type":
			_, err = newModel(b, kinds) // checked, not mapped: composite types have no table
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var scalarTypes = map[string]bool{"String": true, "Boolean": true, "Int": true, "BigInt": true, "Float": true,
	"Decimal": true, "DateTime": true, "Json": true, "Bytes": true}

func newModel(b *Block, kinds map[string]FieldKind) (*Model, error) {
	m := &Model{Name: b.Name, View: b.Keyword == "view", File: b.File, Line: b.Line}
	m.DBName = stringAttr(b.Attrs, "map")
	m.Schema = stringAttr(b.Attrs, "schema")
	m.Ignored = attr(b.Attrs, "ignore") != nil
	names := map[string]bool{}
	for _, d := range b.Fields {
		if names[d.Name] {
			return nil, &Error{b.File, d.Line, fmt.Sprintf("field %s is defined twice in %s %s", d.Name, b.Keyword, b.Name)}
		}
		names[d.Name] = true
		f, err := newField(b, d, kinds)
		if err != nil {
			return nil, err
		}
		f.model = m
		m.Fields = append(m.Fields, f)
	}
	return m, nil
}

func newField(b *Block, d FieldDecl, kinds map[string]FieldKind) (*Field, error) {
	f := &Field{Name: d.Name, Type: d.Type, List: d.List, Optional: d.Optional, Line: d.Line}
	switch k, ok := kinds[d.Type]; {
	case scalarTypes[d.Type]:
		f.Kind = Scalar
	case d.Type == "Unsupported":
		f.Kind = Unsupported
	case ok:
		f.Kind = k
	default:
		return nil, &Error{b.File, d.Line, fmt.Sprintf("type %s of field %s.%s is neither a built-in type nor a model, enum or type of the schema", d.Type, b.Name, d.Name)}
	}
	f.DBName = stringAttr(d.Attrs, "map")
	f.Ignored = attr(d.Attrs, "ignore") != nil
	f.UpdatedAt = attr(d.Attrs, "updatedAt") != nil
	f.ID = attr(d.Attrs, "id") != nil
	f.Unique = attr(d.Attrs, "unique") != nil
	if a := attr(d.Attrs, "default"); a != nil {
		f.HasDefault = true
		if v, ok := a.arg("value"); ok {
			f.Default = v.Text
		}
	}
	for _, a := range d.Attrs {
		if native, ok := strings.CutPrefix(a.Name, "db."); ok {
			f.NativeType = native
			f.NativeArgs = []string{}
			for _, x := range a.Args {
				f.NativeArgs = append(f.NativeArgs, x.Value.Text)
			}
		}
	}
	return f, nil
}

func newEnum(b *Block) *Enum {
	e := &Enum{Name: b.Name, File: b.File, Line: b.Line}
	e.DBName = stringAttr(b.Attrs, "map")
	e.Schema = stringAttr(b.Attrs, "schema")
	for _, d := range b.Fields {
		e.Values = append(e.Values, EnumValue{Name: d.Name, DBName: stringAttr(d.Attrs, "map"), Line: d.Line})
	}
	return e
}

// stringAttr returns the string argument of the first attribute with that
// name: @map("x"), @@schema("auth").
func stringAttr(attrs []Attr, name string) string {
	if a := attr(attrs, name); a != nil {
		if v, ok := a.arg("name"); ok && v.Kind == StringExpr {
			return v.Text
		}
	}
	return ""
}

func stringProp(b *Block, key string) string {
	for _, p := range b.Props {
		if p.Key == key && p.Value.Kind == StringExpr {
			return p.Value.Text
		}
	}
	return ""
}
