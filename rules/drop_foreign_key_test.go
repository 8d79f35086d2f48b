package rules_test

import "testing"

func TestDropForeignKey(t *testing.T) {
	runCases(t, "drop-foreign-key", []ruleCase{
		{name: "relation removed", history: exampleHistory,
			sql: "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n", want: []string{"2:20"}},
		{name: "schema-qualified, other tables dropped", history: exampleHistory,
			sql:  "-- DropForeignKey\nALTER TABLE \"public\".\"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- DropTable\nDROP TABLE \"public\".\"Tag\";\n",
			want: []string{"2:29"}},
		{name: "before dropping the table", history: exampleHistory,
			sql: "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- DropTable\nDROP TABLE \"Post\";\n"},
		{name: "before dropping the referenced table", history: exampleHistory,
			sql: "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- DropTable\nDROP TABLE \"public\".\"User\";\n"},
		{name: "before dropping its column", history: exampleHistory,
			sql: "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"authorId\";\n"},
		{name: "changed ON DELETE action: added back", history: exampleHistory,
			sql: "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n"},
		{name: "renamed in the same statement", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\",\nADD CONSTRAINT \"Post_author_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID;\n"},
		{name: "re-created on the renamed column of the renamed table, to the renamed referenced table", history: exampleHistory,
			sql: "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\nALTER TABLE \"Post\" RENAME COLUMN \"authorId\" TO \"userId\";\nALTER TABLE \"Post\" RENAME TO \"Article\";\nALTER TABLE \"User\" RENAME TO \"Account\";\n\n-- AddForeignKey\nALTER TABLE \"Article\" ADD CONSTRAINT \"Article_userId_fkey\" FOREIGN KEY (\"userId\") REFERENCES \"Account\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n"},
		{name: "a key on the renamed table to another table is no replacement", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\nALTER TABLE \"Post\" RENAME TO \"Article\";\nALTER TABLE \"Article\" ADD CONSTRAINT \"Article_id_fkey\" FOREIGN KEY (\"id\") REFERENCES \"Article\"(\"id\");\n",
			want: []string{"1:20"}},
		{name: "under the file's lock_timeout", history: exampleHistory,
			sql: "SET lock_timeout = '5s';\n\n-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT IF EXISTS \"Post_authorId_fkey\";\n"},
		{name: "after the file's lock_timeout is reset", history: exampleHistory,
			sql:  "SET lock_timeout = '5s';\nRESET lock_timeout;\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n",
			want: []string{"3:20"}},
		{name: "table created in the same migration", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL, \"postId\" INTEGER, CONSTRAINT \"Tag_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"Post\"(\"id\"));\nALTER TABLE \"Tag\" DROP CONSTRAINT \"Tag_postId_fkey\";\n"},
		{name: "dropping another kind of constraint", history: exampleHistory,
			sql: "ALTER TABLE \"User\" DROP CONSTRAINT \"User_email_key\";\n"},
	})
}

func TestDropForeignKeyMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, `ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";`, 0)
	assertFinding(t, fs, "drop-foreign-key", `ACCESS EXCLUSIVE locks on "Post" and "User"`, `"Post".("authorId")`,
		"SET lock_timeout = '5s';\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";")
}
