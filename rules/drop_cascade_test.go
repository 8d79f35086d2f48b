package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

// viewHistory adds a view over "User" to the example history.
var viewHistory = []string{ruledoc.History, `CREATE VIEW "user_emails" AS SELECT "id", "email" FROM "User";`}

func TestDropCascade(t *testing.T) {
	runCases(t, "drop-cascade", []ruleCase{
		{name: "table referenced by a foreign key", history: exampleHistory,
			sql: "-- DropTable\nDROP TABLE \"User\" CASCADE;\n", want: []string{"2:1"}},
		// Its own index goes with it without CASCADE, and nothing else hangs on it.
		{name: "column under a unique index, nothing depends on it", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN \"handle\" TEXT,\nDROP COLUMN \"email\" CASCADE;\n"},
		{name: "column of a table a view reads, schema-qualified", history: viewHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN \"handle\" TEXT,\nDROP COLUMN \"email\" CASCADE;\n",
			want: []string{"3:1"}},
		// Prisma's implicit many-to-many table: its foreign keys point outward and go with it.
		{name: "table nothing depends on", history: []string{ruledoc.History,
			"CREATE TABLE \"_PostToTag\" (\"A\" INTEGER NOT NULL, \"B\" INTEGER NOT NULL);\nALTER TABLE \"_PostToTag\" ADD CONSTRAINT \"_PostToTag_A_fkey\" FOREIGN KEY (\"A\") REFERENCES \"Post\"(\"id\");\n"},
			sql: "-- DropTable\nDROP TABLE IF EXISTS \"_PostToTag\" CASCADE;\n"},
		{name: "table a materialized view reads, renamed since", history: []string{ruledoc.History,
			"CREATE MATERIALIZED VIEW \"post_stats\" AS SELECT \"authorId\", count(*) FROM \"Post\" GROUP BY 1;\nALTER TABLE \"Post\" RENAME TO \"Article\";\n"},
			sql: "DROP TABLE \"Article\" CASCADE;\n", want: []string{"1:1"}},
		{name: "table whose view was dropped", history: []string{ruledoc.History,
			"CREATE VIEW \"recent_posts\" AS SELECT * FROM \"Post\" WHERE \"id\" > 100;\nDROP VIEW \"recent_posts\";\n"},
			sql: "DROP TABLE \"Post\" CASCADE;\n"},
		{name: "primary key constraint", history: exampleHistory,
			sql: "ALTER TABLE \"User\" DROP CONSTRAINT \"User_pkey\" CASCADE;\n", want: []string{"1:20"}},
		{name: "function", history: exampleHistory,
			sql: "DROP FUNCTION IF EXISTS \"public\".\"set_updated_at\"() CASCADE;\n", want: []string{"1:1"}},
		{name: "without cascade", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\nDROP TABLE \"User\";\n"},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Tmp\" (\"id\" INTEGER);\nDROP TABLE \"Tmp\" CASCADE;\n"},
		{name: "enum and schema are other rules'", history: exampleHistory,
			sql: "DROP TYPE \"Role\" CASCADE;\nDROP SCHEMA \"legacy\" CASCADE;\n"},
		{name: "foreign key with ON DELETE CASCADE is no drop", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE NOT VALID;\n"},
	})
}

func TestDropCascadeMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, `DROP TABLE "User" CASCADE;`, 0)
	assertFinding(t, fs, "drop-cascade", `foreign key "Post_authorId_fkey" on "Post"`, `DROP TABLE "User";`)
	fs = lintSQL(t, viewHistory, "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT, DROP COLUMN \"email\" CASCADE;", 0)
	// The column's own index goes with it without CASCADE: not named.
	assertFinding(t, fs, "drop-cascade", `depend on it: view "user_emails" if it reads the column, and any view`, `ALTER TABLE "User" DROP email;`)
	fs = lintSQL(t, exampleHistory, `ALTER TABLE "User" DROP COLUMN "id" CASCADE;`, 0)
	assertFinding(t, fs, "drop-cascade", `depend on it: foreign key "Post_authorId_fkey" on "Post", and any view`)
}
