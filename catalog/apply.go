package catalog

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/pgast"
)

// Apply replays one parsed statement. Statements that do not change the
// schema, or change parts of it the catalog does not track, are ignored.
func (c *Catalog) Apply(node *pg.Node) {
	switch n := node.Node.(type) {
	case *pg.Node_CreateStmt:
		c.createTable(n.CreateStmt)
	case *pg.Node_CreateTableAsStmt:
		if n.CreateTableAsStmt.Objtype == pg.ObjectType_OBJECT_TABLE && n.CreateTableAsStmt.Into != nil {
			name := RangeName(n.CreateTableAsStmt.Into.Rel)
			c.tables.set(name, &Table{Name: name, File: c.file, Partial: true, epoch: c.epoch})
		}
		if n.CreateTableAsStmt.Objtype == pg.ObjectType_OBJECT_MATVIEW && n.CreateTableAsStmt.Into != nil {
			c.setView(RangeName(n.CreateTableAsStmt.Into.Rel), n.CreateTableAsStmt.Query, n.CreateTableAsStmt.Into.ColNames)
			c.matviews.set(RangeName(n.CreateTableAsStmt.Into.Rel), true)
		}
	case *pg.Node_ViewStmt:
		c.setView(RangeName(n.ViewStmt.View), n.ViewStmt.Query, n.ViewStmt.Aliases)
	case *pg.Node_AlterTableStmt:
		c.alterTable(n.AlterTableStmt)
	case *pg.Node_IndexStmt:
		c.createIndex(n.IndexStmt)
	case *pg.Node_DropStmt:
		c.drop(n.DropStmt)
	case *pg.Node_RenameStmt:
		c.rename(n.RenameStmt)
	case *pg.Node_CreateEnumStmt:
		name := QualifiedName(n.CreateEnumStmt.TypeName)
		c.enums.set(name, &Enum{Name: name, Values: stringList(n.CreateEnumStmt.Vals)})
	case *pg.Node_AlterEnumStmt:
		c.alterEnum(n.AlterEnumStmt)
	case *pg.Node_CreateFunctionStmt:
		c.createFunction(n.CreateFunctionStmt)
	}
}

func (c *Catalog) createTable(s *pg.CreateStmt) {
	name := RangeName(s.Relation)
	if s.IfNotExists && c.tables.at(name) != nil {
		return
	}
	t := &Table{Name: name, File: c.file, epoch: c.epoch}
	t.Partial = s.Partbound != nil || len(s.InhRelations) > 0
	for _, elt := range s.TableElts {
		switch e := elt.Node.(type) {
		case *pg.Node_ColumnDef:
			c.addColumn(t, e.ColumnDef)
		case *pg.Node_Constraint:
			c.addConstraint(t, e.Constraint, nil)
		case *pg.Node_TableLikeClause:
			t.Partial = true
		}
	}
	c.tables.set(name, t)
}

func (c *Catalog) addColumn(t *Table, d *pg.ColumnDef) {
	col := Column{Name: d.Colname, Type: c.TypeOf(d.TypeName), NotNull: d.IsNotNull}
	if serial(col.Type.Name) {
		col.Type.Name = serialTypes[col.Type.Name]
		col.NotNull, col.Default = true, true
	}
	if d.RawDefault != nil || d.CookedDefault != nil {
		col.Default, col.DefaultExpr = true, d.RawDefault
	}
	for _, cn := range d.Constraints {
		k := cn.GetConstraint()
		if k == nil {
			continue
		}
		switch k.Contype {
		case pg.ConstrType_CONSTR_NOTNULL, pg.ConstrType_CONSTR_PRIMARY:
			col.NotNull = true
		case pg.ConstrType_CONSTR_DEFAULT:
			col.Default, col.DefaultExpr = true, k.RawExpr
		case pg.ConstrType_CONSTR_IDENTITY:
			col.Identity, col.NotNull = true, true
		case pg.ConstrType_CONSTR_GENERATED:
			col.Generated = true
		}
		c.addConstraint(t, k, []string{d.Colname})
	}
	t.Columns = append(t.Columns, col)
}

