package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/prismaschema"
	"github.com/migrate-guard/migrate-guard/ruledoc"
	"github.com/migrate-guard/migrate-guard/rules"
)

// releaseCase is a migration linted with the running release's schema
// (base) and, for code-first and schema-without-migration, the pull
// request's (head).
type releaseCase struct {
	name       string
	history    []string
	base, head string
	codeFirst  bool
	sql        string
	want       []string // "line:col" of the rule's findings
}

func parseSchema(t *testing.T, name, src string) *prismaschema.Schema {
	t.Helper()
	if src == "" {
		return nil
	}
	s, err := prismaschema.ParseFile(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lintRelease lints sql after history with the release's schemas.
func lintRelease(t *testing.T, c releaseCase) []lint.Finding {
	t.Helper()
	history := c.history
	if history == nil {
		history = exampleHistory
	}
	return lintConfigured(t, history, c.sql, func(cfg *lint.Config) error {
		cfg.Release = &analysis.Release{Base: parseSchema(t, "base.prisma", c.base), Head: parseSchema(t, "schema.prisma", c.head)}
		if c.codeFirst {
			return cfg.SetDeployOrder(lint.DeployCodeFirst)
		}
		return nil
	})
}

func runReleaseCases(t *testing.T, rule string, cases []releaseCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintRelease(t, c)
			if got := positions(fs, rule); strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("%s fired at %v, want %v; all findings:\n%s", rule, got, c.want, dump(fs))
			}
			for _, f := range fs {
				if f.Rule == rule && (f.Message == "" || f.Help == "") {
					t.Errorf("finding without message or help: %+v", f)
				}
			}
		})
	}
}

// lintExample lints a rule's example as TestExamples does, with the rule's
// base schema when it has one.
func lintExample(t *testing.T, r *analysis.Rule, sql string) []lint.Finding {
	t.Helper()
	if r.BaseSchema == "" {
		return lintRunner(t, exampleHistory, sql, 0, r.ExampleRunner)
	}
	return lintConfigured(t, exampleHistory, sql, func(cfg *lint.Config) error {
		for _, o := range rules.All() {
			if o.Severity == analysis.Off {
				cfg.Rules[o.ID] = analysis.Notice
			}
		}
		cfg.Release = &analysis.Release{Base: parseSchema(t, "base.prisma", r.BaseSchema)}
		return nil
	})
}

// base is the running release of ruledoc.History's app, with Post.content
// already gone from schema.prisma.
var base = rules.ReleaseColumnRemoved.BaseSchema

// mappedHistory is an app whose tables and enum are renamed in the
// database with @@map, @map and @@schema.
var mappedHistory = []string{`CREATE SCHEMA "auth";
CREATE TYPE "auth"."user_role" AS ENUM ('member', 'ADMIN');
CREATE TABLE "auth"."users" (
    "id" SERIAL NOT NULL,
    "email_address" TEXT NOT NULL,
    "role" "auth"."user_role" NOT NULL DEFAULT 'member',
    "legacy" TEXT,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);`}

