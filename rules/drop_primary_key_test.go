package rules_test

import "testing"

func TestDropPrimaryKey(t *testing.T) {
	runCases(t, "drop-primary-key", []ruleCase{
		{name: "prisma: primary key changed", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\",\nADD CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\", \"authorId\");\n",
			want: []string{"2:20"}},
		{name: "referenced key, replaced in a later statement, schema-qualified", history: exampleHistory,
			sql:  "ALTER TABLE \"public\".\"User\" DROP CONSTRAINT \"User_pkey\";\nALTER TABLE \"public\".\"User\" ADD CONSTRAINT \"User_pkey\" PRIMARY KEY (\"email\");\n",
			want: []string{"1:29"}},
		{name: "dropped for good", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\";\n", want: []string{"1:20"}},
		{name: "swap onto a prebuilt index", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\",\nADD CONSTRAINT \"Post_pkey\" PRIMARY KEY USING INDEX \"Post_pkey_new\";\n"},
		{name: "langfuse: foreign key dropped first, key widened", history: append(append([]string(nil), exampleHistory...),
			"CREATE UNIQUE INDEX \"User_id_email_key\" ON \"User\"(\"id\", \"email\");"),
			sql: "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- AlterTable\nALTER TABLE \"User\" DROP CONSTRAINT \"User_pkey\",\nADD CONSTRAINT \"User_pkey\" PRIMARY KEY USING INDEX \"User_id_email_key\";\n"},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"T\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"T_pkey\" PRIMARY KEY (\"id\"));\nALTER TABLE \"T\" DROP CONSTRAINT \"T_pkey\";\n"},
		{name: "a unique constraint is not the primary key", history: exampleHistory,
			sql: "ALTER TABLE \"User\" DROP CONSTRAINT \"User_email_key\";\n"},
	})
}

func TestDropPrimaryKeyFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TABLE \"User\" DROP CONSTRAINT \"User_pkey\", ADD CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\", \"email\");", 0)
	assertFinding(t, fs, "drop-primary-key", "2BP01", `foreign key "Post_authorId_fkey" on "Post"`, "ACCESS EXCLUSIVE", "23505",
		`CREATE UNIQUE INDEX CONCURRENTLY "User_pkey_new" ON "User" ("id", "email");`,
		"ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\"; -- add it back after the swap, NOT VALID\n"+
			"ALTER TABLE \"User\" DROP CONSTRAINT \"User_pkey\",\nADD CONSTRAINT \"User_pkey\" PRIMARY KEY USING INDEX \"User_pkey_new\";")
}
