package catalog_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// apply replays one file's SQL into c.
func apply(t *testing.T, c *catalog.Catalog, sql string) {
	t.Helper()
	f, err := sqlfile.Parse("migration.sql", []byte(sql))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Errors {
		t.Fatalf("syntax error at %v: %s", f.Position(e.Offset), e.Message)
	}
	for _, s := range f.Stmts {
		c.Apply(s.Node)
	}
}

// replay replays files in order as a history, numbering them from 1.
func replay(t *testing.T, files ...string) *catalog.Catalog {
	t.Helper()
	c := catalog.New()
	for i, sql := range files {
		c.BeginFile(i + 1)
		apply(t, c, sql)
	}
	return c
}

// name parses "schema.name" or "name" (public) for lookups.
func name(s string) catalog.Name {
	if schema, n, ok := strings.Cut(s, "."); ok {
		return catalog.Name{Schema: schema, Name: n}
	}
	return catalog.Name{Schema: catalog.DefaultSchema, Name: s}
}

// describe renders a table, its constraints and its indexes, one per line:
//
//	column <name> <type> [NOT NULL] [DEFAULT] [IDENTITY] [GENERATED]
//	constraint <name> <kind>(<columns>) [-> <table>] [NOT VALID] [NOT NULL OF <col>]
//	index <name> [UNIQUE] (<columns>)
func describe(c *catalog.Catalog, table string) string {
	t := c.Table(name(table))
	if t == nil {
		return "(no table)"
	}
	var lines []string
	if t.Partial {
		lines = append(lines, "partial")
	}
	for _, col := range t.Columns {
		l := "column " + col.Name + " " + col.Type.String()
		for _, f := range []struct {
			on   bool
			word string
		}{{col.NotNull, "NOT NULL"}, {col.Default, "DEFAULT"}, {col.Identity, "IDENTITY"}, {col.Generated, "GENERATED"}, {col.Type.Enum, "ENUM"}} {
			if f.on {
				l += " " + f.word
			}
		}
		lines = append(lines, l)
	}
	kinds := map[catalog.ConstraintKind]string{catalog.PrimaryKey: "PK", catalog.Unique: "UNIQUE", catalog.Check: "CHECK", catalog.ForeignKey: "FK", catalog.Exclusion: "EXCLUDE"}
	for _, k := range t.Constraints {
		l := fmt.Sprintf("constraint %s %s(%s)", k.Name, kinds[k.Kind], strings.Join(k.Columns, ","))
		if k.Kind == catalog.ForeignKey {
			l += " -> " + k.RefTable.String()
		}
		if !k.Validated {
			l += " NOT VALID"
		}
		if k.NotNullOf != "" {
			l += " NOT NULL OF " + k.NotNullOf
		}
		lines = append(lines, l)
	}
	var idx []string
	for _, ix := range c.IndexesOn(t.Name) {
		l := "index " + ix.Name.String()
		if ix.Unique {
			l += " UNIQUE"
		}
		idx = append(idx, l+" ("+strings.Join(ix.Columns, ",")+")")
	}
	sort.Strings(idx)
	return strings.Join(append(lines, idx...), "\n")
}

// trim removes the indentation of a raw-string expectation.
func trim(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "\n")
}

const createUser = `-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" VARCHAR(100),
    "role" "Role" NOT NULL DEFAULT 'USER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "balance" DECIMAL(65,30),
    "tags" TEXT[],
    "profile" JSONB,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`

const createPost = `-- CreateTable
CREATE TABLE "Post" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`