const mappedBase = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
  schemas  = ["auth"]
}
model User {
  id     Int    @id @default(autoincrement())
  email  String @map("email_address")
  role   Role   @default(MEMBER)
  legacy String? @ignore
  @@map("users")
  @@schema("auth")
}
enum Role {
  MEMBER @map("member")
  ADMIN
  @@map("user_role")
  @@schema("auth")
}
`

func TestReleaseColumnRemoved(t *testing.T) {
	runReleaseCases(t, "release-column-removed", []releaseCase{
		{name: "dropped column the base reads", base: base, sql: `ALTER TABLE "User" DROP COLUMN "name";`, want: []string{"1:20"}},
		{name: "contract step: the base no longer maps it", base: base, sql: `ALTER TABLE "Post" DROP COLUMN "content";`},
		{name: "renamed column", base: base, sql: `ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";`, want: []string{"1:1"}},
		{name: "renamed and renamed back", base: base, sql: "ALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"n\";\nALTER TABLE \"User\" RENAME COLUMN \"n\" TO \"name\";"},
		{name: "dropped table", base: base, sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\nDROP TABLE \"Post\";", want: []string{"2:1"}},
		{name: "renamed table", base: base, sql: `ALTER TABLE "Post" RENAME TO "Article";`, want: []string{"1:1"}},
		{name: "@map: the column's name, not the field's", history: mappedHistory, base: mappedBase,
			sql: `ALTER TABLE "auth"."users" DROP COLUMN "email_address";`, want: []string{"1:28"}},
		{name: "@ignore: the client does not read it", history: mappedHistory, base: mappedBase,
			sql: `ALTER TABLE "auth"."users" DROP COLUMN "legacy";`},
		{name: "@@schema: another schema's table of that name is not it", history: append([]string{`CREATE TABLE "users" ("id" INT, "email_address" TEXT);`}, mappedHistory...),
			base: mappedBase, sql: `ALTER TABLE "users" DROP COLUMN "email_address";`},
		{name: "no base schema: not checked", sql: `ALTER TABLE "User" DROP COLUMN "name";`},
		{name: "a table the history lacked before the file is drift, not compared", base: base,
			history: []string{`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`}, sql: `CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "email" INTEGER);`},
		{name: "code-first: the new release reads a column only this migration adds", base: base, codeFirst: true,
			head: strings.Replace(base, "  views     Int     @default(0)\n", "  views     Int     @default(0)\n  slug      String?\n", 1),
			sql:  `ALTER TABLE "Post" ADD COLUMN "slug" TEXT;`, want: []string{"1:20"}},
		{name: "code-first: a drop the new release does not need is fine", base: base, head: base, codeFirst: true,
			sql: `ALTER TABLE "Post" DROP COLUMN "content";`},
	})
}

func TestReleaseColumnRequired(t *testing.T) {
	runReleaseCases(t, "release-column-required", []releaseCase{
		{name: "added NOT NULL without default", base: base, sql: `ALTER TABLE "User" ADD COLUMN "tenantId" INTEGER NOT NULL;`, want: []string{"1:20"}},
		{name: "added with a default", base: base, sql: `ALTER TABLE "User" ADD COLUMN "tenantId" INTEGER NOT NULL DEFAULT 1;`},
		{name: "added nullable", base: base, sql: `ALTER TABLE "User" ADD COLUMN "tenantId" INTEGER;`},
		{name: "SET NOT NULL on a column the base leaves out", base: base, sql: `ALTER TABLE "Post" ALTER COLUMN "content" SET NOT NULL;`, want: []string{"1:20"}},
		{name: "SET NOT NULL on an optional field", base: base, sql: `ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;`, want: []string{"1:20"}},
		{name: "DROP DEFAULT on a NOT NULL column the base leaves to the default", base: base,
			sql: `ALTER TABLE "Post" ALTER COLUMN "views" DROP DEFAULT;`, want: []string{"1:20"}},
		{name: "DROP DEFAULT on a column the base always writes", base: base, history: []string{ruledoc.History + `ALTER TABLE "Post" ALTER COLUMN "title" SET DEFAULT '';`},
			sql: `ALTER TABLE "Post" ALTER COLUMN "title" DROP DEFAULT;`},
		{name: "table the base does not use", base: base, history: []string{ruledoc.History + `CREATE TABLE "Audit" ("id" INT);`},
			sql: `ALTER TABLE "Audit" ADD COLUMN "at" TIMESTAMP NOT NULL;`},
		{name: "@map: written under its column name", history: mappedHistory, base: mappedBase,
			sql: `ALTER TABLE "auth"."users" ALTER COLUMN "email_address" SET NOT NULL;`},
		{name: "@ignore: the client does not write it", history: mappedHistory, base: mappedBase,
			sql: `ALTER TABLE "auth"."users" ALTER COLUMN "legacy" SET NOT NULL;`, want: []string{"1:28"}},
		{name: "a rename already breaks the inserts", base: base, sql: `ALTER TABLE "Post" RENAME COLUMN "title" TO "heading";`},
		{name: "code-first: a NOT NULL column the new release stops writing", base: base, codeFirst: true,
			head: strings.Replace(base, "  title     String  @db.VarChar(255)\n", "", 1),
			sql:  `ALTER TABLE "Post" DROP COLUMN "title";`, want: []string{"1:20"}},
	})
}

