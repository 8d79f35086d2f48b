package drift

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// The kinds of objects compared.
const (
	KindExtension = "extension"
	KindEnum      = "enum"
	KindDomain    = "domain"
	KindSequence  = "sequence"
	KindTable     = "table"
	KindColumn    = "column"
	KindConstr    = "constraint"
	KindIndex     = "index"
	KindView      = "view"
	KindMatView   = "materialized view"
	KindFunction  = "function"
	KindProcedure = "procedure"
	KindTrigger   = "trigger"
	KindRLS       = "row level security"
	KindPolicy    = "policy"
	KindComment   = "comment"
)

// Object is one schema object as the catalog describes it.
type Object struct {
	Kind   string
	Schema string
	Name   string // the object's own name; for functions with their argument types
	Table  string // the table (or view) a column, constraint, index, trigger or policy belongs to
	// Def is what is compared: the catalog's own deparsed definition
	// (pg_get_indexdef, pg_get_constraintdef, ...) or, for columns, tables
	// and sequences, their attributes written as SQL.
	Def string

	// Details the reconciling migration needs.
	Col     *Column
	ConType byte // constraint: p, u, f, c, x
	Valid   bool // constraint validated, index valid
	// Extra is a function's result type, a primary key or unique
	// constraint's index definition, a trigger's "D" when disabled, a
	// table's PARTITION BY clause.
	Extra    string
	Labels   []string // enum values in order; the schema.table.column a view reads
	Unlogged bool
	PartOf   string // a partition's PARTITION OF clause
}

// Column is a column's attributes.
type Column struct {
	Type      string // format_type, typmod included
	Collation string // only when not the type's default
	Default   string
	NotNull   bool
	Identity  string // "ALWAYS" or "BY DEFAULT"
	Generated string // the expression of a stored generated column
	Pos       int    // attnum, to create a table's columns in order
}

func (c *Column) def() string {
	var b strings.Builder
	b.WriteString(c.Type)
	if c.Collation != "" {
		b.WriteString(" COLLATE " + c.Collation)
	}
	switch {
	case c.Generated != "":
		b.WriteString(" GENERATED ALWAYS AS (" + c.Generated + ") STORED")
	case c.Identity != "":
		b.WriteString(" GENERATED " + c.Identity + " AS IDENTITY")
	case c.Default != "":
		b.WriteString(" DEFAULT " + c.Default)
	}
	if c.NotNull {
		b.WriteString(" NOT NULL")
	}
	return b.String()
}

// ID names an object the way reports show it: schema-qualified, with the
// table for objects that live in a table's namespace (columns,
// constraints, triggers, policies).
func (o *Object) ID() string {
	switch o.Kind {
	case KindExtension:
		return o.Name
	case KindColumn, KindConstr, KindTrigger, KindPolicy:
		return o.Schema + "." + o.Table + "." + o.Name
	case KindRLS:
		return o.Schema + "." + o.Table
	case KindComment:
		return o.Name
	}
	return o.Schema + "." + o.Name
}

func (o *Object) key() string { return o.Kind + "\x00" + o.ID() }

// Schema is the set of objects of a database in some schemas.
type Schema struct {
	Objects map[string]*Object // by key
}

func (s *Schema) add(o *Object) { s.Objects[o.key()] = o }