func TestReplay(t *testing.T) {
	cases := []struct {
		name    string
		history []string
		table   string
		want    string // describe(table)
	}{
		{
			name:    "prisma create table",
			history: []string{createUser},
			table:   "User",
			want: `
				column id int4 NOT NULL DEFAULT
				column email text NOT NULL
				column name varchar(100)
				column role "Role" NOT NULL DEFAULT ENUM
				column createdAt timestamp(3) NOT NULL DEFAULT
				column updatedAt timestamp(3) NOT NULL
				column balance numeric(65,30)
				column tags text[]
				column profile jsonb
				constraint User_pkey PK(id)
				index "User_email_key" UNIQUE (email)
				index "User_pkey" UNIQUE (id)`,
		},
		{
			name: "primary key makes NOT NULL; default constraint names",
			history: []string{`CREATE TABLE "Tag" ("id" TEXT, "n" INT, "a" INT, "b" INT, "owner" INT REFERENCES "User"("id"), "email" TEXT UNIQUE,
				PRIMARY KEY ("id", "n"), UNIQUE ("a", "b"), CHECK ("a" IS NOT NULL), CHECK ("a" < "b"), FOREIGN KEY ("a", "b") REFERENCES "Other"("x", "y"));`},
			table: "Tag",
			want: `
				column id text NOT NULL
				column n int4 NOT NULL
				column a int4
				column b int4
				column owner int4
				column email text
				constraint Tag_owner_fkey FK(owner) -> "User"
				constraint Tag_email_key UNIQUE(email)
				constraint Tag_pkey PK(id,n)
				constraint Tag_a_b_key UNIQUE(a,b)
				constraint Tag_a_check CHECK(a) NOT NULL OF a
				constraint Tag_check CHECK()
				constraint Tag_a_b_fkey FK(a,b) -> "Other"
				index "Tag_a_b_key" UNIQUE (a,b)
				index "Tag_email_key" UNIQUE (email)
				index "Tag_pkey" UNIQUE (id,n)`,
		},
		{
			name:    "column primary key, serial kinds, identity, generated",
			history: []string{`CREATE TABLE "public"."Seq" ("id" BIGSERIAL PRIMARY KEY, "s" smallserial, "i" INTEGER GENERATED BY DEFAULT AS IDENTITY, "g" INTEGER GENERATED ALWAYS AS ("s" * 2) STORED, "d" DOUBLE PRECISION, "b" BOOLEAN, "c" CHAR(2), "t" TIMESTAMPTZ(6), "u" UUID);`},
			table:   "Seq",
			want: `
				column id int8 NOT NULL DEFAULT
				column s int2 NOT NULL DEFAULT
				column i int4 NOT NULL IDENTITY
				column g int4 GENERATED
				column d float8
				column b bool
				column c bpchar(2)
				column t timestamptz(6)
				column u uuid
				constraint Seq_pkey PK(id)
				index "Seq_pkey" UNIQUE (id)`,
		},
		{
			name:    "CREATE TABLE IF NOT EXISTS keeps the first",
			history: []string{`CREATE TABLE "T" ("a" INT);`, `CREATE TABLE IF NOT EXISTS "T" ("b" INT);`},
			table:   "T",
			want:    `column a int4`,
		},
		{
			name:    "schema-qualified and unqualified names are the same table",
			history: []string{`CREATE TABLE "public"."User" ("id" INT);`, `ALTER TABLE "User" ADD COLUMN "a" TEXT;`, `ALTER TABLE public."User" ADD COLUMN "b" TEXT;`},
			table:   "public.User",
			want: `
				column id int4
				column a text
				column b text`,
		},
		{
			name: "alter table column changes",
			history: []string{createUser, `-- AlterTable
ALTER TABLE "User" DROP COLUMN "tags",
ADD COLUMN     "slug" TEXT NOT NULL DEFAULT '',
ADD COLUMN IF NOT EXISTS "email" INTEGER,
ALTER COLUMN "name" SET DATA TYPE TEXT,
ALTER COLUMN "balance" TYPE numeric(10,2) USING "balance"::numeric(10,2),
ALTER COLUMN "createdAt" DROP DEFAULT,
ALTER COLUMN "updatedAt" SET DEFAULT now(),
ALTER COLUMN "updatedAt" DROP NOT NULL,
ALTER COLUMN "profile" SET NOT NULL,
ALTER COLUMN "role" TYPE TEXT;`},
			table: "User",
			want: `
				column id int4 NOT NULL DEFAULT
				column email text NOT NULL
				column name text
				column role text NOT NULL DEFAULT
				column createdAt timestamp(3) NOT NULL
				column updatedAt timestamp(3) DEFAULT
				column balance numeric(10,2)
				column profile jsonb NOT NULL
				column slug text NOT NULL DEFAULT
				constraint User_pkey PK(id)
				index "User_email_key" UNIQUE (email)
				index "User_pkey" UNIQUE (id)`,
		},
		{
			name: "constraints: NOT VALID, VALIDATE, CHECK IS NOT NULL, DROP",
			history: []string{createUser, createPost, `
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "public"."User"("id") NOT VALID;
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_not_null" CHECK ("title" IS NOT NULL) NOT VALID;
ALTER TABLE "Post" ADD CONSTRAINT "Post_id_not_null" CHECK ("id" IS NOT NULL) NOT VALID;
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_len" CHECK (length("title") > 0);
ALTER TABLE "Post" ADD CHECK ("authorId" IS NOT NULL);
ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE ("title");
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_not_null";
ALTER TABLE "Post" DROP CONSTRAINT "Post_id_not_null";
ALTER TABLE "Post" DROP CONSTRAINT IF EXISTS "missing";`},
			table: "Post",
			want: `
				column id text NOT NULL
				column title text NOT NULL
				column authorId int4 NOT NULL
				constraint Post_pkey PK(id)
				constraint Post_authorId_fkey FK(authorId) -> "User" NOT VALID
				constraint Post_title_not_null CHECK(title) NOT NULL OF title
				constraint Post_title_len CHECK()
				constraint Post_authorId_check CHECK(authorId) NOT NULL OF authorId
				constraint Post_title_key UNIQUE(title)
				index "Post_authorId_idx" (authorId)
				index "Post_pkey" UNIQUE (id)
				index "Post_title_key" UNIQUE (title)`,
		},
		{
			name: "drop constraint drops its index",
			history: []string{createUser, createPost, `ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE ("title");`,
				`ALTER TABLE "Post" DROP CONSTRAINT "Post_title_key", DROP CONSTRAINT "Post_pkey";`},
			table: "Post",
			want: `
				column id text NOT NULL
				column title text NOT NULL
				column authorId int4 NOT NULL
				constraint Post_authorId_fkey FK(authorId) -> "User"
				index "Post_authorId_idx" (authorId)`,
		},
		{
			name: "drop column drops its constraints and indexes",
			history: []string{createUser, createPost, `ALTER TABLE "Post" ADD CONSTRAINT "Post_title_check" CHECK ("title" IS NOT NULL);
CREATE INDEX "Post_title_authorId_idx" ON "Post"("title", "authorId");`,
				`ALTER TABLE "Post" DROP COLUMN "authorId", DROP COLUMN "title";`},
			table: "Post",
			want: `
				column id text NOT NULL
				constraint Post_pkey PK(id)
				index "Post_pkey" UNIQUE (id)`,
		},
		{
			name: "indexes: named, unnamed, IF NOT EXISTS, drop, rename",
			history: []string{createUser, createPost, `
CREATE INDEX ON "Post"("title", "authorId");
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Post_authorId_idx" ON "Post"("title");
CREATE INDEX IF NOT EXISTS "Post_id_idx" ON "public"."Post" USING HASH ("id");
CREATE INDEX "Post_lower_idx" ON "Post"(lower("title"));
DROP INDEX IF EXISTS "missing";
DROP INDEX "Post_id_idx";
-- RenameIndex
ALTER INDEX "Post_authorId_idx" RENAME TO "Post_author_idx";`},
			table: "Post",
			want: `
				column id text NOT NULL
				column title text NOT NULL
				column authorId int4 NOT NULL
				constraint Post_pkey PK(id)
				constraint Post_authorId_fkey FK(authorId) -> "User"
				index "Post_author_idx" (authorId)
				index "Post_lower_idx" ()
				index "Post_pkey" UNIQUE (id)
				index "Post_title_authorId_idx" (title,authorId)`,
		},
		{
			name:    "rename table: indexes follow",
			history: []string{createUser, createPost, `ALTER TABLE "Post" RENAME TO "Article";`},
			table:   "Article",
			want: `
				column id text NOT NULL
				column title text NOT NULL
				column authorId int4 NOT NULL
				constraint Post_pkey PK(id)
				constraint Post_authorId_fkey FK(authorId) -> "User"
				index "Post_authorId_idx" (authorId)
				index "Post_pkey" UNIQUE (id)`,
		},
		{
			name: "rename column: constraints and indexes follow",
			history: []string{createUser, createPost, `ALTER TABLE "Post" ADD CONSTRAINT "Post_author_nn" CHECK ("authorId" IS NOT NULL) NOT VALID;`,
				`ALTER TABLE "Post" RENAME COLUMN "authorId" TO "writerId";
ALTER TABLE "Post" RENAME "id" TO "key";`},
			table: "Post",
			want: `
				column key text NOT NULL
				column title text NOT NULL
				column writerId int4 NOT NULL
				constraint Post_pkey PK(key)
				constraint Post_authorId_fkey FK(writerId) -> "User"
				constraint Post_author_nn CHECK(writerId) NOT VALID NOT NULL OF writerId
				index "Post_authorId_idx" (writerId)
				index "Post_pkey" UNIQUE (key)`,
		},
		{
			name: "rename constraint of a key renames its index, and back",
			history: []string{createUser, createPost, `ALTER TABLE "Post" RENAME CONSTRAINT "Post_pkey" TO "Article_pkey";
ALTER TABLE "Post" RENAME CONSTRAINT "Post_authorId_fkey" TO "Post_writer_fkey";`,
				`ALTER INDEX "Article_pkey" RENAME TO "Post_key_pkey";`},
			table: "Post",
			want: `
				column id text NOT NULL
				column title text NOT NULL
				column authorId int4 NOT NULL
				constraint Post_key_pkey PK(id)
				constraint Post_writer_fkey FK(authorId) -> "User"
				index "Post_authorId_idx" (authorId)
				index "Post_key_pkey" UNIQUE (id)`,
		},
		{
			name: "constraint USING INDEX takes over the index",
			history: []string{createPost, `CREATE UNIQUE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");`,
				`ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE USING INDEX "Post_title_idx";`},
			table: "Post",
			want: `
				column id text NOT NULL
				column title text NOT NULL
				column authorId int4 NOT NULL
				constraint Post_pkey PK(id)
				constraint Post_authorId_fkey FK(authorId) -> "User"
				constraint Post_title_key UNIQUE(title)
				index "Post_authorId_idx" (authorId)
				index "Post_pkey" UNIQUE (id)
				index "Post_title_key" UNIQUE (title)`,
		},
		{
			name: "primary key USING INDEX without a name keeps the index name",
			history: []string{`CREATE TABLE "K" ("a" INT);`, `CREATE UNIQUE INDEX "K_a_idx" ON "K"("a");`,
				`ALTER TABLE "K" ADD PRIMARY KEY USING INDEX "K_a_idx";`},
			table: "K",
			want: `
				column a int4 NOT NULL
				constraint K_a_idx PK(a)
				index "K_a_idx" UNIQUE (a)`,
		},
		{
			name: "prisma enum value removal block",
			history: []string{createUser, `/*
  Warnings:

  - The values [ADMIN] on the enum ` + "`Role`" + ` will be removed. If these variants are still used in the database, this will fail.

*/
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'MEMBER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;`},
			table: "User",
			want: `
				column id int4 NOT NULL DEFAULT
				column email text NOT NULL
				column name varchar(100)
				column role "Role" NOT NULL DEFAULT ENUM
				column createdAt timestamp(3) NOT NULL DEFAULT
				column updatedAt timestamp(3) NOT NULL
				column balance numeric(65,30)
				column tags text[]
				column profile jsonb
				constraint User_pkey PK(id)
				index "User_email_key" UNIQUE (email)
				index "User_pkey" UNIQUE (id)`,
		},
		{
			name: "other schemas",
			history: []string{`CREATE SCHEMA "audit";
CREATE TYPE "audit"."Kind" AS ENUM ('A');
CREATE TABLE "audit"."User" ("id" INT PRIMARY KEY, "kind" "audit"."Kind", "at" TIMESTAMP(3));
CREATE INDEX "User_at_idx" ON "audit"."User"("at");
CREATE TABLE "User" ("x" INT);`,
				`ALTER TABLE audit."User" ADD COLUMN "y" INT;
DROP INDEX "User_at_idx";`},
			table: "audit.User",
			want: `
				column id int4 NOT NULL
				column kind "audit"."Kind" ENUM
				column at timestamp(3)
				column y int4
				constraint User_pkey PK(id)
				index "audit"."User_at_idx" (at)
				index "audit"."User_pkey" UNIQUE (id)`,
		},
		{
			name:    "unquoted names fold to lower case",
			history: []string{`CREATE TABLE "Tag" ("Name" TEXT);`, `CREATE TABLE Tag (Name TEXT, "Upper" INT);`, `ALTER TABLE TAG ADD COLUMN NEXT INT;`},
			table:   "tag",
			want: `
				column name text
				column Upper int4
				column next int4`,
		},
		{
			name:    "quoted name is case-sensitive",
			history: []string{`CREATE TABLE "Tag" ("Name" TEXT);`, `CREATE TABLE Tag (Name TEXT);`},
			table:   "Tag",
			want:    `column Name text`,
		},
		{
			name:    "drop table",
			history: []string{createUser, createPost, `DROP TABLE "Post";`},
			table:   "Post",
			want:    `(no table)`,
		},
		{
			name:    "create table as and partitions are partial",
			history: []string{`CREATE TABLE "Copy" AS SELECT 1 AS "a";`},
			table:   "Copy",
			want:    `partial`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat := replay(t, c.history...)
			if got, want := describe(cat, c.table), trim(c.want); got != want {
				t.Errorf("%s:\n got:\n%s\nwant:\n%s", c.table, got, want)
			}
		})
	}
}

