package rules_test

import (
	"strings"
	"testing"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

// typeHistory adds, to the example app, a table with the types whose
// changes PostgreSQL can make without a rewrite.
var typeHistory = append(append([]string(nil), exampleHistory...), `-- CreateTable
CREATE TABLE "Invoice" (
    "id" TEXT NOT NULL,
    "amount" DECIMAL(10,2) NOT NULL,
    "ratio" NUMERIC,
    "code" CHAR(5),
    "note" TEXT,
    "tags" VARCHAR(20)[],
    "issuedAt" TIMESTAMPTZ(3),
    "span" INTERVAL(3),
    "ip" CIDR,
    "flags" BIT(3),

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);
`)

func TestColumnTypeRewrite(t *testing.T) {
	runCases(t, "column-type-rewrite", []ruleCase{
		{name: "prisma Int to BigInt", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ALTER COLUMN \"views\" SET DATA TYPE BIGINT;\n",
			want: []string{"2:20"}},
		{name: "varchar widened", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(200);\n"},
		{name: "varchar narrowed", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"name\" SET DATA TYPE VARCHAR(50);\n",
			want: []string{"2:20"}},
		{name: "varchar to text", history: exampleHistory,
			sql: "ALTER TABLE \"public\".\"Post\" ALTER COLUMN \"title\" SET DATA TYPE TEXT;\n"},
		{name: "varchar loses its limit", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ALTER COLUMN \"title\" TYPE character varying;\n"},
		{name: "text to varchar(n)", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ALTER COLUMN \"content\" SET DATA TYPE VARCHAR(255);\n",
			want: []string{"1:20"}},
		{name: "text to unlimited varchar", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ALTER COLUMN \"content\" SET DATA TYPE VARCHAR;\n"},
		{name: "timestamp to timestamptz", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" ALTER COLUMN \"createdAt\" SET DATA TYPE TIMESTAMPTZ(3);\n",
			want: []string{"2:20"}},
		{name: "timestamp precision grows", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ALTER COLUMN \"createdAt\" SET DATA TYPE TIMESTAMP(6);\n"},
		{name: "timestamp precision shrinks", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ALTER COLUMN \"createdAt\" SET DATA TYPE TIMESTAMP(0);\n",
			want: []string{"1:20"}},
		{name: "same type", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ALTER COLUMN \"createdAt\" TYPE timestamp (3) without time zone;\n"},
		{name: "enum to text", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ALTER COLUMN \"role\" SET DATA TYPE TEXT;\n",
			want: []string{"1:20"}},
		// enum-value-removal reports the whole block (TestEnumRemovalBlockReportedOnce).
		{name: "prisma enum value removal block is enum-value-removal's", history: exampleHistory,
			sql: `-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
`},
		{name: "enum change by hand, outside a replacement block", history: exampleHistory,
			sql: `CREATE TYPE "Level" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Level" USING ("role"::text::"Level");
`,
			want: []string{"2:20"}},
		{name: "USING the column itself converts nothing", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ALTER COLUMN \"title\" TYPE TEXT USING \"title\";\n"},
		{name: "USING an expression", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ALTER COLUMN \"title\" TYPE TEXT USING lower(\"title\");\n",
			want: []string{"1:20"}},
		{name: "second clause", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ALTER COLUMN \"title\" SET DATA TYPE TEXT,\nALTER COLUMN \"authorId\" SET DATA TYPE BIGINT;\n",
			want: []string{"3:1"}},
		{name: "earlier change in the same file is the old type", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ALTER COLUMN \"title\" TYPE TEXT;\nALTER TABLE \"Post\" ALTER COLUMN \"title\" TYPE VARCHAR(255);\n",
			want: []string{"2:20"}},
		{name: "table created in the same file",
			sql: "CREATE TABLE \"Tag\" (\"id\" INTEGER NOT NULL);\nALTER TABLE \"Tag\" ALTER COLUMN \"id\" SET DATA TYPE BIGINT;\n"},
		{name: "column unknown to the history", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" ALTER COLUMN \"legacy\" TYPE TEXT;\n",
			want: []string{"1:20"}},
		{name: "the same column, known to the history", history: legacyHistory,
			sql:  "ALTER TABLE \"Post\" ALTER COLUMN \"legacy\" TYPE TEXT;\n",
			want: []string{"1:20"}},
		{name: "table unknown to the history",
			sql:  "ALTER TABLE audit_log ALTER COLUMN actor TYPE varchar(100);\n",
			want: []string{"1:23"}},
		{name: "the same table, known to the history", history: auditHistory,
			sql:  "ALTER TABLE audit_log ALTER COLUMN actor TYPE varchar(100);\n",
			want: []string{"1:23"}},
		{name: "numeric precision grows", history: typeHistory,
			sql: "ALTER TABLE \"Invoice\" ALTER COLUMN \"amount\" SET DATA TYPE DECIMAL(12,2);\n"},
		{name: "numeric scale changes", history: typeHistory,
			sql:  "ALTER TABLE \"Invoice\" ALTER COLUMN \"amount\" SET DATA TYPE DECIMAL(12,3);\n",
			want: []string{"1:23"}},
		{name: "numeric loses its limit", history: typeHistory,
			sql: "ALTER TABLE \"Invoice\" ALTER COLUMN \"amount\" SET DATA TYPE NUMERIC;\n"},
		{name: "unconstrained numeric gets a limit", history: typeHistory,
			sql:  "ALTER TABLE \"Invoice\" ALTER COLUMN \"ratio\" SET DATA TYPE DECIMAL(65,30);\n",
			want: []string{"1:23"}},
		{name: "char widened still pads every row", history: typeHistory,
			sql:  "ALTER TABLE \"Invoice\" ALTER COLUMN \"code\" SET DATA TYPE CHAR(10);\n",
			want: []string{"1:23"}},
		{name: "array keeps its values without a limit", history: typeHistory,
			sql: "ALTER TABLE \"Invoice\" ALTER COLUMN \"tags\" SET DATA TYPE VARCHAR[];\n"},
		{name: "array element widened", history: typeHistory,
			sql:  "ALTER TABLE \"Invoice\" ALTER COLUMN \"tags\" SET DATA TYPE VARCHAR(40)[];\n",
			want: []string{"1:23"}},
		{name: "interval precision grows", history: typeHistory,
			sql: "ALTER TABLE \"Invoice\" ALTER COLUMN \"span\" TYPE interval(6);\n"},
		{name: "interval gets fields", history: typeHistory,
			sql:  "ALTER TABLE \"Invoice\" ALTER COLUMN \"span\" TYPE interval day;\n",
			want: []string{"1:23"}},
		{name: "cidr to inet", history: typeHistory,
			sql: "ALTER TABLE \"Invoice\" ALTER COLUMN \"ip\" TYPE inet;\n"},
		{name: "bit to varbit, column not indexed", history: typeHistory,
			sql: "ALTER TABLE \"Invoice\" ALTER COLUMN \"flags\" TYPE varbit;\n"},
		{name: "text to bpchar rebuilds the column's indexes", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ALTER COLUMN \"email\" TYPE bpchar;\n",
			want: []string{"1:20"}},
		{name: "text to bpchar, column not indexed", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ALTER COLUMN \"content\" TYPE bpchar;\n"},
		{name: "new collation on an indexed column", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ALTER COLUMN \"email\" TYPE TEXT COLLATE \"C\";\n",
			want: []string{"1:20"}},
		{name: "new collation on a column without index", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ALTER COLUMN \"content\" TYPE TEXT COLLATE \"C\";\n"},
	})
}

// TestColumnTypeRewriteExplains checks what a finding says and that its fix
// is SQL PostgreSQL's parser accepts.
func TestColumnTypeRewriteExplains(t *testing.T) {
	cases := []struct {
		name, sql string
		pg        int
		message   []string
		fix       []string
	}{
		{name: "widening", sql: `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;`,
			message: []string{`"Post"."views" from int4 to int8`, "ACCESS EXCLUSIVE", "reads and writes"},
			fix: []string{`ADD COLUMN "views_new" bigint;`, `NEW."views_new" := new.views::bigint;`,
				`UPDATE "Post" SET "views_new" = views::bigint`, `RENAME COLUMN "views_new" TO "views";`,
				`EXECUTE FUNCTION "Post_views_sync"()`}},
		{name: "narrowing", sql: `ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(50);`,
			message: []string{"longer than 50 characters", "22001"}},
		{name: "integer narrowing", sql: `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE SMALLINT;`,
			message: []string{"outside the range of int2", "22003"}},
		{name: "using", sql: `ALTER TABLE "User" ALTER COLUMN "role" TYPE TEXT USING lower("role"::text);`,
			message: []string{"with USING converts every row"},
			fix:     []string{`NEW."role_new" := lower(new.role::text);`, `SET "role_new" = lower(role::text)`}},
		{name: "unknown column", sql: `ALTER TABLE "User" ALTER COLUMN "bio" TYPE VARCHAR(10);`,
			message: []string{"current type is unknown"}},
		{name: "index rebuild only", sql: `ALTER TABLE "User" ALTER COLUMN "email" TYPE TEXT COLLATE "C";`,
			message: []string{"collation of", "keeps the rows but rebuilds the indexes on \"email\""},
			fix:     []string{`ADD COLUMN "email_new" text COLLATE "C";`}},
		{name: "postgres 10 triggers", sql: `ALTER TABLE "Post" ALTER COLUMN "views" SET DATA TYPE BIGINT;`, pg: 10,
			fix: []string{`EXECUTE PROCEDURE "Post_views_sync"()`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := byDefault(lintSQL(t, exampleHistory, c.sql, c.pg))
			if len(fs) != 1 || fs[0].Rule != "column-type-rewrite" {
				t.Fatalf("want one column-type-rewrite finding, got:\n%s", dump(fs))
			}
			f := fs[0]
			for _, s := range c.message {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message lacks %q: %s", s, f.Message)
				}
			}
			for _, s := range c.fix {
				if !strings.Contains(f.Fix, s) {
					t.Errorf("fix lacks %q:\n%s", s, f.Fix)
				}
			}
			if !strings.Contains(f.Help, "prisma migrate dev --create-only") {
				t.Errorf("help lacks the Prisma workflow: %s", f.Help)
			}
			if _, err := pg.Parse(f.Fix); err != nil {
				t.Errorf("fix does not parse: %v\n%s", err, f.Fix)
			}
		})
	}
}

// legacyHistory is exampleHistory and a later Prisma migration that adds
// Post.legacy as an integer.
var legacyHistory = []string{ruledoc.History, `-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "legacy" INTEGER;
`}
