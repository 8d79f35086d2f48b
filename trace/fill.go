package trace

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/stats"
)

// Unfilled is a table the trace could not give rows, and why: a statement on
// it was traced on an empty table, so its cost is not what production sees.
type Unfilled struct {
	Table  string `json:"table"`
	Reason string `json:"reason"`
}

// table is a table to fill, as the shadow database describes it.
type table struct {
	oid     int64
	name    string // schema-qualified and unquoted
	ident   string // quoted for SQL
	columns []column
	fks     []foreignKey
}

type column struct {
	name     string
	typ      string // format_type, with its modifier
	base     string // the base type's name (a domain's underlying type)
	category string // pg_type.typcategory of the base type
	elem     string // for an array: its element type's name
	notNull  bool
	hasDef   bool
	identity string // pg_attribute.attidentity: "", "a" (always) or "d" (by default)
	gen      bool   // a generated column
	typmod   int32
}

type foreignKey struct {
	parent  int64
	cols    []string // the child's columns
	parCols []string // the parent's columns they reference
}

// filler fills the empty tables of the shadow database with synthetic rows.
type filler struct {
	conn *pgx.Conn
	rows int
	// stats, when set, sizes the tables it knows (at most maxRows).
	stats   *stats.File
	maxRows int
	// counts holds the rows of every table seen, filled or found full.
	counts map[int64]int64
	idents map[int64]string // every table's quoted name, by oid
}

// rowsFor is how many rows a table gets: what the stats file says
// production holds, at most maxRows, or the default.
func (f *filler) rowsFor(t *table) int {
	if f.stats == nil {
		return f.rows
	}
	schema, name, _ := strings.Cut(t.name, ".")
	st := f.stats.Table(catalog.Name{Schema: schema, Name: name})
	if st == nil {
		return f.rows
	}
	return int(min(max(st.Rows, 0), int64(f.maxRows)))
}

// Fill gives every empty table of the database conn is connected to rows
// synthetic rows, as a trace does before each migration (parents before
// children, values of each column's type), in one transaction. It returns
// the tables it could not fill and why.
func Fill(ctx context.Context, conn *pgx.Conn, rows int) ([]Unfilled, error) {
	f := &filler{conn: conn, rows: rows, counts: map[int64]int64{}, idents: map[int64]string{}}
	return f.fillInTx(ctx)
}

// fillInTx is fill in a transaction of its own, so its savepoints work and
// a failure leaves no half-filled table.
func (f *filler) fillInTx(ctx context.Context) ([]Unfilled, error) {
	if _, err := f.conn.Exec(ctx, "BEGIN"); err != nil {
		return nil, err
	}
	unfilled, err := f.fill(ctx)
	if err != nil {
		f.conn.Exec(ctx, "ROLLBACK")
		return nil, fmt.Errorf("filling the shadow database: %w", err)
	}
	if _, err := f.conn.Exec(ctx, "COMMIT"); err != nil {
		return nil, err
	}
	return unfilled, nil
}

// fill gives every empty table rows, parents before children, and returns
// the tables it could not fill.
func (f *filler) fill(ctx context.Context) ([]Unfilled, error) {
	tables, err := f.tables(ctx)
	if err != nil {
		return nil, err
	}
	var todo []*table
	for _, t := range tables {
		if _, known := f.counts[t.oid]; known {
			continue // filled or counted before an earlier migration
		}
		var n int64
		if err := f.conn.QueryRow(ctx, "SELECT count(*) FROM "+t.ident).Scan(&n); err != nil {
			return nil, fmt.Errorf("counting the rows of %s: %w", t.name, err)
		}
		f.counts[t.oid] = n
		if n == 0 {
			todo = append(todo, t)
		}
	}
	var unfilled []Unfilled
	pending := map[int64]bool{}
	for _, t := range todo {
		pending[t.oid] = true
	}
	for len(todo) > 0 {
		next := pickReady(todo, pending)
		t := todo[next]
		todo = append(todo[:next], todo[next+1:]...)
		delete(pending, t.oid)
		if reason, err := f.fillTable(ctx, t); err != nil {
			return nil, err
		} else if reason != "" {
			unfilled = append(unfilled, Unfilled{Table: t.name, Reason: reason})
		}
	}
	return unfilled, nil
}

// pickReady returns the index of the next table to fill: the first whose
// parents are all done, else the first whose required parents (those of
// NOT NULL foreign keys) are done, its nullable keys then staying NULL,
// else, in a cycle of required keys, the first table.
func pickReady(todo []*table, pending map[int64]bool) int {
	for _, requiredOnly := range []bool{false, true} {
		for i, t := range todo {
			ready := true
			for _, k := range t.fks {
				if pending[k.parent] && k.parent != t.oid && !(requiredOnly && t.nullable(k.cols)) {
					ready = false
				}
			}
			if ready {
				return i
			}
		}
	}
	return 0
}