func TestDropTableRemovesIndexes(t *testing.T) {
	c := replay(t, createUser, createPost, `DROP TABLE "Post";`)
	for _, ix := range []string{"Post_pkey", "Post_authorId_idx"} {
		if c.Index(name(ix)) != nil {
			t.Errorf("index %s survived DROP TABLE", ix)
		}
	}
	if c.Index(name("User_email_key")) == nil || c.Table(name("User")) == nil {
		t.Error("DROP TABLE Post removed User's objects")
	}
	if got := c.Tables(); got != 1 {
		t.Errorf("Tables() = %d, want 1", got)
	}
	c = replay(t, createUser, createPost, `DROP TABLE IF EXISTS "public"."Post", "Missing" CASCADE;`)
	if c.Table(name("Post")) != nil || len(c.IndexesOn(name("Post"))) != 0 {
		t.Error("qualified DROP TABLE of a list left Post behind")
	}
}

func TestIndexLookup(t *testing.T) {
	c := replay(t, createUser, createPost, `CREATE UNIQUE INDEX "Post_title_key" ON "Post"("title");`)
	ix := c.Index(name("Post_title_key"))
	if ix == nil || ix.Table != name("Post") || !ix.Unique || ix.File != 3 || strings.Join(ix.Columns, ",") != "title" {
		t.Errorf("Index = %+v", ix)
	}
	if c.Index(name("Post_title_key")) != c.Index(catalog.Name{Schema: "public", Name: "Post_title_key"}) {
		t.Error("lookups disagree")
	}
	if c.Index(name("post_title_key")) != nil {
		t.Error("index names are case-sensitive")
	}
}