// roleWithoutAdmin is Prisma's recreation of the enum Role without ADMIN.
const roleWithoutAdmin = `BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;`

func TestReleaseEnumValueRemoved(t *testing.T) {
	recreate := "-- AlterEnum\n" + roleWithoutAdmin
	noAdmin := strings.Replace(base, "  ADMIN\n", "", 1)
	runReleaseCases(t, "release-enum-value-removed", []releaseCase{
		{name: "renamed value", base: base, sql: `ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'OWNER';`, want: []string{"1:1"}},
		{name: "Prisma's enum recreation drops a value", base: base, sql: recreate, want: []string{"7:1"}},
		{name: "contract step: the base no longer has the value", base: noAdmin, sql: recreate},
		{name: "added value", base: base, sql: `ALTER TYPE "Role" ADD VALUE 'GUEST';`},
		{name: "enum @map: the database's value", history: mappedHistory, base: mappedBase,
			sql: `ALTER TYPE "auth"."user_role" RENAME VALUE 'member' TO 'MEMBER';`, want: []string{"1:1"}},
		{name: "code-first: the new release writes a value only this migration adds", base: noAdmin, codeFirst: true,
			head: strings.Replace(base, "  ADMIN\n", "  ADMIN\n  GUEST\n", 1), sql: `ALTER TYPE "Role" ADD VALUE 'GUEST';`, want: []string{"1:1"}},
	})
}

func TestReleaseTypeChanged(t *testing.T) {
	runReleaseCases(t, "release-type-changed", []releaseCase{
		{name: "integer to text", base: base, sql: `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE TEXT;`, want: []string{"1:20"}},
		{name: "text to integer", base: base, sql: `ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE INTEGER USING 0;`, want: []string{"1:20"}},
		{name: "scalar to array", base: base, sql: `ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE TEXT[] USING ARRAY["email"];`, want: []string{"1:20"}},
		{name: "narrowed varchar", base: base, sql: `ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(50);`, want: []string{"1:20"}},
		{name: "widened varchar", base: base, sql: `ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);`},
		{name: "varchar to text", base: base, sql: `ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE TEXT;`},
		{name: "integer to bigint", base: base, sql: `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;`},
		{name: "timestamp to timestamptz", base: base, sql: `ALTER TABLE "User" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3);`},
		{name: "a column the base does not read", base: base, sql: `ALTER TABLE "Post" ALTER COLUMN "content" SET DATA TYPE INTEGER USING 0;`},
		{name: "dropped and added with another type", base: base,
			sql: "ALTER TABLE \"Post\" DROP COLUMN \"views\",\nADD COLUMN \"views\" TEXT;", want: []string{"2:1"}},
	})
}

func TestSchemaWithoutMigration(t *testing.T) {
	head := strings.Replace(base, "  views     Int     @default(0)\n", "  views     Int     @default(0)\n  slug      String?\n", 1)
	cases := []struct {
		name, head, sql string
		want            []string // "file:line" of the findings
	}{
		{"history creates it", head, `ALTER TABLE "Post" ADD COLUMN "slug" TEXT;`, nil},
		{"field without migration", head, `SELECT 1;`, []string{"schema.prisma:22"}},
		{"model without migration", base + "model Tag {\n  id Int @id\n}\n", `SELECT 1;`, []string{"schema.prisma:28"}},
		{"enum value without migration", strings.Replace(base, "  ADMIN\n", "  ADMIN\n  GUEST\n", 1), `SELECT 1;`, []string{"schema.prisma:27"}},
		{"type differs", strings.Replace(base, "  views     Int ", "  views     String ", 1), `SELECT 1;`, []string{"schema.prisma:21"}},
		{"a column the schema does not map is fine", base, `SELECT 1;`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintRelease(t, releaseCase{base: base, head: c.head, sql: c.sql})
			var got []string
			for _, f := range fs {
				if f.Rule == rules.SchemaWithoutMigration.ID {
					got = append(got, fmt.Sprintf("%s:%d", f.File, f.Line))
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("got %v, want %v:\n%s", got, c.want, dump(fs))
			}
		})
	}
}