// addConstraint records a table constraint; cols is set for a constraint
// written on a column definition.
func (c *Catalog) addConstraint(t *Table, k *pg.Constraint, cols []string) {
	con := Constraint{Name: k.Conname, Validated: !k.SkipValidation}
	keys := stringList(k.Keys)
	if len(keys) == 0 {
		keys = cols
	}
	if k.Indexname != "" { // ... USING INDEX idx: the constraint takes over the index, its columns and, unnamed, its name
		if ix := c.indexes.at(Name{t.Name.Schema, k.Indexname}); ix != nil && len(keys) == 0 {
			keys = ix.Columns
		}
		if con.Name == "" {
			con.Name = k.Indexname
		}
	}
	con.Columns = keys
	switch k.Contype {
	case pg.ConstrType_CONSTR_PRIMARY:
		con.Kind = PrimaryKey
		for _, name := range keys {
			if col := t.Column(name); col != nil {
				col.NotNull = true
			}
		}
		if con.Name == "" {
			con.Name = t.Name.Name + "_pkey"
		}
	case pg.ConstrType_CONSTR_UNIQUE:
		con.Kind = Unique
	case pg.ConstrType_CONSTR_CHECK:
		con.Kind = Check
		con.NotNullOf = NotNullColumn(k.RawExpr)
		con.Pins = pinnedColumn(k.RawExpr)
		if len(con.Columns) == 0 && con.NotNullOf != "" { // it goes with the column, and is named after it
			con.Columns = []string{con.NotNullOf}
		}
	case pg.ConstrType_CONSTR_FOREIGN:
		con.Kind = ForeignKey
		if k.Pktable != nil {
			con.RefTable = RangeName(k.Pktable)
		}
		if len(stringList(k.FkAttrs)) > 0 {
			con.Columns = stringList(k.FkAttrs)
		}
	case pg.ConstrType_CONSTR_EXCLUSION:
		con.Kind = Exclusion
	default:
		return
	}
	if con.Name == "" {
		con.Name = defaultConstraintName(t.Name.Name, con)
	}
	t.Constraints = append(t.Constraints, con)
	if con.Kind.hasIndex() {
		name := Name{t.Name.Schema, con.Name}
		if k.Indexname != "" { // ... USING INDEX idx renames the index to the constraint
			c.indexes.del(Name{t.Name.Schema, k.Indexname})
		}
		c.indexes.set(name, &Index{Name: name, Table: t.Name, Unique: con.Kind != Exclusion, Columns: keys, File: c.file})
	}
}

// hasIndex reports whether PostgreSQL backs the constraint with an index of
// the same name.
func (k ConstraintKind) hasIndex() bool { return k == PrimaryKey || k == Unique || k == Exclusion }

// defaultConstraintName follows PostgreSQL's ChooseConstraintName closely
// enough for later DROP/VALIDATE CONSTRAINT statements to find the constraint.
func defaultConstraintName(table string, con Constraint) string {
	suffix := map[ConstraintKind]string{Unique: "key", Check: "check", ForeignKey: "fkey", Exclusion: "excl"}[con.Kind]
	parts := append([]string{table}, con.Columns...)
	if con.Kind == Check && len(con.Columns) > 1 {
		parts = parts[:1]
	}
	return strings.Join(parts, "_") + "_" + suffix
}

func (c *Catalog) alterTable(s *pg.AlterTableStmt) {
	if s.Objtype != pg.ObjectType_OBJECT_TABLE || s.Relation == nil {
		return
	}
	name := RangeName(s.Relation)
	t := c.mutable(name)
	if t == nil {
		return
	}
	for _, cmdNode := range s.Cmds {
		cmd := cmdNode.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		c.alterCmd(t, cmd)
	}
}

