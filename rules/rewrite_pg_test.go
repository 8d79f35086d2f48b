package rules_test

// These tests hold column-type-rewrite and volatile-default to what a real
// PostgreSQL server does: each case fills a table, records the relfilenode of
// the table and of its indexes, runs the migration, and compares "PostgreSQL
// wrote new files" with "the rule reported the statement".

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/rules"
)

// pgDB is a fresh database on a real server.
type pgDB struct {
	conn  *pgx.Conn
	major int // server major version, which the rules are told to target
}

func newPGDB(t *testing.T) *pgDB {
	t.Helper()
	db := &pgDB{conn: pgtest.Connect(t, pgtest.NewDatabase(t))}
	var num int
	db.queryRow(t, "SELECT current_setting('server_version_num')::int", nil, &num)
	db.major = num / 10000
	return db
}

func (db *pgDB) exec(t *testing.T, sql string) int64 {
	t.Helper()
	tag, err := db.conn.Exec(context.Background(), sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return tag.RowsAffected()
}

func (db *pgDB) queryRow(t *testing.T, sql string, args []any, dest ...any) {
	t.Helper()
	if err := db.conn.QueryRow(context.Background(), sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
}

func (db *pgDB) strings(t *testing.T, sql string) map[string]bool {
	t.Helper()
	rows, err := db.conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

// filenodes returns the relfilenode of a table and of each of its indexes: a
// rewrite or an index rebuild writes new files under new numbers.
func (db *pgDB) filenodes(t *testing.T, table string) map[string]uint32 {
	t.Helper()
	rows, err := db.conn.Query(context.Background(), `SELECT relname::text, relfilenode FROM pg_class
		WHERE oid = $1::regclass OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = $1::regclass)`,
		catalog.Name{Name: table}.String())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uint32{}
	var name string
	var node uint32
	if _, err := pgx.ForEachRow(rows, []any{&name, &node}, func() error { out[name] = node; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// rewritten names the relations of table whose files changed since before.
func (db *pgDB) rewritten(t *testing.T, table string, before map[string]uint32) []string {
	t.Helper()
	var out []string
	for name, node := range db.filenodes(t, table) {
		if before[name] != node {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// typeCase is one column type change.
type typeCase struct {
	from, to string // the column's types
	value    string // what the rows hold
	using    string // a USING expression, or ""
	index    bool   // index the column
	tz       string // the session TimeZone; "" is a zone other than UTC
	ext      string // an extension the types need, created in the history
}

var typeCases = []typeCase{
	// Kept rows, one or more per typeChanges entry.
	{from: "TEXT", to: "CITEXT", value: "'Abc'", ext: "citext"},
	{from: "TEXT", to: "CITEXT", value: "'Abc'", index: true, ext: "citext"},
	{from: "VARCHAR(10)", to: "CITEXT", value: "'Abc'", ext: "citext"},
	{from: "CITEXT", to: "TEXT", value: "'Abc'", ext: "citext"},
	{from: "CITEXT", to: "TEXT", value: "'Abc'", index: true, ext: "citext"},
	{from: "CITEXT", to: "VARCHAR", value: "'Abc'", ext: "citext"},
	{from: "CITEXT", to: "VARCHAR(2)", value: "'A'", ext: "citext"},
	{from: "VARCHAR(10)", to: "VARCHAR(20)", value: "'abc'", index: true},
	{from: "VARCHAR(10)", to: "character varying", value: "'abc'", index: true},
	{from: "VARCHAR(10)", to: "TEXT", value: "'abc'", index: true},
	{from: "character varying", to: "text", value: "'abc'", index: true},
	{from: "TEXT", to: "VARCHAR", value: "'abc'", index: true},
	{from: "DECIMAL(10,2)", to: "DECIMAL(12,2)", value: "1.5", index: true},
	{from: "DECIMAL(10,2)", to: "NUMERIC", value: "1.5", index: true},
	{from: "NUMERIC(10)", to: "NUMERIC(12,0)", value: "7", index: true},
	{from: "varbit(5)", to: "varbit(10)", value: "B'101'", index: true},
	{from: "bit varying(5)", to: "bit varying", value: "B'101'", index: true},
	{from: "TIMESTAMP(3)", to: "TIMESTAMP(6)", value: "now()", index: true},
	{from: "TIMESTAMP(3)", to: "TIMESTAMP", value: "now()", index: true},
	{from: "TIMESTAMP", to: "TIMESTAMP(6)", value: "now()", index: true},
	{from: "TIMESTAMPTZ(3)", to: "TIMESTAMPTZ(6)", value: "now()", index: true},
	{from: "timestamp(0) with time zone", to: "timestamp with time zone", value: "now()", index: true},
	{from: "TIME(3)", to: "TIME(6)", value: "now()", index: true},
	{from: "TIME", to: "TIME(6)", value: "now()", index: true},
	{from: "TIMETZ(3)", to: "TIMETZ(6)", value: "now()", index: true},
	{from: "time(2) with time zone", to: "time with time zone", value: "now()", index: true},
	{from: "INTERVAL(3)", to: "INTERVAL(6)", value: "'1 day 2 seconds'", index: true},
	{from: "INTERVAL(3)", to: "INTERVAL", value: "'1 day'", index: true},
	{from: "INTERVAL DAY", to: "INTERVAL", value: "'1 day'", index: true},
	{from: "CIDR", to: "INET", value: "'10.0.0.0/8'", index: true},
	{from: "XML", to: "TEXT", value: "'<a/>'"}, // xml has no btree operator class
	{from: "XML", to: "VARCHAR", value: "'<a/>'"},
	{from: "TEXT", to: "bpchar", value: "'abc'"},
	{from: "VARCHAR(10)", to: "bpchar", value: "'abc'"},
	{from: "BIT(3)", to: "varbit", value: "B'101'"},
	// The same type, written another way.
	{from: "INTEGER", to: "int4", value: "1", index: true},
	{from: "VARCHAR(10)", to: "character varying(10)", value: "'abc'", index: true},
	{from: "TIMESTAMP(3)", to: "timestamp(3) without time zone", value: "now()", index: true},
	{from: "DECIMAL(65,30)", to: "NUMERIC(65,30)", value: "1", index: true},
	{from: `"Mood"`, to: `"public"."Mood"`, value: "'happy'", index: true},
	{from: "CHAR(5)", to: "character(5)", value: "'abc'", index: true},
	{from: "VARCHAR(10)[]", to: "VARCHAR[]", value: "ARRAY['abc']", index: true},
	{from: "DECIMAL(10,2)[]", to: "NUMERIC[]", value: "ARRAY[1.5]", index: true},
	{from: "TEXT", to: "TEXT", value: "'abc'", using: `"c"`, index: true},
	{from: "TEXT", to: `TEXT COLLATE "C"`, value: "'abc'"},
	// Rebuilt indexes, rows kept.
	{from: "TEXT", to: "bpchar", value: "'abc'", index: true},
	{from: "VARCHAR(10)", to: "bpchar", value: "'abc'", index: true},
	{from: "BIT(3)", to: "varbit", value: "B'101'", index: true},
	{from: "TEXT", to: `TEXT COLLATE "C"`, value: "'abc'", index: true},
	{from: "TIMESTAMP", to: "TIMESTAMPTZ", value: "now()", index: true, tz: "UTC"},
	// Rewrites.
	{from: "INTEGER", to: "BIGINT", value: "1", index: true},
	{from: "INTEGER", to: "BIGINT", value: "1"},
	{from: "BIGINT", to: "INTEGER", value: "1", index: true},
	{from: "SMALLINT", to: "INTEGER", value: "1"},
	{from: "INTEGER", to: "DOUBLE PRECISION", value: "1"},
	{from: "INTEGER", to: "DECIMAL(65,30)", value: "1"},
	{from: "VARCHAR(20)", to: "VARCHAR(10)", value: "'abc'", index: true},
	{from: "TEXT", to: "VARCHAR(10)", value: "'abc'"},
	{from: "VARCHAR", to: "VARCHAR(10)", value: "'abc'"},
	{from: "CHAR(5)", to: "CHAR(10)", value: "'abc'"},
	{from: "CHAR(5)", to: "TEXT", value: "'abc'"},
	{from: "CHAR(5)", to: "VARCHAR", value: "'abc'"},
	{from: "TEXT", to: "CHAR(10)", value: "'abc'"},
	{from: "DECIMAL(10,2)", to: "DECIMAL(12,3)", value: "1.5", index: true},
	{from: "DECIMAL(10,2)", to: "DECIMAL(8,2)", value: "1.5"},
	{from: "NUMERIC", to: "DECIMAL(10,2)", value: "1.5"},
	{from: "DECIMAL(10,2)", to: "NUMERIC(12)", value: "1.5"},
	{from: "varbit(10)", to: "varbit(5)", value: "B'101'"},
	{from: "BIT(3)", to: "varbit(5)", value: "B'101'"},
	{from: "TIMESTAMP(6)", to: "TIMESTAMP(3)", value: "now()"},
	{from: "TIMESTAMP", to: "TIMESTAMP(3)", value: "now()", index: true},
	{from: "TIMESTAMP(3)", to: "TIMESTAMPTZ(3)", value: "now()", index: true},
	{from: "TIMESTAMP(3)", to: "TIMESTAMPTZ(3)", value: "now()", tz: "UTC"},
	{from: "TIMESTAMPTZ(3)", to: "TIMESTAMP(3)", value: "now()"},
	{from: "TIMESTAMP", to: "TIMESTAMPTZ", value: "now()"},
	{from: "TIMESTAMPTZ", to: "TIMESTAMP", value: "now()"},
	{from: "INTERVAL", to: "INTERVAL DAY", value: "'1 day'"},
	{from: "INTERVAL(3)", to: "INTERVAL(2)", value: "'1 day'"},
	{from: "TIME(6)", to: "TIME(3)", value: "now()"},
	{from: "VARCHAR(10)[]", to: "VARCHAR(20)[]", value: "ARRAY['abc']"},
	{from: "VARCHAR(10)[]", to: "TEXT[]", value: "ARRAY['abc']"},
	{from: "TEXT[]", to: "VARCHAR[]", value: "ARRAY['abc']"},
	{from: "INTEGER[]", to: "BIGINT[]", value: "ARRAY[1]"},
	{from: "UUID", to: "TEXT", value: "gen_random_uuid()", index: true},
	{from: "TEXT", to: "UUID", value: "gen_random_uuid()::text", using: `"c"::uuid`},
	{from: "TEXT", to: "JSONB", value: "'{}'", using: `"c"::jsonb`},
	{from: "JSON", to: "JSONB", value: "'{}'"},
	{from: "JSONB", to: "JSON", value: "'{}'"},
	{from: `"Mood"`, to: "TEXT", value: "'happy'", index: true},
	{from: "TEXT", to: `"Mood"`, value: "'happy'", using: `"c"::"Mood"`},
	{from: `"Mood"`, to: `"Mood"`, value: "'happy'", using: `"c"::text::"Mood"`},
	{from: "BOOLEAN", to: "INTEGER", value: "true", using: `"c"::integer`},
	{from: "TEXT", to: "TEXT", value: "'abc'", using: `lower("c")`, index: true},
	{from: "INTEGER", to: "TEXT", value: "1"},
}

// TestColumnTypeRewriteOnPostgres checks every type change the rule lets
// through, and a set it reports, against a real server, and that each
// typeChanges entry is shown to keep the rows by at least one case.
//
// Sessions run with a TimeZone other than UTC, as the rule cannot know the
// deploy's: PostgreSQL 12+ skips the timestamp <-> timestamptz rewrite when
// TimeZone is UTC (yet rebuilds the indexes, and rewrites for a precision).
func TestColumnTypeRewriteOnPostgres(t *testing.T) {
	db := newPGDB(t)
	db.exec(t, `CREATE TYPE "Mood" AS ENUM ('happy', 'sad')`)
	kept := map[string]bool{}
	for i, c := range typeCases {
		name := c.from + " to " + c.to
		if c.using != "" {
			name += " using " + c.using
		}
		if c.index {
			name += ", indexed"
		}
		t.Run(name, func(t *testing.T) {
			table := fmt.Sprintf("Type%d", i)
			history := fmt.Sprintf(`CREATE TABLE %[1]s ("id" SERIAL PRIMARY KEY, "c" %[2]s);`, sqltext.Ident(table), c.from)
			if c.ext != "" {
				if !db.strings(t, "SELECT name FROM pg_available_extensions")[c.ext] {
					t.Skipf("the server lacks the %s extension", c.ext)
				}
				history = fmt.Sprintf("CREATE EXTENSION IF NOT EXISTS %s;\n", c.ext) + history
			}
			if c.index {
				history += fmt.Sprintf("\nCREATE INDEX %s ON %s (\"c\");", sqltext.Ident(table+"_c_idx"), sqltext.Ident(table))
			}
			alter := fmt.Sprintf(`ALTER TABLE %s ALTER COLUMN "c" SET DATA TYPE %s`, sqltext.Ident(table), c.to)
			if c.using != "" {
				alter += " USING " + c.using
			}
			flagged := positions(lintSQL(t, []string{history}, alter+";", db.major), "column-type-rewrite") != nil

			db.exec(t, history)
			db.exec(t, fmt.Sprintf(`INSERT INTO %s ("c") SELECT %s FROM generate_series(1, 100)`, sqltext.Ident(table), c.value))
			before := db.filenodes(t, table)
			tz := c.tz
			if tz == "" {
				tz = "America/New_York"
			}
			db.exec(t, "SET TimeZone = '"+tz+"'")
			db.exec(t, alter)
			changed := db.rewritten(t, table, before)
			if flagged != (len(changed) > 0) {
				t.Errorf("rule reports it: %v; PostgreSQL rewrote %v", flagged, changed)
			}
			if !flagged && len(changed) == 0 {
				kept[typeEntry(t, c.from, c.to)] = true
			}
		})
	}
	for _, e := range rules.TypeChangeEntries() {
		if !kept[e] {
			t.Errorf("no case shows PostgreSQL keeping the rows for the typeChanges entry %s", e)
		}
	}
}

// typeEntry returns "from>to" in the catalog's type names, as
// rules.TypeChangeEntries names them, or "" for arrays.
func typeEntry(t *testing.T, from, to string) string {
	t.Helper()
	name := func(typ string) string {
		r, err := pg.Parse("ALTER TABLE x ALTER COLUMN c TYPE " + typ)
		if err != nil {
			t.Fatal(err)
		}
		tn := r.Stmts[0].Stmt.GetAlterTableStmt().Cmds[0].GetAlterTableCmd().Def.GetColumnDef().TypeName
		if len(tn.ArrayBounds) > 0 {
			return ""
		}
		return catalog.New().TypeOf(tn).Name
	}
	f, o := name(from), name(to)
	if f == "" || o == "" {
		return ""
	}
	return f + ">" + o
}

func ident(s string) string { return catalog.Name{Name: s}.String() }

// TestVolatileDefaultOnPostgres checks ADD COLUMN defaults the rule reports,
// and some it lets through, against a real server; serial and identity
// columns are held to their own rules, which must report them alone.
func TestVolatileDefaultOnPostgres(t *testing.T) {
	db := newPGDB(t)
	db.exec(t, `CREATE TYPE "Mood" AS ENUM ('happy', 'sad')`)
	cases := []struct {
		setup  string // run before the table is created, and part of the history
		absent string // run before the table is created, but not in the history
		column string // the ADD COLUMN definition after the name
		ext    string // an extension the case needs
		rule   string // the rule that owns the case; "" is volatile-default
	}{
		{column: "UUID DEFAULT gen_random_uuid()"},
		{column: "UUID NOT NULL DEFAULT gen_random_uuid()"},
		{column: "DOUBLE PRECISION DEFAULT random()"},
		{column: "TIMESTAMPTZ DEFAULT clock_timestamp()"},
		{column: "TEXT DEFAULT md5(random()::text)"},
		{column: "INTEGER NOT NULL DEFAULT (floor(random() * 100))::integer"},
		{setup: `CREATE SEQUENCE "Rank_seq";`, column: `BIGINT DEFAULT nextval('"Rank_seq"'::regclass)`},
		{column: "SERIAL NOT NULL", rule: "adding-serial-column"},
		{column: "SMALLSERIAL", rule: "adding-serial-column"},
		{column: "BIGINT GENERATED BY DEFAULT AS IDENTITY", rule: "adding-identity-column"},
		{column: "INTEGER GENERATED ALWAYS AS IDENTITY", rule: "adding-identity-column"},
		{setup: `CREATE FUNCTION "short_id"() RETURNS text LANGUAGE sql AS $$ SELECT substr(md5(random()::text), 1, 8) $$;`,
			column: "TEXT DEFAULT short_id()"},
		{setup: `CREATE FUNCTION "tenant"() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'acme' $$;`,
			column: "TEXT DEFAULT tenant()"},
		{setup: `CREATE FUNCTION "answer"() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 42 $$;`,
			column: "INTEGER NOT NULL DEFAULT answer()"},
		// Created outside the migrations (by hand, by an extension): assumed
		// VOLATILE, PostgreSQL's default, which it is here. (A LANGUAGE sql
		// body that PostgreSQL inlines would be judged by its body instead.)
		{absent: `CREATE FUNCTION "make_slug"() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN 'x'; END $$;`, column: "TEXT DEFAULT make_slug()"},
		{setup: `CREATE EXTENSION IF NOT EXISTS "uuid-ossp";`, column: "UUID DEFAULT uuid_generate_v4()", ext: "uuid-ossp"},
		{setup: `CREATE EXTENSION IF NOT EXISTS "uuid-ossp";`, column: "UUID DEFAULT uuid_generate_v5(uuid_ns_url(), 'x')", ext: "uuid-ossp"},
		{column: "TIMESTAMP(3) NOT NULL DEFAULT now()"},
		{column: "TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP"},
		{column: "TIMESTAMPTZ DEFAULT statement_timestamp()"},
		{column: "BOOLEAN NOT NULL DEFAULT false"},
		{column: "TEXT DEFAULT 'x'"},
		{column: "INTEGER NOT NULL DEFAULT 0"},
		{column: "JSONB NOT NULL DEFAULT '{}'::jsonb"},
		{column: "TEXT[] DEFAULT ARRAY[]::TEXT[]"},
		{column: `"Mood" NOT NULL DEFAULT 'happy'`},
		{column: "TEXT DEFAULT NULL"},
		{column: "TEXT"},
	}
	available := db.strings(t, "SELECT name FROM pg_available_extensions")
	for i, c := range cases {
		t.Run(c.column, func(t *testing.T) {
			if c.ext != "" && !available[c.ext] {
				t.Skipf("the server lacks the %s extension", c.ext)
			}
			table := fmt.Sprintf("Default%d", i)
			history := c.setup + fmt.Sprintf("\nCREATE TABLE %s (\"id\" SERIAL PRIMARY KEY, \"n\" INTEGER);", sqltext.Ident(table))
			add := fmt.Sprintf(`ALTER TABLE %s ADD COLUMN "c" %s;`, sqltext.Ident(table), c.column)
			rule := c.rule
			if rule == "" {
				rule = "volatile-default"
			}
			fs := byDefault(lintSQL(t, []string{history}, add, db.major))
			flagged := positions(fs, rule) != nil
			if others := len(fs) - len(positions(fs, rule)); others > 0 {
				t.Errorf("rules other than %s report the column:\n%s", rule, dump(fs))
			}

			db.exec(t, c.absent+history)
			db.exec(t, fmt.Sprintf(`INSERT INTO %s ("n") SELECT g FROM generate_series(1, 100) g`, sqltext.Ident(table)))
			before := db.filenodes(t, table)
			db.exec(t, add)
			changed := db.rewritten(t, table, before)
			if flagged != (len(changed) > 0) {
				t.Errorf("%s reports it: %v; PostgreSQL rewrote %v", rule, flagged, changed)
			}
		})
	}
}

// TestVolatileBuiltinsOnPostgres checks volatile_builtins.go against the
// server's pg_proc: every name is volatile there, and on the major version
// the list was generated from, no volatile name is missing. Functions of
// common extensions in volatileElsewhere are checked when the server has
// the extension.
func TestVolatileBuiltinsOnPostgres(t *testing.T) {
	db := newPGDB(t)
	if !sort.StringsAreSorted(rules.VolatileBuiltins) {
		t.Error("volatileBuiltins is not sorted: sort.SearchStrings would miss names")
	}
	volatile := db.strings(t, `SELECT proname::text FROM pg_proc
		WHERE provolatile = 'v' AND pronamespace = 'pg_catalog'::regnamespace`)
	exists := db.strings(t, `SELECT proname::text FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace`)
	const generatedFrom = 15
	for _, name := range rules.VolatileBuiltins {
		switch {
		case volatile[name]:
		case exists[name] || db.major == generatedFrom:
			t.Errorf("%s is not a volatile pg_catalog function on PostgreSQL %d", name, db.major)
		default:
			t.Logf("%s does not exist on PostgreSQL %d", name, db.major)
		}
	}
	stable := db.strings(t, `SELECT proname::text FROM pg_proc
		WHERE provolatile <> 'v' AND pronamespace = 'pg_catalog'::regnamespace`)
	if !sort.StringsAreSorted(rules.StableBuiltins) {
		t.Error("stableBuiltins is not sorted: sort.SearchStrings would miss names")
	}
	for _, name := range rules.StableBuiltins {
		if !stable[name] && (exists[name] || db.major == generatedFrom) {
			t.Errorf("%s is not an immutable or stable pg_catalog function on PostgreSQL %d", name, db.major)
		}
	}
	if db.major == generatedFrom {
		for name := range stable {
			if !slices.Contains(rules.StableBuiltins, name) {
				t.Errorf("stable function %s is missing from stableBuiltins", name)
			}
		}
		for name := range volatile {
			if !slices.Contains(rules.VolatileBuiltins, name) {
				t.Errorf("volatile function %s is missing from volatileBuiltins", name)
			}
		}
	}

	available := db.strings(t, "SELECT name FROM pg_available_extensions")
	for ext, names := range map[string][]string{
		"uuid-ossp": {"uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4"},
		"pgcrypto":  {"gen_random_bytes", "gen_salt"},
	} {
		if !available[ext] {
			t.Logf("the server lacks the %s extension: its functions are not checked", ext)
			continue
		}
		db.exec(t, fmt.Sprintf("CREATE EXTENSION IF NOT EXISTS %s", sqltext.Ident(ext)))
		got := db.strings(t, "SELECT proname::text FROM pg_proc WHERE provolatile = 'v' AND proname = ANY('{"+
			strings.Join(names, ",")+"}')")
		for _, name := range names {
			if !got[name] {
				t.Errorf("%s (from %s) is not volatile", name, ext)
			}
			if !slices.Contains(rules.VolatileElsewhere, name) {
				t.Errorf("%s (from %s) is missing from volatileElsewhere", name, ext)
			}
		}
	}
	for ext, names := range map[string][]string{
		"uuid-ossp": {"uuid_nil", "uuid_ns_dns", "uuid_ns_oid", "uuid_ns_url", "uuid_ns_x500", "uuid_generate_v3", "uuid_generate_v5"},
		"pgcrypto":  {"armor", "crypt", "dearmor", "decrypt", "digest", "encrypt", "hmac"},
		"citext":    {"citext"},
	} {
		if !available[ext] {
			continue
		}
		db.exec(t, fmt.Sprintf("CREATE EXTENSION IF NOT EXISTS %s", sqltext.Ident(ext)))
		got := db.strings(t, "SELECT proname::text FROM pg_proc WHERE provolatile <> 'v' AND proname = ANY('{"+
			strings.Join(names, ",")+"}')")
		for _, name := range names {
			if !got[name] {
				t.Errorf("%s (from %s) is volatile", name, ext)
			}
			if !slices.Contains(rules.StableElsewhere, name) {
				t.Errorf("%s (from %s) is missing from stableElsewhere", name, ext)
			}
		}
	}
}

// fixSteps splits a finding's fix into its first migration, its batched
// backfill (a comment in the fix, uncommented here) and the migrations after.
func fixSteps(t *testing.T, fix string) (first, backfill, rest string) {
	t.Helper()
	first, rest, _ = strings.Cut(fix, "\n-- Migration 2")
	for _, line := range strings.Split(first, "\n") {
		if strings.HasPrefix(line, "-- UPDATE ") {
			backfill = strings.TrimPrefix(line, "-- ")
		}
	}
	if backfill == "" {
		t.Fatalf("fix has no backfill:\n%s", fix)
	}
	return first, backfill, "-- Migration 2" + rest
}

// applyFix lints sql after history (already run on db), runs the finding's
// fix as a deploy would, checks that its first migration rewrote nothing,
// and runs between after the first migration (writes the application makes
// meanwhile).
func applyFix(t *testing.T, db *pgDB, history, sql, rule, table, between string) {
	t.Helper()
	var fix string
	for _, f := range lintSQL(t, []string{history}, sql, db.major) {
		if f.Rule == rule {
			fix = f.Fix
		}
	}
	if fix == "" {
		t.Fatalf("%s reports no fix for\n%s", rule, sql)
	}
	first, backfill, rest := fixSteps(t, fix)
	before := db.filenodes(t, table)
	db.exec(t, first)
	if changed := db.rewritten(t, table, before); len(changed) > 0 {
		t.Errorf("the fix's first migration rewrote %v:\n%s", changed, first)
	}
	db.exec(t, between)
	for i := 0; db.exec(t, backfill) > 0; i++ {
		if i == 20 {
			t.Fatalf("the backfill does not end:\n%s", backfill)
		}
	}
	db.exec(t, rest)
}

// TestColumnTypeRewriteFixOnPostgres runs the rule's expand-contract fix on a
// real server: no rewrite, rows written meanwhile kept in step, and the
// column ends with the new type and the converted values.
func TestColumnTypeRewriteFixOnPostgres(t *testing.T) {
	cases := []struct {
		name, history, fill, sql, between string
		typ                               string // the column's type afterwards
		check                             string // true when the data came through
	}{
		{name: "int to bigint",
			history: `CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "views" INTEGER NOT NULL DEFAULT 0);`,
			fill:    `INSERT INTO "Post" ("views") SELECT g FROM generate_series(1, 25000) g`,
			sql:     `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;`,
			between: `INSERT INTO "Post" ("views") VALUES (7); UPDATE "Post" SET "views" = 2147483647 WHERE "id" = 1`,
			typ:     "bigint",
			check:   `SELECT count(*) = 25001 AND sum("views") = 312512500::bigint + 7 - 1 + 2147483647 FROM "Post"`},
		{name: "narrowing varchar",
			history: `CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "name" VARCHAR(100));`,
			fill:    `INSERT INTO "User" ("name") SELECT 'user ' || g FROM generate_series(1, 300) g`,
			sql:     `ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(50);`,
			between: `INSERT INTO "User" ("name") VALUES (NULL), ('late')`,
			typ:     "character varying(50)",
			check:   `SELECT count(*) = 302 AND count("name") = 301 AND bool_or("name" = 'late') FROM "User"`},
		{name: "prisma enum change with USING",
			history: `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "role" "Role" NOT NULL DEFAULT 'USER');`,
			fill:    `INSERT INTO "User" ("role") SELECT CASE WHEN g % 2 = 0 THEN 'USER' ELSE 'ADMIN' END::"Role" FROM generate_series(1, 300) g`,
			sql:     `ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");`,
			between: `INSERT INTO "User" ("role") VALUES ('ADMIN')`,
			typ:     `"Role_new"`,
			check:   `SELECT count(*) = 301 AND count(*) FILTER (WHERE "role" = 'ADMIN') = 151 FROM "User"`},
		{name: "timestamp to timestamptz reading UTC",
			history: `CREATE TABLE "Event" ("id" SERIAL PRIMARY KEY, "createdAt" TIMESTAMP(3) NOT NULL);`,
			fill:    `INSERT INTO "Event" ("createdAt") SELECT '2024-01-01 12:00:00' FROM generate_series(1, 300)`,
			sql:     `ALTER TABLE "Event" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC';`,
			between: `SET TimeZone = 'Asia/Tokyo'; INSERT INTO "Event" ("createdAt") VALUES ('2024-01-01 12:00:00')`,
			typ:     "timestamp(3) with time zone",
			check:   `SELECT count(*) = 301 AND bool_and("createdAt" = '2024-01-01 12:00:00+00') FROM "Event"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := newPGDB(t)
			db.exec(t, c.history)
			db.exec(t, c.fill)
			table := catalog.RangeName(mustAlter(t, c.sql).Relation).Name
			applyFix(t, db, c.history, c.sql, "column-type-rewrite", table, c.between)
			var typ string
			var ok bool
			db.queryRow(t, `SELECT format_type(atttypid, atttypmod) FROM pg_attribute
				WHERE attrelid = $1::regclass AND attname = $2`,
				[]any{sqltext.Ident(table), mustAlter(t, c.sql).Cmds[0].GetAlterTableCmd().Name}, &typ)
			db.queryRow(t, c.check, nil, &ok)
			if typ != c.typ || !ok {
				t.Errorf("after the fix the column is %s (want %s), data check: %v", typ, c.typ, ok)
			}
		})
	}
}

// TestVolatileDefaultFixOnPostgres runs the fixes of volatile-default,
// adding-serial-column and adding-identity-column on a real server: no
// rewrite, every row gets its own value, new rows get the default, the
// column ends NOT NULL when it was declared so, and an identity column ends
// as one.
func TestVolatileDefaultFixOnPostgres(t *testing.T) {
	const history = `CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL);`
	for _, c := range []struct{ name, sql, col, rule, identity string }{
		{"gen_random_uuid", `ALTER TABLE "User" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid() UNIQUE;`, "publicId", "volatile-default", ""},
		{"nullable random", `ALTER TABLE "User" ADD COLUMN "seed" DOUBLE PRECISION DEFAULT random();`, "seed", "volatile-default", ""},
		{"serial", `ALTER TABLE "User" ADD COLUMN "number" SERIAL NOT NULL;`, "number", "adding-serial-column", ""},
		{"identity", `ALTER TABLE "User" ADD COLUMN "uid" BIGINT GENERATED ALWAYS AS IDENTITY;`, "uid", "adding-identity-column", "a"},
		{"identity by default", `ALTER TABLE "User" ADD COLUMN "uid" INTEGER GENERATED BY DEFAULT AS IDENTITY;`, "uid", "adding-identity-column", "d"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := newPGDB(t)
			db.exec(t, history)
			db.exec(t, `INSERT INTO "User" ("email") SELECT 'u' || g || '@example.com' FROM generate_series(1, 25000) g`)
			applyFix(t, db, history, c.sql, c.rule, "User", `INSERT INTO "User" ("email") VALUES ('late@example.com')`)
			var identity string
			db.queryRow(t, `SELECT attidentity::text FROM pg_attribute WHERE attrelid = '"User"'::regclass AND attname = $1`,
				[]any{c.col}, &identity)
			if identity != c.identity {
				t.Errorf("after the fix attidentity is %q, want %q", identity, c.identity)
			}
			col := sqltext.Ident(c.col)
			var distinct, wantNotNull, notNull, newRow bool
			db.queryRow(t, fmt.Sprintf(`SELECT count(DISTINCT %s) = 25001 FROM "User"`, col), nil, &distinct)
			wantNotNull = strings.Contains(c.sql, "NOT NULL") || strings.Contains(c.sql, "IDENTITY")
			db.queryRow(t, `SELECT attnotnull FROM pg_attribute WHERE attrelid = '"User"'::regclass AND attname = $1`,
				[]any{c.col}, &notNull)
			db.queryRow(t, fmt.Sprintf(`INSERT INTO "User" ("email") VALUES ('new@example.com') RETURNING %s IS NOT NULL`, col),
				nil, &newRow)
			if !distinct || notNull != wantNotNull || !newRow {
				t.Errorf("after the fix: every row its own value %v, NOT NULL %v (want %v), new rows get the default %v",
					distinct, notNull, wantNotNull, newRow)
			}
		})
	}
}

func mustAlter(t *testing.T, sql string) *pg.AlterTableStmt {
	t.Helper()
	r, err := pg.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	return r.Stmts[0].Stmt.GetAlterTableStmt()
}