func TestEnums(t *testing.T) {
	cases := []struct {
		name    string
		history []string
		enum    string
		want    string // values joined by ","; "-" when the enum is absent
	}{
		{"create", []string{`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`}, "Role", "USER,ADMIN"},
		{"qualified create", []string{`CREATE TYPE "public"."Role" AS ENUM ('USER');`}, "Role", "USER"},
		{"add value", []string{`CREATE TYPE "Role" AS ENUM ('USER');`, `-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'ADMIN';`}, "Role", "USER,ADMIN"},
		{"add value qualified", []string{`CREATE TYPE "Role" AS ENUM ('USER');`, `ALTER TYPE "public"."Role" ADD VALUE 'ADMIN';`}, "Role", "USER,ADMIN"},
		{"add value IF NOT EXISTS", []string{`CREATE TYPE "Role" AS ENUM ('USER');`, `ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'USER'; ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'ADMIN';`}, "Role", "USER,ADMIN"},
		{"add value BEFORE and AFTER", []string{`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`, `ALTER TYPE "Role" ADD VALUE 'GUEST' BEFORE 'USER'; ALTER TYPE "Role" ADD VALUE 'MOD' AFTER 'USER';`}, "Role", "GUEST,USER,MOD,ADMIN"},
		{"rename value", []string{`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`, `ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER';`}, "Role", "USER,OWNER"},
		{"rename type", []string{`CREATE TYPE "Role" AS ENUM ('USER');`, `ALTER TYPE "Role" RENAME TO "Kind";`}, "Kind", "USER"},
		{"renamed away", []string{`CREATE TYPE "Role" AS ENUM ('USER');`, `ALTER TYPE "Role" RENAME TO "Kind";`}, "Role", "-"},
		{"drop type", []string{`CREATE TYPE "Role" AS ENUM ('USER');`, `DROP TYPE "Role";`}, "Role", "-"},
		{"drop type qualified, IF EXISTS", []string{`CREATE TYPE "Role" AS ENUM ('USER');`, `DROP TYPE IF EXISTS "public"."Role", "Missing";`}, "Role", "-"},
		{"prisma removal block", []string{`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`, `BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
COMMIT;`}, "Role", "USER"},
		{"removal block leaves no helper type", []string{`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`, `CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";`}, "Role_new", "-"},
		{"other schema", []string{`CREATE TYPE "app"."Role" AS ENUM ('A');`, `ALTER TYPE "app"."Role" ADD VALUE 'B';`}, "app.Role", "A,B"},
		{"other schema is not public", []string{`CREATE TYPE "app"."Role" AS ENUM ('A');`}, "Role", "-"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := replay(t, c.history...).Enum(name(c.enum))
			got := "-"
			if e != nil {
				got = strings.Join(e.Values, ",")
				if e.Name != name(c.enum) {
					t.Errorf("enum Name = %v, want %v", e.Name, name(c.enum))
				}
			}
			if got != c.want {
				t.Errorf("values = %s, want %s", got, c.want)
			}
		})
	}
}