func (c *Catalog) alterCmd(t *Table, cmd *pg.AlterTableCmd) {
	col := t.Column(cmd.Name)
	switch cmd.Subtype {
	case pg.AlterTableType_AT_AddColumn:
		if d := cmd.Def.GetColumnDef(); d != nil && !(cmd.MissingOk && t.Column(d.Colname) != nil) {
			c.addColumn(t, d)
		}
	case pg.AlterTableType_AT_DropColumn:
		t.dropColumn(cmd.Name)
		for _, k := range c.indexes.keys(func(ix *Index) bool { return ix.Table == t.Name && contains(ix.Columns, cmd.Name) }) {
			c.indexes.del(k) // PostgreSQL drops the indexes over the column too
		}
	case pg.AlterTableType_AT_AlterColumnType:
		if d := cmd.Def.GetColumnDef(); d != nil && col != nil {
			col.Type = c.TypeOf(d.TypeName)
		}
	case pg.AlterTableType_AT_ColumnDefault:
		if col != nil {
			col.Default, col.DefaultExpr = cmd.Def != nil, cmd.Def
		}
	case pg.AlterTableType_AT_SetNotNull:
		if col != nil {
			col.NotNull = true
		}
	case pg.AlterTableType_AT_DropNotNull:
		if col != nil {
			col.NotNull = false
		}
	case pg.AlterTableType_AT_AddConstraint:
		if k := cmd.Def.GetConstraint(); k != nil {
			c.addConstraint(t, k, nil)
		}
	case pg.AlterTableType_AT_ValidateConstraint:
		if k := t.Constraint(cmd.Name); k != nil {
			k.Validated = true
		}
	case pg.AlterTableType_AT_DropConstraint:
		t.dropConstraint(cmd.Name)
		c.indexes.del(Name{t.Name.Schema, cmd.Name})
	case pg.AlterTableType_AT_AddIdentity:
		if col != nil {
			col.Identity = true
		}
	case pg.AlterTableType_AT_DropIdentity:
		if col != nil {
			col.Identity = false
		}
	case pg.AlterTableType_AT_DropExpression:
		if col != nil {
			col.Generated = false
		}
	}
}

func (t *Table) dropColumn(name string) {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
			break
		}
	}
	// Constraints over the column go with it.
	kept := t.Constraints[:0]
	for _, k := range t.Constraints {
		if !contains(k.Columns, name) {
			kept = append(kept, k)
		}
	}
	t.Constraints = kept
}

func (t *Table) dropConstraint(name string) {
	for i := range t.Constraints {
		if t.Constraints[i].Name == name {
			t.Constraints = append(t.Constraints[:i], t.Constraints[i+1:]...)
			return
		}
	}
}

func (c *Catalog) createIndex(s *pg.IndexStmt) {
	table := RangeName(s.Relation)
	var cols []string
	for _, p := range s.IndexParams {
		if e := p.GetIndexElem(); e != nil {
			cols = append(cols, e.Name)
		}
	}
	idx := s.Idxname
	if idx == "" {
		idx = table.Name + "_" + strings.Join(cols, "_") + "_idx"
	}
	name := Name{table.Schema, idx}
	if s.IfNotExists && c.indexes.at(name) != nil {
		return
	}
	c.indexes.set(name, &Index{Name: name, Table: table, Unique: s.Unique, Columns: cols, File: c.file})
}

func (c *Catalog) drop(s *pg.DropStmt) {
	for _, obj := range s.Objects {
		names := stringList(objectNames(obj))
		if len(names) == 0 {
			continue
		}
		name := qualify(names)
		switch s.RemoveType {
		case pg.ObjectType_OBJECT_TABLE:
			c.tables.del(name)
			for _, k := range c.indexes.keys(func(ix *Index) bool { return ix.Table == name }) {
				c.indexes.del(k)
			}
		case pg.ObjectType_OBJECT_INDEX:
			c.indexes.del(name)
		case pg.ObjectType_OBJECT_TYPE:
			c.enums.del(name)
		case pg.ObjectType_OBJECT_FUNCTION:
			c.functions.del(name.Name)
		case pg.ObjectType_OBJECT_VIEW, pg.ObjectType_OBJECT_MATVIEW:
			c.views.del(name)
			c.viewCols.del(name)
			c.matviews.del(name)
		}
	}
}

