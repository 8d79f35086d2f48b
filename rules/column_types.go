package rules

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Helpers shared by the column type rules (prefer-jsonb,
// prefer-text-over-char, prefer-timestamptz, prefer-identity,
// prefer-bigint-primary-key): the columns a statement gives a type, where
// that type is written, and the statement rewritten with other types.

// typedColumn is a column whose type the current statement writes: a
// column of CREATE TABLE, an ADD COLUMN, or the new type of ALTER COLUMN
// ... TYPE.
type typedColumn struct {
	Table catalog.Name
	Name  string
	Def   *pg.ColumnDef
	// New is set when the table is created by this statement or earlier in
	// the file: it holds no rows yet.
	New  bool
	Type catalog.Type
	Span sqlfile.Span // the type as written
}

// typedColumns returns the columns the current statement gives a type.
func typedColumns(p *analysis.Pass) []typedColumn {
	var out []typedColumn
	add := func(table catalog.Name, name string, d *pg.ColumnDef, isNew bool) {
		if d == nil || d.TypeName == nil {
			return // a column of CREATE TABLE ... PARTITION OF or OF type
		}
		out = append(out, typedColumn{Table: table, Name: name, Def: d, New: isNew,
			Type: p.Schema.TypeOf(d.TypeName), Span: typeSpan(p, d.TypeName)})
	}
	if s := p.Stmt.Node.GetCreateStmt(); s != nil && s.Relation != nil {
		table := catalog.RangeName(s.Relation)
		for _, e := range s.TableElts {
			if d := e.GetColumnDef(); d != nil {
				add(table, d.Colname, d, true)
			}
		}
		return out
	}
	for _, c := range alterCmds(p) {
		switch d := c.Cmd.Def.GetColumnDef(); c.Cmd.Subtype {
		case pg.AlterTableType_AT_AddColumn:
			if d != nil {
				add(c.Table, d.Colname, d, p.Schema.IsNew(c.Table))
			}
		case pg.AlterTableType_AT_AlterColumnType:
			add(c.Table, c.Cmd.Name, d, p.Schema.IsNew(c.Table))
		}
	}
	return out
}

// typeEnds are the keywords that end a column's type: its constraints,
// COLLATE, ALTER COLUMN ... TYPE's USING, and column options.
var typeEnds = map[pg.Token]bool{
	pg.Token_NOT: true, pg.Token_NULL_P: true, pg.Token_DEFAULT: true, pg.Token_CONSTRAINT: true,
	pg.Token_PRIMARY: true, pg.Token_UNIQUE: true, pg.Token_CHECK: true, pg.Token_REFERENCES: true,
	pg.Token_GENERATED: true, pg.Token_COLLATE: true, pg.Token_USING: true, pg.Token_COMPRESSION: true,
	pg.Token_STORAGE: true, pg.Token_OPTIONS: true,
}

// typeSpan returns the span of a type as written in the current statement:
// its name, modifiers, WITH(OUT) TIME ZONE and array bounds, up to the
// first constraint, comma or closing parenthesis.
func typeSpan(p *analysis.Pass, tn *pg.TypeName) sqlfile.Span {
	start := int(tn.Location)
	sp := sqlfile.Span{Start: start, End: start}
	depth := 0
	for _, t := range p.File.Tokens(start, p.Stmt.End) {
		switch {
		case t.Token == pg.Token_SQL_COMMENT || t.Token == pg.Token_C_COMMENT:
			continue
		case t.Token == pg.Token_ASCII_40 || t.Token == pg.Token_ASCII_91: // ( [
			depth++
		case t.Token == pg.Token_ASCII_41 || t.Token == pg.Token_ASCII_93: // ) ]
			if depth == 0 {
				return sp
			}
			depth--
		case depth == 0 && (t.Token == pg.Token_ASCII_44 || t.Token == pg.Token_ASCII_59 || typeEnds[t.Token]): // , ;
			return sp
		}
		sp.End = int(t.End)
	}
	return sp
}

// writtenType renders base with a column's array bounds, and with its type
// modifiers when keepMods is set: TIMESTAMP(3)[] becomes TIMESTAMPTZ(3)[].
func writtenType(base string, c typedColumn, keepMods bool) string {
	s := base
	if keepMods && len(c.Type.Mods) > 0 {
		mods := make([]string, len(c.Type.Mods))
		for i, m := range c.Type.Mods {
			mods[i] = fmt.Sprint(m)
		}
		s += "(" + strings.Join(mods, ",") + ")"
	}
	return s + strings.Repeat("[]", len(c.Def.TypeName.ArrayBounds))
}

// retyped returns the current statement with the type of each column
// replaced by retype's result, ready to paste.
func retyped(p *analysis.Pass, cols []typedColumn, retype func(typedColumn) string) string {
	rs := make([]replacement, len(cols))
	for i, c := range cols {
		rs[i] = replacement{c.Span, retype(c)}
	}
	return withReplacements(p.File, p.StmtSpan(), rs) + terminator(p.File, p.Stmt)
}

// typedColumnsWhere returns the columns of the current statement whose type
// keep accepts.
func typedColumnsWhere(p *analysis.Pass, keep func(typedColumn) bool) []typedColumn {
	var out []typedColumn
	for _, c := range typedColumns(p) {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// columnOf names a column for messages: `"payload" of "Event"`.
func columnOf(c typedColumn) string { return sqltext.Ident(c.Name) + " of " + c.Table.String() }

// rewritingColumn reports a column whose addition rewrites the table:
// serial, identity, stored generated, or with a volatile default.
func rewritingColumn(p *analysis.Pass, d *pg.ColumnDef) bool {
	return catalog.IsSerial(d.TypeName) || columnHas(d, pg.ConstrType_CONSTR_IDENTITY) != nil ||
		columnHas(d, pg.ConstrType_CONSTR_GENERATED) != nil || !isNull(columnDefault(d)) && volatileCall(p.Schema, columnDefault(d)) != ""
}