// sorted returns the objects in a stable order.
func (s *Schema) sorted() []*Object {
	out := make([]*Object, 0, len(s.Objects))
	for _, o := range s.Objects {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// IntrospectOptions says what Introspect reads.
type IntrospectOptions struct {
	Schemas  []string
	Comments bool // comments on tables, columns, views and indexes
	// Exclude names tables left out with everything they hold, as
	// schema.table (the history table is always left out).
	Exclude map[string]bool
}

// notExt filters out objects owned by an extension; %s is the catalog
// (pg_class, pg_proc, pg_type) and the alias of the row is x.
const notExt = ` AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = '%s'::regclass AND d.objid = x.oid AND d.deptype = 'e')`

// Introspect reads the objects of the given schemas from pg_catalog. The
// session's search_path is set to pg_catalog, so that every name the
// catalog deparses is schema-qualified the same way on both sides.
func Introspect(ctx context.Context, conn *pgx.Conn, opts IntrospectOptions) (*Schema, error) {
	if _, err := conn.Exec(ctx, "SET search_path = pg_catalog"); err != nil {
		return nil, err
	}
	s := &Schema{Objects: map[string]*Object{}}
	steps := []func(context.Context, *pgx.Conn, *Schema, []string) error{
		extensions, enums, domains, sequences, tables, columns, constraints, indexes, views, functions, triggers, policies,
	}
	if opts.Comments {
		steps = append(steps, comments)
	}
	for _, step := range steps {
		if err := step(ctx, conn, s, opts.Schemas); err != nil {
			return nil, fmt.Errorf("reading the catalog: %w", err)
		}
	}
	for k, o := range s.Objects {
		table := o.Table
		if o.Kind == KindTable {
			table = o.Name
		}
		if table == historyTable || opts.Exclude[o.Schema+"."+table] {
			delete(s.Objects, k)
		}
	}
	return s, nil
}

// historyTable is Prisma's history table, never compared.
const historyTable = "_prisma_migrations"

// scan runs a query with the schemas, when given, as $1 and hands each row's columns to
// fn.
func scan(ctx context.Context, conn *pgx.Conn, sql string, schemas []string, fn func(cols []any) *Object, s *Schema) error {
	var args []any
	if schemas != nil {
		args = append(args, schemas)
	}
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		s.add(fn(vals))
	}
	return rows.Err()
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func extensions(ctx context.Context, conn *pgx.Conn, s *Schema, _ []string) error {
	return scan(ctx, conn, `SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace`, nil,
		func(c []any) *Object {
			return &Object{Kind: KindExtension, Name: str(c[0]), Schema: str(c[1]), Def: "SCHEMA " + str(c[1])}
		}, s)
}

func enums(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.typname,
			(SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = x.oid),
			(SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = x.oid)
		FROM pg_type x JOIN pg_namespace n ON n.oid = x.typnamespace
		WHERE x.typtype = 'e' AND n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_type"), schemas,
		func(c []any) *Object {
			o := &Object{Kind: KindEnum, Schema: str(c[0]), Name: str(c[1]), Def: "ENUM (" + str(c[2]) + ")"}
			if labels, ok := c[3].([]any); ok {
				for _, l := range labels {
					o.Labels = append(o.Labels, str(l))
				}
			}
			return o
		}, s)
}

// domains reads domains as CREATE DOMAIN would define them.
func domains(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.typname,
			concat_ws(' ', format_type(x.typbasetype, x.typtypmod),
				CASE WHEN x.typcollation <> b.typcollation THEN 'COLLATE ' || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
					FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = x.typcollation) END,
				'DEFAULT ' || x.typdefault, CASE WHEN x.typnotnull THEN 'NOT NULL' END,
				(SELECT string_agg('CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname)
					FROM pg_constraint k WHERE k.contypid = x.oid))
		FROM pg_type x JOIN pg_namespace n ON n.oid = x.typnamespace JOIN pg_type b ON b.oid = x.typbasetype
		WHERE x.typtype = 'd' AND n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_type"), schemas,
		func(c []any) *Object {
			return &Object{Kind: KindDomain, Schema: str(c[0]), Name: str(c[1]), Def: str(c[2])}
		}, s)
}