// renameInViews follows a relation's rename in the views: as a view, and
// in what views read (a view depends on the relation, not on its name).
func (c *Catalog) renameInViews(old Name, to string) {
	renamed := Name{old.Schema, to}
	if reads, ok := c.views.get(old); ok {
		c.views.del(old)
		c.views.set(renamed, reads)
		cols := c.viewCols.at(old)
		c.viewCols.del(old)
		c.viewCols.set(renamed, cols)
		if c.matviews.at(old) {
			c.matviews.del(old)
			c.matviews.set(renamed, true)
		}
	}
	for _, v := range c.views.keys(func(reads []Name) bool { return slices.Contains(reads, old) }) {
		reads := slices.Clone(c.views.at(v))
		reads[slices.Index(reads, old)] = renamed
		c.views.set(v, reads)
	}
}

// relationsRead returns the relations a query names, in order, once each.
func relationsRead(q *pg.Node) []Name {
	var out []Name
	pgast.Walk(q, func(n *pg.Node) {
		if rv := n.GetRangeVar(); rv != nil && !slices.Contains(out, RangeName(rv)) {
			out = append(out, RangeName(rv))
		}
	})
	return out
}

// objectNames returns the name list of a DROP target: a List for tables and
// indexes, a TypeName for types, an ObjectWithArgs for functions.
func objectNames(obj *pg.Node) []*pg.Node {
	switch o := obj.Node.(type) {
	case *pg.Node_List:
		return o.List.Items
	case *pg.Node_TypeName:
		return o.TypeName.Names
	case *pg.Node_ObjectWithArgs:
		return o.ObjectWithArgs.Objname
	case *pg.Node_String_:
		return []*pg.Node{obj}
	}
	return nil
}

func (c *Catalog) rename(s *pg.RenameStmt) {
	switch s.RenameType {
	case pg.ObjectType_OBJECT_VIEW, pg.ObjectType_OBJECT_MATVIEW:
		c.renameInViews(RangeName(s.Relation), s.Newname)
	case pg.ObjectType_OBJECT_TABLE:
		old := RangeName(s.Relation)
		c.renameInViews(old, s.Newname)
		t := c.mutable(old)
		if t == nil {
			return
		}
		c.tables.del(old)
		t.Name = Name{old.Schema, s.Newname}
		c.tables.set(t.Name, t)
		for _, k := range c.indexes.keys(func(ix *Index) bool { return ix.Table == old }) {
			cp := *c.indexes.at(k)
			cp.Table = t.Name
			c.indexes.set(k, &cp)
		}
	case pg.ObjectType_OBJECT_COLUMN:
		c.renameViewColumn(RangeName(s.Relation), s.Subname, s.Newname)
		t := c.mutable(RangeName(s.Relation))
		if t == nil {
			return
		}
		if col := t.Column(s.Subname); col != nil {
			col.Name = s.Newname
		}
		for i := range t.Constraints {
			t.Constraints[i].Columns = renamed(t.Constraints[i].Columns, s.Subname, s.Newname)
			if t.Constraints[i].NotNullOf == s.Subname {
				t.Constraints[i].NotNullOf = s.Newname
			}
			if t.Constraints[i].Pins == s.Subname {
				t.Constraints[i].Pins = s.Newname
			}
		}
		for _, k := range c.indexes.keys(func(ix *Index) bool { return ix.Table == t.Name && contains(ix.Columns, s.Subname) }) {
			cp := *c.indexes.at(k) // indexes refer to columns, not names
			cp.Columns = renamed(cp.Columns, s.Subname, s.Newname)
			c.indexes.set(k, &cp)
		}
	case pg.ObjectType_OBJECT_INDEX:
		old := RangeName(s.Relation)
		if ix := c.renameIndex(old, s.Newname); ix != nil {
			// Renaming a key's index renames the constraint too.
			if k := c.tables.at(ix.Table).Constraint(old.Name); k != nil && k.Kind.hasIndex() {
				c.mutable(ix.Table).Constraint(old.Name).Name = s.Newname
			}
		}
	case pg.ObjectType_OBJECT_TABCONSTRAINT:
		if t := c.mutable(RangeName(s.Relation)); t != nil {
			if k := t.Constraint(s.Subname); k != nil {
				k.Name = s.Newname
				if k.Kind.hasIndex() { // and the other way round
					c.renameIndex(Name{t.Name.Schema, s.Subname}, s.Newname)
				}
			}
		}
	case pg.ObjectType_OBJECT_TYPE:
		old := qualify(stringList(objectNames(s.Object)))
		if e := c.enums.at(old); e != nil {
			to := Name{old.Schema, s.Newname}
			c.enums.del(old)
			c.enums.set(to, &Enum{Name: to, Values: e.Values})
			c.retype(old.String(), to.String())
		}
	}
}