// fillTable inserts the rows of one table, trying ever simpler rows: with
// the columns' defaults, then with every column generated, then with the
// nullable columns NULL (which passes most CHECK constraints). It returns
// why the table stays empty, or "".
func (f *filler) fillTable(ctx context.Context, t *table) (string, error) {
	var last string
	for _, try := range []fillTry{{useDefaults: true}, {}, {nulls: true}} {
		sql, reason := f.insertSQL(t, try)
		if reason != "" {
			return reason, nil
		}
		err := f.inSavepoint(ctx, sql)
		if err == nil {
			f.counts[t.oid] = int64(f.rowsFor(t))
			return "", nil
		}
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return "", fmt.Errorf("filling %s: %w", t.name, err)
		}
		last = fmt.Sprintf("%s (SQLSTATE %s)", pe.Message, pe.Code)
	}
	return last, nil
}

func (f *filler) inSavepoint(ctx context.Context, sql string) error {
	if _, err := f.conn.Exec(ctx, "SAVEPOINT fill"); err != nil {
		return err
	}
	if _, err := f.conn.Exec(ctx, sql); err != nil {
		if _, rerr := f.conn.Exec(ctx, "ROLLBACK TO SAVEPOINT fill"); rerr != nil {
			return rerr
		}
		return err
	}
	_, err := f.conn.Exec(ctx, "RELEASE SAVEPOINT fill")
	return err
}

type fillTry struct {
	useDefaults bool // leave columns with a default to it
	nulls       bool // leave nullable columns NULL
}

// insertSQL builds INSERT ... SELECT over generate_series, where g numbers
// the rows: unique values come from g, and a foreign key's columns from the
// (1 + (g-1) % n)th row of its parent.
func (f *filler) insertSQL(t *table, try fillTry) (sql, reason string) {
	var names, values, ctes, joins []string
	fkValue := map[string]string{}
	for i, k := range t.fks {
		n := f.counts[k.parent]
		nullable := t.nullable(k.cols)
		if n == 0 || k.parent == t.oid {
			if !nullable {
				return "", fmt.Sprintf("its foreign key (%s) needs rows in a table that has none", strings.Join(k.cols, ", "))
			}
			continue // its columns stay NULL
		}
		alias := fmt.Sprintf("fk%d", i)
		cols := make([]string, len(k.parCols))
		for j, c := range k.parCols {
			cols[j] = pgx.Identifier{c}.Sanitize()
			if _, done := fkValue[k.cols[j]]; !done {
				fkValue[k.cols[j]] = alias + "." + cols[j]
			}
		}
		ctes = append(ctes, fmt.Sprintf("%s AS (SELECT %s, row_number() OVER () AS rn FROM %s)",
			alias, strings.Join(cols, ", "), f.tableIdent(k.parent)))
		joins = append(joins, fmt.Sprintf("JOIN %s ON %s.rn = 1 + (g - 1) %% %d", alias, alias, n))
	}
	for _, c := range t.columns {
		if c.gen || c.identity == "a" {
			continue
		}
		v, ok := fkValue[c.name]
		switch {
		case ok:
		case try.useDefaults && (c.hasDef || c.identity == "d"):
			continue
		case try.nulls && !c.notNull:
			continue
		default:
			if v, ok = valueOf(c); !ok {
				if c.hasDef || c.identity == "d" {
					continue
				}
				if !c.notNull {
					continue
				}
				return "", fmt.Sprintf("no synthetic value for column %s of type %s", c.name, c.typ)
			}
		}
		names = append(names, pgx.Identifier{c.name}.Sanitize())
		values = append(values, v)
	}
	if len(names) == 0 { // every column from its default
		return fmt.Sprintf("INSERT INTO %s SELECT FROM generate_series(1, %d) g", t.ident, f.rowsFor(t)), ""
	}
	with := ""
	if len(ctes) > 0 {
		with = "WITH " + strings.Join(ctes, ", ") + " "
	}
	return fmt.Sprintf("INSERT INTO %s (%s) %sSELECT %s FROM generate_series(1, %d) g %s", t.ident, strings.Join(names, ", "),
		with, strings.Join(values, ", "), f.rowsFor(t), strings.Join(joins, " ")), ""
}

func (t *table) nullable(cols []string) bool {
	for _, name := range cols {
		for _, c := range t.columns {
			if c.name == name && c.notNull {
				return false
			}
		}
	}
	return true
}

// tableIdent quotes a table the filler knows by oid.
func (f *filler) tableIdent(oid int64) string { return f.idents[oid] }

// tablesQuery lists the tables to fill: ordinary and partitioned tables of
// the user's schemas, not partitions (rows reach them through their parent).
const tablesQuery = `
SELECT c.oid::int8, n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ` + userSchemas + `
ORDER BY n.nspname, c.relname`

const columnsQuery = `
SELECT a.attname, format_type(a.atttypid, a.atttypmod), bt.typname, bt.typcategory::text,
	coalesce(et.typname, ''), a.attnotnull, a.atthasdef, a.attidentity::text, a.attgenerated <> '', a.atttypmod
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`