// TestContractStep checks that drop-column, drop-table and drop-add-rename
// leave alone what the running release no longer maps, and keep reporting
// what it maps.
func TestContractStep(t *testing.T) {
	noPost := strings.Replace(base, "  posts     Post[]\n", "", 1)
	noPost = noPost[:strings.Index(noPost, "model Post")] + noPost[strings.Index(noPost, "enum Role"):]
	cases := []struct {
		name, rule, base, sql string
		want                  []string
	}{
		{"drop-column: contract step", "drop-column", base, `ALTER TABLE "Post" DROP COLUMN "content";`, nil},
		{"drop-column: the base still maps it", "drop-column", base, `ALTER TABLE "User" DROP COLUMN "name";`, []string{"1:20"}},
		{"drop-column: no base, as before", "drop-column", "", `ALTER TABLE "Post" DROP COLUMN "content";`, []string{"1:20"}},
		{"drop-table: contract step", "drop-table", noPost, `DROP TABLE "Post";`, nil},
		{"drop-table: the base still maps it", "drop-table", base, `DROP TABLE "Post";`, []string{"1:1"}},
		{"drop-add-rename: the base no longer maps the old column", "drop-add-rename", base,
			"ALTER TABLE \"Post\" DROP COLUMN \"content\",\nADD COLUMN \"body\" TEXT;", nil},
		{"drop-add-rename: the base maps it", "drop-add-rename", base,
			"ALTER TABLE \"User\" DROP COLUMN \"name\",\nADD COLUMN \"fullName\" VARCHAR(100);", []string{"1:20"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintRelease(t, releaseCase{base: c.base, sql: c.sql})
			if got := positions(fs, c.rule); strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("%s fired at %v, want %v:\n%s", c.rule, got, c.want, dump(fs))
			}
		})
	}
}

// statsHistory adds a view the running release reads as a Prisma view.
var statsHistory = []string{ruledoc.History + `CREATE VIEW "PostStats" AS SELECT p.*, u."email" AS "authorEmail" FROM "Post" p JOIN "User" u ON u."id" = p."authorId";`}

const viewBlock = `view PostStats {
  id          Int    @unique
  title       String
  authorEmail String
  views       Int
}
`

const recreateView = `CREATE VIEW "PostStats" AS SELECT p."id", p."title", p."views"%s FROM "Post" p JOIN "User" u ON u."id" = p."authorId";`