// renameIndex renames an index in its schema and returns it, or nil.
func (c *Catalog) renameIndex(old Name, to string) *Index {
	ix := c.indexes.at(old)
	if ix == nil {
		return nil
	}
	cp := *ix
	cp.Name = Name{old.Schema, to}
	c.indexes.del(old)
	c.indexes.set(cp.Name, &cp)
	return &cp
}

// retype follows a renamed enum type in the columns of that type: a column
// refers to the type itself, whatever its name (Prisma's enum rebuild renames
// "E_new" to "E" after moving the columns to it).
func (c *Catalog) retype(from, to string) {
	uses := func(t *Table) bool {
		return slices.ContainsFunc(t.Columns, func(col Column) bool { return col.Type.Enum && col.Type.Name == from })
	}
	for _, name := range c.tables.keys(uses) {
		t := c.mutable(name)
		for i := range t.Columns {
			if t.Columns[i].Type.Enum && t.Columns[i].Type.Name == from {
				t.Columns[i].Type.Name = to
			}
		}
	}
}

// renamed returns cols with from replaced by to, copying the list when it
// changes (lists may be shared with a clone).
func renamed(cols []string, from, to string) []string {
	if !contains(cols, from) {
		return cols
	}
	out := append([]string(nil), cols...)
	for i, c := range out {
		if c == from {
			out[i] = to
		}
	}
	return out
}

func (c *Catalog) alterEnum(s *pg.AlterEnumStmt) {
	name := QualifiedName(s.TypeName)
	e := c.enums.at(name)
	if e == nil {
		return
	}
	vals := append([]string(nil), e.Values...)
	if s.OldVal != "" { // RENAME VALUE
		for i, v := range vals {
			if v == s.OldVal {
				vals[i] = s.NewVal
			}
		}
	} else if !(s.SkipIfNewValExists && contains(vals, s.NewVal)) {
		at := len(vals) // ADD VALUE appends unless BEFORE or AFTER says where
		for i, v := range vals {
			if v == s.NewValNeighbor {
				at = i
				if s.NewValIsAfter {
					at++
				}
			}
		}
		vals = slices.Insert(vals, at, s.NewVal)
	}
	c.enums.set(name, &Enum{Name: name, Values: vals})
}

func (c *Catalog) createFunction(s *pg.CreateFunctionStmt) {
	name := qualify(stringList(s.Funcname)).Name
	vol := Volatile // PostgreSQL's default for CREATE FUNCTION
	for _, o := range s.Options {
		d := o.GetDefElem()
		if d == nil || d.Defname != "volatility" {
			continue
		}
		switch d.Arg.GetString_().GetSval() {
		case "immutable":
			vol = Immutable
		case "stable":
			vol = Stable
		}
	}
	c.functions.set(name, vol)
}

// RangeName turns a parsed relation reference into a Name.
func RangeName(rv *pg.RangeVar) Name {
	if rv == nil {
		return Name{}
	}
	schema := rv.Schemaname
	if schema == "" {
		schema = DefaultSchema
	}
	return Name{schema, rv.Relname}
}

// QualifiedName turns a parsed name list (["public","Role"] or ["Role"]) into
// a Name.
func QualifiedName(nodes []*pg.Node) Name { return qualify(stringList(nodes)) }

func qualify(parts []string) Name {
	switch len(parts) {
	case 0:
		return Name{}
	case 1:
		return Name{DefaultSchema, parts[0]}
	}
	return Name{parts[len(parts)-2], parts[len(parts)-1]}
}