// TestEnumRenameFollowsColumns checks that a column keeps pointing at its
// enum type across Prisma's rename dance, and at its new name.
func TestEnumRenameFollowsColumns(t *testing.T) {
	c := replay(t, createUser, `ALTER TYPE "Role" RENAME TO "UserRole";`)
	col := c.Table(name("User")).Column("role")
	if col.Type.Name != `"UserRole"` || !col.Type.Enum {
		t.Errorf("column type after rename = %+v, want the enum \"UserRole\"", col.Type)
	}
}

func TestFunctions(t *testing.T) {
	cases := []struct {
		name string
		sql  string
		fn   string
		want string // volatility letter, or "-" when unknown
	}{
		{"default volatile", `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';`, "f", "v"},
		{"immutable", `CREATE FUNCTION "public"."slug"(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;`, "slug", "i"},
		{"stable, or replace", `CREATE OR REPLACE FUNCTION now_utc() RETURNS timestamp STABLE LANGUAGE sql AS $$ SELECT now() $$;`, "now_utc", "s"},
		{"explicit volatile", `CREATE FUNCTION r() RETURNS float8 VOLATILE LANGUAGE sql AS 'SELECT random()';`, "r", "v"},
		{"replaced with another volatility", `CREATE FUNCTION g() RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT 1';
CREATE OR REPLACE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 1';`, "g", "v"},
		{"begin atomic body", `CREATE FUNCTION a(i int) RETURNS int LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT i + 1; END;`, "a", "i"},
		{"dropped", `CREATE FUNCTION d() RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT 1'; DROP FUNCTION IF EXISTS "public"."d"();`, "d", "-"},
		{"unknown", `SELECT 1;`, "nope", "-"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, ok := replay(t, c.sql).FunctionVolatility(c.fn)
			got := "-"
			if ok {
				got = string(rune(v))
			}
			if got != c.want {
				t.Errorf("volatility = %s, want %s", got, c.want)
			}
		})
	}
}

