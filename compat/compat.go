// Package compat says what a Prisma Client needs from a database schema and
// where a replayed schema falls short: a table or column it reads that is not
// there, a NOT NULL column without default that its inserts leave out, an
// enum value it may write that the type lacks, a column whose type it cannot
// read or write. The release rules compare the client of the running release
// with the schema before and after each statement of a migration;
// schema-without-migration compares the pull request's schema with the
// replayed history.
package compat

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/prismaschema"
)

// Kind is what fails.
type Kind int

// The kinds of problems, with the SQLSTATE the client gets.
const (
	MissingTable  Kind = iota // 42P01 on every query of the model
	MissingColumn             // 42703 on every query of the model
	Required                  // 23502 on every insert of the model
	MissingEnum               // the enum type itself is missing
	MissingValue              // 22P02 when the client writes the value
	TypeMismatch              // the column's type is not the one the client reads and writes
)

// Problem is one way the client fails on the schema. Problems are
// comparable: the same problem found on two schemas is equal.
type Problem struct {
	Kind   Kind
	Model  string       // the Prisma model or enum
	Field  string       // the Prisma field or enum value, or ""
	Table  catalog.Name // the table or enum type
	Column string       // the column or the enum value's database name, or ""
	// Want and Got are the type the client expects and the one the column
	// has, for TypeMismatch; Narrower is set when Got is of Want's kind but
	// holds fewer values (varchar(255) → varchar(50), int8 → int4), so only
	// the writes of values that do not fit fail.
	Want, Got string
	Narrower  bool
	// Truncating is set when an integer field's column became a float or
	// numeric: the client still writes it, and reads it back truncated to
	// an integer (2.5 as 2), so its updates lose the fractions.
	Truncating bool
	// View is set when the model is a Prisma view, read from a view (or a
	// table) of that name.
	View bool
	// File and Line are where schema.prisma declares the model, field, enum
	// or value.
	File string
	Line int
}

// Problems returns every problem the client of schema s has on cat, in a
// stable order. Ignored models and fields are left out: the client does not
// query them. A view is checked for what the client selects from it: that
// it exists and has the columns, where the replay can name them.
func Problems(s *prismaschema.Schema, cat *catalog.Catalog) []Problem {
	var out []Problem
	used := map[string]bool{}
	for _, m := range s.Models {
		if m.Ignored {
			continue
		}
		if m.View {
			out = append(out, viewProblems(m, cat)...)
			continue
		}
		for _, f := range m.Fields {
			if f.Read() && f.Kind == prismaschema.EnumField {
				used[f.Type] = true
			}
		}
		out = append(out, modelProblems(s, m, cat)...)
	}
	for _, e := range s.Enums {
		if used[e.Name] {
			out = append(out, enumProblems(e, cat)...)
		}
	}
	return out
}

// Table returns a model's table name.
func Table(m *prismaschema.Model) catalog.Name {
	return catalog.Name{Schema: m.TableSchema(), Name: m.Table()}
}

func enumType(e *prismaschema.Enum) catalog.Name {
	return catalog.Name{Schema: e.TypeSchema(), Name: e.TypeName()}
}

func modelProblems(s *prismaschema.Schema, m *prismaschema.Model, cat *catalog.Catalog) []Problem {
	name := Table(m)
	t := cat.Table(name)
	if t == nil {
		return []Problem{{Kind: MissingTable, Model: m.Name, Table: name, File: m.File, Line: m.Line}}
	}
	if t.Partial {
		return nil // its columns are unknown
	}
	var out []Problem
	written := map[string]bool{}
	for _, f := range m.Fields {
		if !f.Read() {
			continue
		}
		if f.AlwaysWritten() {
			written[f.Column()] = true
		}
		col := column(t, f.Column())
		if col == nil {
			out = append(out, Problem{Kind: MissingColumn, Model: m.Name, Field: f.Name, Table: name, Column: f.Column(), File: m.File, Line: f.Line})
			continue
		}
		want := Expected(s, f)
		if !Compatible(want, col.Type) {
			out = append(out, Problem{Kind: TypeMismatch, Model: m.Name, Field: f.Name, Table: name, Column: f.Column(),
				Want: want.String(), Got: col.Type.String(), Narrower: want.Array == col.Type.Array && family(want.Name) == family(col.Type.Name),
				Truncating: want.Array == col.Type.Array && family(want.Name) == "int" && (family(col.Type.Name) == "float" || col.Type.Name == "numeric"),
				File:       m.File, Line: f.Line})
		}
	}
	for _, col := range t.Columns {
		if col.NotNull && !col.Default && !col.Identity && !col.Generated && !written[col.Name] {
			p := Problem{Kind: Required, Model: m.Name, Table: name, Column: col.Name, File: m.File, Line: m.Line}
			if f := fieldOf(m, col.Name); f != nil {
				p.Field, p.Line = f.Name, f.Line
			}
			out = append(out, p)
		}
	}
	return out
}