const foreignKeysQuery = `
SELECT co.confrelid::int8,
	array(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n ORDER BY k.i),
	array(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n ORDER BY k.i)
FROM pg_constraint co WHERE co.conrelid = $1 AND co.contype = 'f' ORDER BY co.conname`

// tables reads the tables to fill with their columns and foreign keys.
func (f *filler) tables(ctx context.Context) ([]*table, error) {
	rows, err := f.conn.Query(ctx, tablesQuery)
	if err != nil {
		return nil, err
	}
	var out []*table
	var oid int64
	var schema, name string
	if _, err := pgx.ForEachRow(rows, []any{&oid, &schema, &name}, func() error {
		out = append(out, &table{oid: oid, name: schema + "." + name, ident: pgx.Identifier{schema, name}.Sanitize()})
		return nil
	}); err != nil {
		return nil, err
	}
	for _, t := range out {
		f.idents[t.oid] = t.ident
		if _, known := f.counts[t.oid]; known {
			continue // filled or counted before an earlier migration: fill skips it
		}
		if err := f.describe(ctx, t); err != nil {
			return nil, fmt.Errorf("reading the columns of %s: %w", t.name, err)
		}
	}
	return out, nil
}

func (f *filler) describe(ctx context.Context, t *table) error {
	rows, err := f.conn.Query(ctx, columnsQuery, t.oid)
	if err != nil {
		return err
	}
	var c column
	if _, err := pgx.ForEachRow(rows, []any{&c.name, &c.typ, &c.base, &c.category, &c.elem, &c.notNull, &c.hasDef, &c.identity, &c.gen, &c.typmod},
		func() error { t.columns = append(t.columns, c); return nil }); err != nil {
		return err
	}
	rows, err = f.conn.Query(ctx, foreignKeysQuery, t.oid)
	if err != nil {
		return err
	}
	var k foreignKey
	_, err = pgx.ForEachRow(rows, []any{&k.parent, &k.cols, &k.parCols}, func() error { t.fks = append(t.fks, k); return nil })
	return err
}

// valueOf returns an expression of g (the row number, a bigint) giving
// column c a value of its type, distinct for each row where the type
// allows, and false for a type it cannot make up.
func valueOf(c column) (string, bool) {
	if c.category == "A" {
		v, ok := scalarValue(c.elem, "E", -1)
		if !ok {
			return "", false
		}
		return "ARRAY[" + v + "]::" + c.typ, true
	}
	if c.category == "E" {
		r := "enum_range(NULL::" + c.typ + ")"
		return fmt.Sprintf("(%s)[1 + g %% array_length(%s, 1)]", r, r), true
	}
	v, ok := scalarValue(c.base, c.category, c.typmod)
	if !ok {
		return "", false
	}
	return "(" + v + ")::" + c.typ, true
}

// scalarValue is valueOf for a base type, by its pg_type name.
func scalarValue(typ, category string, typmod int32) (string, bool) {
	switch typ {
	case "int2":
		return "g % 32767", true
	case "int4", "int8", "float4", "float8", "oid":
		return "g", true
	case "numeric":
		if typmod != -1 { // numeric(p, s) may not hold large values
			return "g % 10", true
		}
		return "g", true
	case "money":
		return "g::numeric", true
	case "text", "varchar", "bpchar", "name", "citext":
		// Digits: a later USING cast to a number, json or jsonb keeps working.
		return "g::text", true
	case "uuid":
		return "md5(g::text)::uuid", true
	case "bool":
		return "g % 2 = 0", true
	case "timestamp", "timestamptz":
		return "timestamp '2024-01-01' + g * interval '1 second'", true
	case "date":
		return "date '2024-01-01' + (g % 3650)::int", true
	case "time", "timetz":
		return "time '00:00' + g * interval '1 second'", true
	case "interval":
		return "g * interval '1 second'", true
	case "json", "jsonb":
		return "json_build_object('n', g)::text", true
	case "bytea":
		return "decode(md5(g::text), 'hex')", true
	case "inet", "cidr":
		return "inet '10.0.0.0' + g", true
	case "xml":
		return "'<v>' || g || '</v>'", true
	case "tsvector":
		return "to_tsvector('simple', 'v' || g)", true
	case "point":
		return "point(g, g)", true
	case "int4range", "int8range", "numrange":
		return typ + "(g * 10, g * 10 + 5)", true // disjoint, for an exclusion constraint with &&
	case "daterange":
		return "daterange(date '2000-01-01' + (g * 2)::int, date '2000-01-01' + (g * 2 + 1)::int)", true
	case "tsrange", "tstzrange":
		return typ + "(timestamp '2024-01-01' + g * interval '1 hour', timestamp '2024-01-01' + g * interval '1 hour' + interval '30 minutes')", true
	}
	return "", false
}