func TestIsNew(t *testing.T) {
	c := catalog.New()
	if c.File() != 0 {
		t.Errorf("File() = %d before BeginFile", c.File())
	}
	apply(t, c, `CREATE TABLE "Early" ("a" INT);`) // before any BeginFile: never new
	if c.IsNew(name("Early")) {
		t.Error("a table replayed outside any file is new")
	}
	c.BeginFile(1)
	apply(t, c, createUser)
	c.BeginFile(2)
	apply(t, c, createPost+`ALTER TABLE "User" ADD COLUMN "x" INT; ALTER TABLE "User" RENAME TO "Member";`)
	cases := []struct {
		table string
		want  bool
	}{
		{"Post", true},     // created in file 2
		{"Member", false},  // created in file 1, renamed in file 2
		{"User", false},    // gone
		{"Unknown", false}, // unknown tables are treated as existing
		{"Early", false},
	}
	for _, k := range cases {
		if got := c.IsNew(name(k.table)); got != k.want {
			t.Errorf("IsNew(%s) = %v in file %d, want %v", k.table, got, c.File(), k.want)
		}
	}
	if c.File() != 2 {
		t.Errorf("File() = %d, want 2", c.File())
	}
	if ix := c.Index(name("Post_pkey")); ix == nil || ix.File != 2 {
		t.Errorf("index Post_pkey = %+v, want File 2", ix)
	}
	c.BeginFile(3)
	if c.IsNew(name("Post")) {
		t.Error("Post is still new in the next file")
	}
	apply(t, c, `DROP TABLE "Post"; CREATE TABLE "Post" ("id" INT);`)
	if !c.IsNew(name("Post")) {
		t.Error("a table dropped and created again in this file is not new")
	}
}

// TestCloneIndependence mutates each side after Clone and checks the other
// side does not see it.
func TestCloneIndependence(t *testing.T) {
	history := []string{createUser, createPost, `ALTER TABLE "Post" ADD CONSTRAINT "Post_title_nn" CHECK ("title" IS NOT NULL) NOT VALID;
CREATE FUNCTION f() RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT 1';`}
	changes := []string{
		`ALTER TABLE "User" ADD COLUMN "x" INT`,
		`ALTER TABLE "User" DROP COLUMN "name"`,
		`ALTER TABLE "User" ALTER COLUMN "balance" TYPE INT`,
		`ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL`,
		`ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT`,
		`ALTER TABLE "User" RENAME COLUMN "email" TO "mail"`,
		`ALTER TABLE "User" RENAME TO "Member"`,
		`ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_nn"`,
		`ALTER TABLE "Post" RENAME COLUMN "title" TO "heading"`,
		`ALTER TABLE "Post" RENAME CONSTRAINT "Post_pkey" TO "Post_key"`,
		`ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey"`,
		`ALTER TABLE "Post" ADD CONSTRAINT "Post_title_key" UNIQUE ("title")`,
		`DROP TABLE "Post"`,
		`CREATE TABLE "New" ("a" INT)`,
		`CREATE INDEX "User_name_idx" ON "User"("name")`,
		`DROP INDEX "User_email_key"`,
		`ALTER INDEX "User_email_key" RENAME TO "User_mail_key"`,
		`ALTER TYPE "Role" ADD VALUE 'GUEST'`,
		`ALTER TYPE "Role" RENAME VALUE 'USER' TO 'MEMBER'`,
		`ALTER TYPE "Role" RENAME TO "Kind"`,
		`DROP TYPE "Role"`,
		`CREATE TYPE "Other" AS ENUM ('A')`,
		`CREATE OR REPLACE FUNCTION f() RETURNS int VOLATILE LANGUAGE sql AS 'SELECT 1'`,
		`DROP FUNCTION f()`,
	}
	snapshot := func(c *catalog.Catalog) string {
		var b strings.Builder
		for _, table := range []string{"User", "Post", "Member", "New"} {
			fmt.Fprintf(&b, "== %s\n%s\n", table, describe(c, table))
		}
		for _, e := range []string{"Role", "Kind", "Other"} {
			if en := c.Enum(name(e)); en != nil {
				fmt.Fprintf(&b, "enum %s %v\n", e, en.Values)
			}
		}
		v, ok := c.FunctionVolatility("f")
		fmt.Fprintf(&b, "f %c %v tables %d", v, ok, c.Tables())
		return b.String()
	}
	for _, change := range changes {
		for _, side := range []string{"original", "clone"} {
			t.Run(side+": "+change, func(t *testing.T) {
				orig := replay(t, history...)
				// Write once before cloning so the original owns its tables.
				apply(t, orig, `ALTER TABLE "User" ADD COLUMN "pre" INT; ALTER TABLE "Post" ADD COLUMN "pre" INT;`)
				clone := orig.Clone()
				changed, kept := orig, clone
				if side == "clone" {
					changed, kept = clone, orig
				}
				before := snapshot(kept)
				apply(t, changed, change)
				if snapshot(changed) == before {
					t.Fatalf("the change had no effect; the test cannot tell leaks")
				}
				if got := snapshot(kept); got != before {
					t.Errorf("the other side changed:\nbefore:\n%s\nafter:\n%s", before, got)
				}
				// A second change on the other side must not leak back.
				apply(t, kept, `ALTER TABLE "User" ADD COLUMN "later" INT; ALTER TABLE "Post" ADD COLUMN "later" INT;`)
				if strings.Contains(snapshot(changed), "later") {
					t.Error("a change after the clone leaked back")
				}
			})
		}
	}
	// Clones of clones stay independent too.
	a := replay(t, history...)
	b := a.Clone()
	c := b.Clone()
	apply(t, b, `ALTER TABLE "User" ADD COLUMN "b" INT;`)
	apply(t, c, `ALTER TABLE "User" ADD COLUMN "c" INT;`)
	apply(t, a, `ALTER TABLE "User" ADD COLUMN "a" INT;`)
	for cat, want := range map[*catalog.Catalog]string{a: "a", b: "b", c: "c"} {
		cols := c2s(cat.Table(name("User")))
		if !strings.HasSuffix(cols, ","+want) || strings.Count(cols, ",") != 9 {
			t.Errorf("clone chain: User columns %s, want only %q added", cols, want)
		}
	}
}