// sequences reads sequences other than identity columns', which belong to
// their column. Where a sequence stands (last_value, RESTART) is data, not
// schema.
func sequences(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.relname,
			format('AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s',
				format_type(q.seqtypid, NULL), q.seqincrement, q.seqmin, q.seqmax, q.seqstart, q.seqcache,
				CASE WHEN q.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END),
			coalesce(o.relname, ''), coalesce(quote_ident(o.relname) || '.' || quote_ident(a.attname), '')
		FROM pg_class x
		LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = x.oid AND d.deptype = 'a' AND d.refclassid = 'pg_class'::regclass
		LEFT JOIN pg_class o ON o.oid = d.refobjid
		LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid JOIN pg_namespace n ON n.oid = x.relnamespace JOIN pg_sequence q ON q.seqrelid = x.oid
		WHERE x.relkind = 'S' AND n.nspname = ANY($1)
		AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = x.oid AND d.deptype = 'i')`+
		fmt.Sprintf(notExt, "pg_class"), schemas,
		func(c []any) *Object {
			// A serial column's sequence belongs to its table; Extra is
			// the column it is OWNED BY.
			return &Object{Kind: KindSequence, Schema: str(c[0]), Name: str(c[1]), Def: str(c[2]), Table: str(c[3]), Extra: str(c[4])}
		}, s)
}

// tables reads tables with their persistence and partitioning, and their
// row-level security switches as objects of their own.
func tables(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.relname,
			x.relpersistence = 'u',
			CASE WHEN x.relispartition THEN 'PARTITION OF ' || (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = x.oid) || ' ' || pg_get_expr(x.relpartbound, x.oid) ELSE '' END,
			CASE WHEN x.relkind = 'p' THEN 'PARTITION BY ' || pg_get_partkeydef(x.oid) ELSE '' END,
			x.relrowsecurity, x.relforcerowsecurity
		FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
		WHERE x.relkind IN ('r', 'p') AND n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_class"), schemas,
		func(c []any) *Object {
			t := &Object{Kind: KindTable, Schema: str(c[0]), Name: str(c[1]), Unlogged: c[2].(bool), PartOf: str(c[3]), Extra: str(c[4])}
			var parts []string
			for _, p := range []string{map[bool]string{true: "UNLOGGED"}[t.Unlogged], t.PartOf, t.Extra} {
				if p != "" {
					parts = append(parts, p)
				}
			}
			t.Def = strings.Join(parts, " ")
			if c[5].(bool) {
				def := "ENABLE"
				if c[6].(bool) {
					def += ", FORCE"
				}
				s.add(&Object{Kind: KindRLS, Schema: t.Schema, Table: t.Name, Name: t.Name, Def: def})
			}
			return t
		}, s)
}

func columns(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.relname, a.attname, format_type(a.atttypid, a.atttypmod),
			CASE WHEN a.attcollation <> t.typcollation THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
				FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END,
			pg_get_expr(ad.adbin, ad.adrelid), a.attnotnull,
			CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' ELSE '' END, a.attgenerated = 's', a.attnum::int
		FROM pg_attribute a JOIN pg_class x ON x.oid = a.attrelid JOIN pg_namespace n ON n.oid = x.relnamespace
		JOIN pg_type t ON t.oid = a.atttypid
		LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		WHERE x.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_class"), schemas,
		func(c []any) *Object {
			col := &Column{Type: str(c[3]), Collation: str(c[4]), NotNull: c[6].(bool), Identity: str(c[7]), Pos: int(c[9].(int32))}
			if c[8].(bool) {
				col.Generated = str(c[5])
			} else {
				col.Default = str(c[5])
			}
			return &Object{Kind: KindColumn, Schema: str(c[0]), Table: str(c[1]), Name: str(c[2]), Col: col, Def: col.def()}
		}, s)
}

func constraints(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.relname, k.conname, pg_get_constraintdef(k.oid), k.contype::text, k.convalidated,
			CASE WHEN k.contype IN ('p', 'u') THEN pg_get_indexdef(k.conindid) ELSE '' END
		FROM pg_constraint k JOIN pg_class x ON x.oid = k.conrelid JOIN pg_namespace n ON n.oid = x.relnamespace
		WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conislocal AND n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_class"), schemas,
		func(c []any) *Object {
			return &Object{Kind: KindConstr, Schema: str(c[0]), Table: str(c[1]), Name: str(c[2]), Def: str(c[3]),
				ConType: str(c[4])[0], Valid: c[5].(bool), Extra: str(c[6])}
		}, s)
}

// indexes reads indexes other than those of primary key, unique and
// exclusion constraints, which are part of their constraint. An index left
// INVALID by a failed concurrent build says so in its definition.
func indexes(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, t.relname, x.relname, pg_get_indexdef(x.oid), i.indisvalid
		FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = x.relnamespace
		WHERE n.nspname = ANY($1) AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid
			AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))`+fmt.Sprintf(notExt, "pg_class"), schemas,
		func(c []any) *Object {
			o := &Object{Kind: KindIndex, Schema: str(c[0]), Table: str(c[1]), Name: str(c[2]), Def: str(c[3]), Valid: c[4].(bool)}
			if !o.Valid {
				o.Def += " (INVALID)"
			}
			return o
		}, s)
}

