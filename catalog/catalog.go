// Package catalog is the schema that migrate-guard replays from a migration
// history: tables, columns, indexes, constraints, enums and functions, as
// PostgreSQL would hold them after each statement. Rules read it to tell a
// table created a moment ago (new and empty) from one that serves traffic, and
// to know a column's old type before it changes.
//
// A Catalog is changed only by Apply. Clone is cheap (tables are copied on
// their next write), so the engine can keep the schema as it was before a
// file while replaying the file itself.
package catalog

import (
	"sort"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// DefaultSchema is where unqualified names live: the first schema on
// PostgreSQL's default search_path, and where Prisma creates its tables.
const DefaultSchema = "public"

// Name is a schema-qualified object name, folded as PostgreSQL folds
// identifiers ("Tag" and tag are different names).
type Name struct{ Schema, Name string }

func (n Name) String() string {
	if n.Schema == DefaultSchema || n.Schema == "" {
		return sqltext.Ident(n.Name)
	}
	return sqltext.Ident(n.Schema) + "." + sqltext.Ident(n.Name)
}

func (n Name) less(o Name) bool {
	return n.Schema < o.Schema || n.Schema == o.Schema && n.Name < o.Name
}

// Catalog is a replayed schema.
type Catalog struct {
	tables    layered[Name, *Table]
	indexes   layered[Name, *Index]
	enums     layered[Name, *Enum]
	functions layered[string, Volatility] // by unqualified name: defaults rarely qualify calls
	views     layered[Name, []Name]       // view (or materialized view) -> the relations its query reads
	matviews  layered[Name, bool]         // the views that are materialized
	viewCols  layered[Name, []string]     // view -> its columns, nil when the replay cannot name them all
	epoch     int                         // tables with another epoch are shared with a clone
	file      int                         // the file being replayed, for Table.File
	pending   map[int]bool                // files not yet deployed, see SetPending
}

// New returns an empty catalog.
func New() *Catalog {
	return &Catalog{
		tables:    newLayered[Name, *Table](),
		indexes:   newLayered[Name, *Index](),
		enums:     newLayered[Name, *Enum](),
		functions: newLayered[string, Volatility](),
		views:     newLayered[Name, []Name](),
		matviews:  newLayered[Name, bool](),
		viewCols:  newLayered[Name, []string](),
		epoch:     1,
	}
}

// Table is a replayed table.
type Table struct {
	Name        Name
	Columns     []Column
	Constraints []Constraint
	// File is the sequence number (see BeginFile) of the file that created
	// the table; a table created in the file being linted is new and empty.
	File int
	// Partial is set when the table came from a statement whose columns the
	// replay cannot know (CREATE TABLE AS, LIKE, PARTITION OF).
	Partial bool
	epoch   int
}

// Column is a replayed column.
type Column struct {
	Name    string
	Type    Type
	NotNull bool
	Default bool // has a DEFAULT expression
	// DefaultExpr is that expression, when the history wrote one (not for
	// serial types), so a fix can set it again.
	DefaultExpr *pg.Node
	Identity    bool // GENERATED ... AS IDENTITY
	Generated   bool // GENERATED ALWAYS AS (...) STORED
}

// Type is a column type. Name is PostgreSQL's internal name for built-in
// types (int4, varchar, timestamptz) and the qualified name for user types.
type Type struct {
	Name  string
	Mods  []int32 // type modifiers: varchar(100) has [100], numeric(10,2) has [10 2]
	Array bool
	Enum  bool
}

// ConstraintKind is the kind of a table constraint.
type ConstraintKind int

// The constraint kinds migrate-guard tracks.
const (
	PrimaryKey ConstraintKind = iota
	Unique
	Check
	ForeignKey
	Exclusion
)

// Constraint is a table constraint.
type Constraint struct {
	Name      string
	Kind      ConstraintKind
	Columns   []string
	Validated bool // false for NOT VALID until VALIDATE CONSTRAINT
	// NotNullOf names the column of a `CHECK (col IS NOT NULL)`, which lets
	// SET NOT NULL skip its full-table scan on PostgreSQL 12 and later.
	NotNullOf string
	// Pins names the column of a `CHECK (col = constant)`: over a unique
	// key on that column alone, the table holds at most one row.
	Pins     string
	RefTable Name // for foreign keys
}

// Index is a replayed index.
type Index struct {
	Name    Name
	Table   Name
	Unique  bool
	Columns []string
	File    int // see Table.File
}

// Enum is a replayed enum type.
type Enum struct {
	Name   Name
	Values []string
}

// Volatility is a function's volatility class.
type Volatility byte

// PostgreSQL's volatility classes.
const (
	Immutable Volatility = 'i'
	Stable    Volatility = 's'
	Volatile  Volatility = 'v'
)

// BeginFile tells the catalog that the statements applied from now on come
// from file number seq (1-based, in history order).
func (c *Catalog) BeginFile(seq int) { c.file = seq }

// File returns the sequence number given to the last BeginFile.
func (c *Catalog) File() int { return c.file }

// Clone returns a copy that later Apply calls on either side do not affect.
// It costs what changed since the last clone, not the size of the schema.
func (c *Catalog) Clone() *Catalog {
	d := &Catalog{
		tables:    c.tables.clone(),
		indexes:   c.indexes.clone(),
		enums:     c.enums.clone(),
		functions: c.functions.clone(),
		views:     c.views.clone(),
		matviews:  c.matviews.clone(),
		viewCols:  c.viewCols.clone(),
		epoch:     c.epoch + 1,
		file:      c.file,
		pending:   c.pending,
	}
	c.epoch += 2 // neither side may now write the shared tables in place
	return d
}

// Table returns the table, or nil when the history never created it.
func (c *Catalog) Table(n Name) *Table { return c.tables.at(n) }

// Index returns the index, or nil.
func (c *Catalog) Index(n Name) *Index { return c.indexes.at(n) }

// Enum returns the enum type, or nil.
func (c *Catalog) Enum(n Name) *Enum { return c.enums.at(n) }

// FunctionVolatility reports the volatility of a function the history
// created, and whether it knows the function.
func (c *Catalog) FunctionVolatility(name string) (Volatility, bool) {
	return c.functions.get(name)
}

// Tables returns the number of tables.
func (c *Catalog) Tables() int { return c.tables.len() }

// IsNew reports whether the table was created in the file being replayed. A
// table the history does not know is treated as existing: it may well hold
// rows.
func (c *Catalog) IsNew(n Name) bool {
	t := c.tables.at(n)
	return t != nil && t.File > 0 && (t.File == c.file || c.pending[t.File])
}

// SetPending names the files (by BeginFile sequence number) that are not yet
// deployed, such as the migrations a pull request adds: tables they create
// are still empty when the later ones run. The catalog keeps the map; the
// caller must not change it afterwards.
func (c *Catalog) SetPending(files map[int]bool) { c.pending = files }

// Indexes returns every index, sorted by name.
func (c *Catalog) Indexes() []*Index {
	var out []*Index
	for _, ix := range c.indexes.all() {
		out = append(out, ix)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name.less(out[j].Name) })
	return out
}