// viewProblems are the problems of a Prisma view: the view (or a table of
// that name) missing, or a column it selects missing from a view whose
// columns the replay names. Types and inserts are not checked: the replay
// does not type a view's columns, and the client does not write views.
func viewProblems(m *prismaschema.Model, cat *catalog.Catalog) []Problem {
	name := Table(m)
	var cols []string
	if t := cat.Table(name); t != nil {
		if t.Partial {
			return nil
		}
		for _, c := range t.Columns {
			cols = append(cols, c.Name)
		}
	} else if vc, ok := cat.View(name); ok {
		cols = vc
	} else {
		return []Problem{{Kind: MissingTable, Model: m.Name, Table: name, View: true, File: m.File, Line: m.Line}}
	}
	if cols == nil {
		return nil // columns unknown
	}
	var out []Problem
	for _, f := range m.Fields {
		if f.Read() && !contains(cols, f.Column()) {
			out = append(out, Problem{Kind: MissingColumn, Model: m.Name, Field: f.Name, Table: name, Column: f.Column(),
				View: true, File: m.File, Line: f.Line})
		}
	}
	return out
}

func fieldOf(m *prismaschema.Model, col string) *prismaschema.Field {
	for _, f := range m.Fields {
		if f.HasColumn() && f.Column() == col && !f.Ignored {
			return f
		}
	}
	return nil
}

func column(t *catalog.Table, name string) *catalog.Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

func enumProblems(e *prismaschema.Enum, cat *catalog.Catalog) []Problem {
	name := enumType(e)
	ce := cat.Enum(name)
	if ce == nil {
		return []Problem{{Kind: MissingEnum, Model: e.Name, Table: name, File: e.File, Line: e.Line}}
	}
	var out []Problem
	for _, v := range e.Values {
		if !contains(ce.Values, v.Value()) {
			out = append(out, Problem{Kind: MissingValue, Model: e.Name, Field: v.Name, Table: name, Column: v.Value(), File: e.File, Line: v.Line})
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Expected returns the column type Prisma's PostgreSQL connector maps the
// field to: its @db native type, or the Prisma type's default.
func Expected(s *prismaschema.Schema, f *prismaschema.Field) catalog.Type {
	t := catalog.Type{Array: f.List}
	if f.Kind == prismaschema.EnumField {
		e := s.Enum(f.Type)
		t.Name, t.Enum = enumType(e).String(), true
		return t
	}
	if f.NativeType != "" {
		t.Name = nativeTypes[f.NativeType]
		if t.Name == "" {
			t.Name = strings.ToLower(f.NativeType)
		}
		for _, a := range f.NativeArgs {
			var n int32
			if _, err := fmt.Sscan(a, &n); err == nil {
				t.Mods = append(t.Mods, n)
			}
		}
		return t
	}
	t.Name, t.Mods = defaultTypes[f.Type].Name, defaultTypes[f.Type].Mods
	return t
}

var defaultTypes = map[string]catalog.Type{
	"String": {Name: "text"}, "Boolean": {Name: "bool"}, "Int": {Name: "int4"}, "BigInt": {Name: "int8"},
	"Float": {Name: "float8"}, "Decimal": {Name: "numeric", Mods: []int32{65, 30}}, "DateTime": {Name: "timestamp", Mods: []int32{3}},
	"Json": {Name: "jsonb"}, "Bytes": {Name: "bytea"},
}

var nativeTypes = map[string]string{
	"VarChar": "varchar", "Char": "bpchar", "Text": "text", "Uuid": "uuid", "Citext": "citext", "Xml": "xml",
	"Inet": "inet", "Bit": "bit", "VarBit": "varbit", "Integer": "int4", "SmallInt": "int2", "BigInt": "int8",
	"Oid": "oid", "DoublePrecision": "float8", "Real": "float4", "Decimal": "numeric", "Money": "money",
	"Timestamp": "timestamp", "Timestamptz": "timestamptz", "Date": "date", "Time": "time", "Timetz": "timetz",
	"Json": "json", "JsonB": "jsonb", "ByteA": "bytea", "Boolean": "bool",
}

// families are types between which PostgreSQL converts on assignment and
// whose values the client reads as the same Prisma type.
var families = map[string]string{
	"text": "string", "varchar": "string", "bpchar": "string", "citext": "string",
	"int2": "int", "int4": "int", "int8": "int",
	"float4": "float", "float8": "float",
	"timestamp": "timestamp", "timestamptz": "timestamp",
	"json": "json", "jsonb": "json",
}

// intWidth orders the integer types by range.
var intWidth = map[string]int{"int2": 2, "int4": 4, "int8": 8}

// Compatible reports whether a client that expects want can read and write
// a column of type got: the same type, or one of its family that holds every
// value want holds (varchar(100) → varchar(255) or text, int4 → int8,
// timestamp → timestamptz, json → jsonb; precision changes of numeric and
// timestamps). A narrower type (varchar(255) → varchar(50), int8 → int4)
// fails the client's writes of larger values; another family (text →
// integer, json → text, an array ↔ a scalar) fails its reads or writes.
func Compatible(want, got catalog.Type) bool {
	if want.Array != got.Array || family(want.Name) != family(got.Name) {
		return false
	}
	switch family(want.Name) {
	case "string":
		return length(got) >= length(want)
	case "int":
		return intWidth[got.Name] >= intWidth[want.Name]
	}
	return true
}

func family(name string) string {
	if f := families[name]; f != "" {
		return f
	}
	return name
}

// length is the longest string a column of a string type holds.
func length(t catalog.Type) int32 {
	switch {
	case t.Name == "text" || t.Name == "citext" || t.Name == "varchar" && len(t.Mods) == 0:
		return math.MaxInt32
	case len(t.Mods) == 0:
		return 1 // char without a length is char(1)
	}
	return t.Mods[0]
}

// Sort orders problems by table, column and kind, for stable output.
func Sort(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Table != b.Table {
			return a.Table.String() < b.Table.String()
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Kind < b.Kind
	})
}