func views(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.relname, x.relkind::text, pg_get_viewdef(x.oid),
			(SELECT array_agg(DISTINCT tn.nspname || '.' || t.relname || '.' || a.attname) FROM pg_rewrite r
				JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
				JOIN pg_class t ON t.oid = d.refobjid AND t.oid <> x.oid JOIN pg_namespace tn ON tn.oid = t.relnamespace
				JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
				WHERE r.ev_class = x.oid)
		FROM pg_class x JOIN pg_namespace n ON n.oid = x.relnamespace
		WHERE x.relkind IN ('v', 'm') AND n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_class"), schemas,
		func(c []any) *Object {
			kind := KindView
			if str(c[2]) == "m" {
				kind = KindMatView
			}
			o := &Object{Kind: kind, Schema: str(c[0]), Name: str(c[1]), Def: strings.TrimSpace(str(c[3]))}
			if deps, ok := c[4].([]any); ok {
				for _, d := range deps {
					o.Labels = append(o.Labels, str(d))
				}
			}
			return o
		}, s)
}

// functions reads functions and procedures by their signature. Extra holds
// the result type, which CREATE OR REPLACE cannot change.
func functions(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.proname || '(' || pg_get_function_identity_arguments(x.oid) || ')',
			x.prokind::text, pg_get_functiondef(x.oid), coalesce(pg_get_function_result(x.oid), '')
		FROM pg_proc x JOIN pg_namespace n ON n.oid = x.pronamespace
		WHERE x.prokind IN ('f', 'p') AND n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_proc"), schemas,
		func(c []any) *Object {
			kind := KindFunction
			if str(c[2]) == "p" {
				kind = KindProcedure
			}
			return &Object{Kind: kind, Schema: str(c[0]), Name: str(c[1]), Def: strings.TrimSpace(str(c[3])), Extra: str(c[4])}
		}, s)
}

func triggers(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, c.relname, x.tgname, pg_get_triggerdef(x.oid), x.tgenabled::text
		FROM pg_trigger x JOIN pg_class c ON c.oid = x.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT x.tgisinternal AND n.nspname = ANY($1)
		AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`, schemas,
		func(c []any) *Object {
			o := &Object{Kind: KindTrigger, Schema: str(c[0]), Table: str(c[1]), Name: str(c[2]), Def: str(c[3])}
			if str(c[4]) == "D" {
				o.Def += " (DISABLED)"
				o.Extra = "D"
			}
			return o
		}, s)
}

func policies(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT schemaname, tablename, policyname,
			concat_ws(' ', 'AS ' || permissive, 'FOR ' || cmd, 'TO ' || (SELECT string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ') FROM unnest(roles) r),
				'USING (' || qual || ')', 'WITH CHECK (' || with_check || ')')
		FROM pg_policies WHERE schemaname = ANY($1)`, schemas,
		func(c []any) *Object {
			return &Object{Kind: KindPolicy, Schema: str(c[0]), Table: str(c[1]), Name: str(c[2]), Def: str(c[3])}
		}, s)
}

// comments reads the comments on relations and their columns.
func comments(ctx context.Context, conn *pgx.Conn, s *Schema, schemas []string) error {
	return scan(ctx, conn, `SELECT n.nspname, x.relname, coalesce(a.attname, ''), x.relkind::text, d.description
		FROM pg_description d JOIN pg_class x ON x.oid = d.objoid AND d.classoid = 'pg_class'::regclass
		JOIN pg_namespace n ON n.oid = x.relnamespace
		LEFT JOIN pg_attribute a ON a.attrelid = x.oid AND a.attnum = d.objsubid AND d.objsubid > 0
		WHERE n.nspname = ANY($1)`+fmt.Sprintf(notExt, "pg_class"), schemas,
		func(c []any) *Object {
			word := relkindWord(str(c[3]))
			name, on := str(c[0])+"."+str(c[1]), word+" "+qualify(str(c[0]), str(c[1]))
			if str(c[2]) != "" {
				word, name, on = "COLUMN", name+"."+str(c[2]), "COLUMN "+qualify(str(c[0]), str(c[1]))+"."+sqltext.Ident(str(c[2]))
			}
			// Extra is the target of COMMENT ON.
			return &Object{Kind: KindComment, Schema: str(c[0]), Table: str(c[1]), Name: strings.ToLower(word) + " " + name, Def: str(c[4]), Extra: on}
		}, s)
}

func relkindWord(k string) string {
	switch k {
	case "v":
		return "VIEW"
	case "m":
		return "MATERIALIZED VIEW"
	case "i", "I":
		return "INDEX"
	case "S":
		return "SEQUENCE"
	}
	return "TABLE"
}