// IndexesOn returns the indexes of a table, sorted by name so that what
// rules say about them does not change from run to run.
func (c *Catalog) IndexesOn(table Name) []*Index {
	var out []*Index
	for _, ix := range c.indexes.all() {
		if ix.Table == table {
			out = append(out, ix)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name.less(out[j].Name) })
	return out
}

// Column returns the named column, or nil; a nil table has no columns, so
// `cat.Table(n).Column(c)` is safe for a table the history does not know.
func (t *Table) Column(name string) *Column {
	if t == nil {
		return nil
	}
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Constraint returns the named constraint, or nil (also for a nil table).
func (t *Table) Constraint(name string) *Constraint {
	if t == nil {
		return nil
	}
	for i := range t.Constraints {
		if t.Constraints[i].Name == name {
			return &t.Constraints[i]
		}
	}
	return nil
}

// AtMostOneRow reports whether the table's constraints let it hold one row
// at most: a validated CHECK pins a column to a constant, and that column
// alone is its primary key or a unique key (a settings table's
// `CHECK (id = 1)`).
func (t *Table) AtMostOneRow() bool {
	for _, k := range t.Constraints {
		if k.Kind != Check || !k.Validated || k.Pins == "" {
			continue
		}
		for _, u := range t.Constraints {
			if (u.Kind == PrimaryKey || u.Kind == Unique) && len(u.Columns) == 1 && u.Columns[0] == k.Pins {
				return true
			}
		}
	}
	return false
}

// HasValidNotNullCheck reports whether a validated CHECK (col IS NOT NULL)
// guards the column.
func (t *Table) HasValidNotNullCheck(col string) bool {
	for _, k := range t.Constraints {
		if k.Kind == Check && k.Validated && k.NotNullOf == col {
			return true
		}
	}
	return false
}

// mutable returns a table that can be written in place, copying a table
// shared with a clone first.
func (c *Catalog) mutable(n Name) *Table {
	t := c.tables.at(n)
	if t == nil || t.epoch == c.epoch {
		return t
	}
	cp := *t
	cp.Columns = append([]Column(nil), t.Columns...)
	cp.Constraints = append([]Constraint(nil), t.Constraints...)
	cp.epoch = c.epoch
	c.tables.set(n, &cp)
	return &cp
}