func c2s(t *catalog.Table) string {
	var names []string
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

func TestTypeString(t *testing.T) {
	cases := []struct {
		typ  catalog.Type
		want string
	}{
		{catalog.Type{Name: "int4"}, "int4"},
		{catalog.Type{Name: "numeric", Mods: []int32{10, 2}}, "numeric(10,2)"},
		{catalog.Type{Name: "text", Array: true}, "text[]"},
		{catalog.Type{Name: "varchar", Mods: []int32{100}, Array: true}, "varchar(100)[]"},
	}
	for _, c := range cases {
		if got := c.typ.String(); got != c.want {
			t.Errorf("%+v.String() = %s, want %s", c.typ, got, c.want)
		}
	}
}

func TestNameString(t *testing.T) {
	cases := []struct {
		n    catalog.Name
		want string
	}{
		{catalog.Name{Schema: "public", Name: "User"}, `"User"`},
		{catalog.Name{Name: "user"}, `"user"`},
		{catalog.Name{Schema: "audit", Name: "Log"}, `"audit"."Log"`},
		{catalog.Name{Schema: "public", Name: `we"ird`}, `"we""ird"`},
	}
	for _, c := range cases {
		if got := c.n.String(); got != c.want {
			t.Errorf("%#v.String() = %s, want %s", c.n, got, c.want)
		}
	}
}

// corpusDir is trigger.dev's real Prisma history, shared beside the module.
const corpusDir = "../../shared/corpus/triggerdotdev__trigger.dev"

// TestTriggerDevHistory replays every migration of trigger.dev in folder
// order and checks facts read from the SQL.
func TestTriggerDevHistory(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("SKIPPING the trigger.dev replay: corpus not found at %s (%v)", corpusDir, err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	sort.Strings(folders)
	if len(folders) < 800 {
		t.Fatalf("found %d migrations, expected the full history (820)", len(folders))
	}
	c := catalog.New()
	for i, folder := range folders {
		p := filepath.Join(corpusDir, folder, "migration.sql")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := sqlfile.Parse(p, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range f.Errors {
			t.Errorf("%s:%d: %s", p, f.Position(e.Offset).Line, e.Message)
		}
		c.BeginFile(i + 1)
		for _, s := range f.Stmts {
			c.Apply(s.Node)
		}
	}

	column := func(table, col string) *catalog.Column {
		t.Helper()
		tb := c.Table(name(table))
		if tb == nil {
			t.Fatalf("table %s missing", table)
		}
		return tb.Column(col)
	}
	columns := []struct {
		table, col, typ string
		notNull, def    bool
		enum            bool
	}{
		// 20250116115746: Prisma's enum rebuild, then the rename back.
		{"TaskRunExecutionSnapshot", "executionStatus", `"TaskRunExecutionStatus"`, true, false, true},
		// 20240312095501_add_status_to_task_runs.
		{"TaskRun", "status", `"TaskRunStatus"`, true, true, true},
		// 20250715124534: DECIMAL(4,2) NOT NULL DEFAULT 2.00.
		{"RuntimeEnvironment", "concurrencyLimitBurstFactor", "numeric(4,2)", true, true, false},
		// 20240417083233: renamed from "cron", and a new enum column.
		{"TaskSchedule", "generatorExpression", "text", true, false, false},
		{"TaskSchedule", "generatorType", `"ScheduleGeneratorType"`, true, true, true},
		// 20241206135145_create_realtime_chunks_table.
		{"RealtimeStreamChunk", "sequence", "int4", true, false, false},
		{"RealtimeStreamChunk", "createdAt", "timestamp(3)", true, true, false},
	}
	for _, k := range columns {
		col := column(k.table, k.col)
		if col == nil {
			t.Errorf("%s.%s missing", k.table, k.col)
			continue
		}
		if col.Type.String() != k.typ || col.NotNull != k.notNull || col.Default != k.def || col.Type.Enum != k.enum {
			t.Errorf("%s.%s = %s notnull=%v default=%v enum=%v, want %s %v %v %v", k.table, k.col,
				col.Type, col.NotNull, col.Default, col.Type.Enum, k.typ, k.notNull, k.def, k.enum)
		}
	}
	if column("TaskSchedule", "cron") != nil {
		t.Error(`TaskSchedule still has "cron" after RENAME COLUMN`)
	}

	// 20260401000000_drop_taskrun_foreign_keys drops every foreign key of TaskRun.
	for _, k := range c.Table(name("TaskRun")).Constraints {
		if k.Kind == catalog.ForeignKey {
			t.Errorf("TaskRun keeps foreign key %s", k.Name)
		}
	}
	if c.Table(name("TaskRun")).Constraint("TaskRun_pkey") == nil {
		t.Error("TaskRun_pkey missing")
	}

	indexes := []struct {
		name, table, cols string
		unique            bool
	}{
		// 20260812130000: CREATE INDEX CONCURRENTLY IF NOT EXISTS on "public"."WorkerDeployment".
		{"WorkerDeployment_environmentId_status_id_idx", "WorkerDeployment", "environmentId,status,id", false},
		// 20241208074324: ALTER INDEX "RealtimeStreamChunk_runId" RENAME TO "RealtimeStreamChunk_runId_idx".
		{"RealtimeStreamChunk_runId_idx", "RealtimeStreamChunk", "runId", false},
		{"RealtimeStreamChunk_pkey", "RealtimeStreamChunk", "id", true},
	}
	for _, k := range indexes {
		ix := c.Index(name(k.name))
		if ix == nil || ix.Table != name(k.table) || strings.Join(ix.Columns, ",") != k.cols || ix.Unique != k.unique {
			t.Errorf("index %s = %+v, want on %s (%s) unique=%v", k.name, ix, k.table, k.cols, k.unique)
		}
	}
	if c.Index(name("RealtimeStreamChunk_runId")) != nil {
		t.Error("the index's old name survived ALTER INDEX RENAME")
	}

	enums := map[string]string{
		"TaskRunStatus": "PENDING,EXECUTING,WAITING_TO_RESUME,RETRYING_AFTER_FAILURE,PAUSED,CANCELED,COMPLETED_SUCCESSFULLY," +
			"COMPLETED_WITH_ERRORS,INTERRUPTED,SYSTEM_FAILURE,CRASHED,WAITING_FOR_DEPLOY,DELAYED,EXPIRED,TIMED_OUT,PENDING_VERSION,DEQUEUED",
		"TaskRunExecutionStatus": "RUN_CREATED,QUEUED,PENDING_EXECUTING,EXECUTING,EXECUTING_WITH_WAITPOINTS,SUSPENDED,PENDING_CANCEL,FINISHED,QUEUED_EXECUTING,DELAYED",
	}
	for e, want := range enums {
		en := c.Enum(name(e))
		if en == nil || strings.Join(en.Values, ",") != want {
			t.Errorf("enum %s = %+v, want %s", e, en, want)
		}
	}
	for _, gone := range []string{"TaskRunExecutionStatus_new", "TaskRunExecutionStatus_old"} {
		if c.Enum(name(gone)) != nil {
			t.Errorf("helper enum %s survived", gone)
		}
	}
}

func TestNilTable(t *testing.T) {
	c := catalog.New()
	if c.Table(name("Missing")).Column("a") != nil || c.Table(name("Missing")).Constraint("k") != nil {
		t.Error("lookups on an unknown table found something")
	}
}

func TestPendingFilesCreateEmptyTables(t *testing.T) {
	c := catalog.New()
	c.SetPending(map[int]bool{2: true, 3: true})
	c.BeginFile(1)
	apply(t, c, `CREATE TABLE "Deployed" ("a" INT);`)
	c.BeginFile(2)
	apply(t, c, `CREATE TABLE "Pending" ("a" INT);`)
	c.BeginFile(3)
	if c.IsNew(name("Deployed")) {
		t.Error("a table of a deployed file is new")
	}
	if !c.IsNew(name("Pending")) {
		t.Error("a table created by an earlier pending file is not new")
	}
	if !c.Clone().IsNew(name("Pending")) {
		t.Error("a clone forgets the pending files")
	}
}