// TypeOf resolves a parsed type name, marking enum types the history created.
func (c *Catalog) TypeOf(tn *pg.TypeName) Type {
	if tn == nil {
		return Type{}
	}
	parts := stringList(tn.Names)
	t := Type{Array: len(tn.ArrayBounds) > 0}
	for _, m := range tn.Typmods {
		if ac := m.GetAConst(); ac != nil {
			if iv := ac.GetIval(); iv != nil {
				t.Mods = append(t.Mods, iv.Ival)
			}
		}
	}
	if len(parts) == 2 && parts[0] == "pg_catalog" || len(parts) == 1 && builtinAlias[parts[0]] != "" {
		t.Name = parts[len(parts)-1]
		if a := builtinAlias[t.Name]; a != "" {
			t.Name = a
		}
		return t
	}
	name := qualify(parts)
	if c.enums.at(name) != nil {
		t.Enum = true
	}
	t.Name = name.String()
	return t
}

// builtinAlias maps the type names users write without pg_catalog to
// PostgreSQL's internal names.
var builtinAlias = map[string]string{
	"text": "text", "jsonb": "jsonb", "json": "json", "uuid": "uuid", "bytea": "bytea",
	"timestamptz": "timestamptz", "timetz": "timetz", "date": "date", "citext": "citext",
	"inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "xml": "xml", "tsvector": "tsvector",
	"int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8",
	"int2": "int2", "int4": "int4", "int8": "int8", "float4": "float4", "float8": "float8",
	"decimal": "numeric", "numeric": "numeric", "varchar": "varchar", "bool": "bool", "boolean": "bool",
	"serial": "serial", "serial4": "serial", "bigserial": "bigserial", "serial8": "bigserial",
	"smallserial": "smallserial", "serial2": "smallserial", "money": "money", "varbit": "varbit",
	"bit": "bit", "char": "bpchar", "bpchar": "bpchar", "interval": "interval", "time": "time",
	"timestamp": "timestamp",
}

var serialTypes = map[string]string{"serial": "int4", "bigserial": "int8", "smallserial": "int2"}

func serial(name string) bool { return serialTypes[name] != "" }

// IsSerial reports whether a parsed type is one of the serial pseudo-types.
func IsSerial(tn *pg.TypeName) bool {
	parts := stringList(tn.GetNames())
	return len(parts) == 1 && serial(builtinAlias[parts[0]])
}

// NotNullColumn returns col for the expression `col IS NOT NULL`, else "".
func NotNullColumn(expr *pg.Node) string {
	nt := expr.GetNullTest()
	if nt == nil || nt.Nulltesttype != pg.NullTestType_IS_NOT_NULL {
		return ""
	}
	fields := stringList(nt.Arg.GetColumnRef().GetFields())
	if len(fields) != 1 {
		return ""
	}
	return fields[0]
}

// pinnedColumn returns the column of `col = constant` (either way round),
// or "".
func pinnedColumn(expr *pg.Node) string {
	e := expr.GetAExpr()
	if e == nil || e.Kind != pg.A_Expr_Kind_AEXPR_OP || len(e.Name) != 1 || e.Name[0].GetString_().GetSval() != "=" {
		return ""
	}
	col, other := e.Lexpr, e.Rexpr
	if col.GetColumnRef() == nil {
		col, other = other, col
	}
	fields := stringList(col.GetColumnRef().GetFields())
	if tc := other.GetTypeCast(); tc != nil {
		other = tc.Arg
	}
	if len(fields) != 1 || other.GetAConst() == nil {
		return ""
	}
	return fields[0]
}

func stringList(nodes []*pg.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		if s := n.GetString_(); s != nil {
			out = append(out, s.Sval)
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

// String renders a type as SQL, for messages.
func (t Type) String() string {
	s := t.Name
	if len(t.Mods) > 0 {
		mods := make([]string, len(t.Mods))
		for i, m := range t.Mods {
			mods[i] = fmt.Sprint(m)
		}
		s += "(" + strings.Join(mods, ",") + ")"
	}
	if t.Array {
		s += "[]"
	}
	return s
}