func TestReleaseViews(t *testing.T) {
	withView := base + viewBlock
	runReleaseCases(t, "release-column-removed", []releaseCase{
		{name: "dropped view", history: statsHistory, base: withView, sql: `DROP VIEW "PostStats";`, want: []string{"1:1"}},
		{name: "renamed view", history: statsHistory, base: withView, sql: `ALTER VIEW "PostStats" RENAME TO "PostStatistics";`, want: []string{"1:1"}},
		{name: "renamed view column", history: statsHistory, base: withView,
			sql: `ALTER VIEW "PostStats" RENAME COLUMN "authorEmail" TO "email";`, want: []string{"1:1"}},
		{name: "recreated without a column it selects", history: statsHistory, base: withView,
			sql: "DROP VIEW \"PostStats\";\n" + fmt.Sprintf(recreateView, ""), want: []string{"2:1"}},
		{name: "recreated with every column it selects", history: statsHistory, base: withView,
			sql: "DROP VIEW \"PostStats\";\n" + fmt.Sprintf(recreateView, `, u."email" AS "authorEmail"`)},
		{name: "contract step: the base no longer has the view", history: statsHistory, base: base, sql: `DROP VIEW "PostStats";`},
		{name: "columns the replay cannot name are not checked", history: statsHistory, base: withView,
			sql: "DROP VIEW \"PostStats\";\nCREATE VIEW \"PostStats\" AS SELECT * FROM (SELECT 1) s;"},
		{name: "a view the history never created is drift", base: withView, sql: `DROP VIEW IF EXISTS "PostStats";`},
		{name: "@@map: the view's database name", history: []string{ruledoc.History + `CREATE VIEW "post_stats" AS SELECT "id" FROM "Post";`},
			base: base + "view PostStats {\n  id Int @unique\n  @@map(\"post_stats\")\n}\n", sql: `DROP VIEW "post_stats";`, want: []string{"1:1"}},
	})
	for _, c := range []struct{ sql, want string }{
		{`DROP VIEW "PostStats";`, `DROP VIEW "PostStats";`},
		{`ALTER VIEW "PostStats" RENAME TO "PostStatistics";`, `CREATE VIEW "PostStats" AS SELECT * FROM "PostStatistics";`},
		{`ALTER VIEW "PostStats" RENAME COLUMN "authorEmail" TO "email";`, "-- No SQL fix generated"},
	} {
		fs := lintRelease(t, releaseCase{history: statsHistory, base: withView, sql: c.sql})
		for _, f := range fs {
			if f.Rule == "release-column-removed" && !strings.Contains(f.Fix, c.want) {
				t.Errorf("%s: fix without %q:\n%s", c.sql, c.want, f.Fix)
			}
		}
	}
}

func TestSchemaWithoutMigrationViews(t *testing.T) {
	cases := []struct {
		name    string
		history []string
		head    string
		want    []string // "file:line" of the findings
	}{
		{"the history creates the view", statsHistory, base + viewBlock, nil},
		{"no migration creates the view", nil, base + viewBlock, []string{"schema.prisma:28"}},
		{"a field the view does not have", statsHistory, base + strings.Replace(viewBlock, "  views       Int\n", "  views       Int\n  slug        String\n", 1),
			[]string{"schema.prisma:33"}},
		{"a view whose columns the replay cannot name", []string{ruledoc.History + `CREATE VIEW "PostStats" AS SELECT * FROM (SELECT 1) s;`},
			base + viewBlock, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintRelease(t, releaseCase{history: c.history, base: base, head: c.head, sql: `SELECT 1;`})
			var got []string
			for _, f := range fs {
				if f.Rule == rules.SchemaWithoutMigration.ID {
					got = append(got, fmt.Sprintf("%s:%d", f.File, f.Line))
					if !strings.Contains(f.Message, "view") {
						t.Errorf("message does not say view: %s", f.Message)
					}
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("got %v, want %v:\n%s", got, c.want, dump(fs))
			}
		})
	}
}

// TestReleaseTypeNarrowedMessage: a narrower type of the same kind fails
// only the writes that do not fit, and an integer made a float is still
// written but read back truncated (Prisma's engine converts the float to
// an integer on read); the messages say so.
func TestReleaseTypeNarrowedMessage(t *testing.T) {
	for sql, want := range map[string]string{
		`ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(50);`:       "writes of model User with a value varchar(50) does not hold fail",
		`ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE TEXT;`:             "its queries of model Post fail",
		`ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE DOUBLE PRECISION;`: "a value with a fraction comes back truncated",
		`ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE DECIMAL(10,2);`:    "a value with a fraction comes back truncated",
	} {
		fs := lintRelease(t, releaseCase{base: base, sql: sql})
		n := 0
		for _, f := range fs {
			if f.Rule == "release-type-changed" {
				n++
				if !strings.Contains(f.Message, want) {
					t.Errorf("%s: message %q does not say %q", sql, f.Message, want)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: %d findings, want 1", sql, n)
		}
	}
}
