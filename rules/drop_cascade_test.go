package rules_test

import "testing"

func TestDropCascade(t *testing.T) {
	runCases(t, "drop-cascade", []ruleCase{
		{name: "table referenced by a foreign key", history: exampleHistory,
			sql: "-- DropTable\nDROP TABLE \"User\" CASCADE;\n", want: []string{"2:1"}},
		{name: "column under a unique index, schema-qualified", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN \"handle\" TEXT,\nDROP COLUMN \"email\" CASCADE;\n",
			want: []string{"3:1"}},
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
	fs = lintSQL(t, exampleHistory, "ALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT, DROP COLUMN \"email\" CASCADE;", 0)
	// The column's own index goes with it without CASCADE: not named.
	assertFinding(t, fs, "drop-cascade", `nothing the replayed migrations know of, and any view`, `ALTER TABLE "User" DROP email;`)
	fs = lintSQL(t, exampleHistory, `ALTER TABLE "User" DROP COLUMN "id" CASCADE;`, 0)
	assertFinding(t, fs, "drop-cascade", `depend on it: foreign key "Post_authorId_fkey" on "Post", and any view`)
}
