package rules_test

import "testing"

func TestForeignKeyWithoutIndex(t *testing.T) {
	comment := "-- CreateTable\nCREATE TABLE \"Comment\" (\n    \"id\" TEXT NOT NULL,\n    \"postId\" INTEGER NOT NULL,\n    \"authorId\" INTEGER NOT NULL,\n\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n\n"
	fk := "-- AddForeignKey\nALTER TABLE \"Comment\" ADD CONSTRAINT \"Comment_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"Post\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n"
	runCases(t, "foreign-key-without-index", []ruleCase{
		{name: "prisma relation without @@index", history: exampleHistory, sql: comment + fk, want: []string{"11:23"}},
		{name: "index on another column only", history: exampleHistory,
			sql: comment + "-- CreateIndex\nCREATE INDEX \"Comment_authorId_idx\" ON \"Comment\"(\"authorId\");\n\n" + fk, want: []string{"14:23"}},
		{name: "index where the key is not the leading column", history: exampleHistory,
			sql: comment + "CREATE INDEX \"Comment_authorId_postId_idx\" ON \"Comment\"(\"authorId\", \"postId\");\n" + fk, want: []string{"12:23"}},
		{name: "REFERENCES on a column of a new table, schema-qualified", history: exampleHistory,
			sql:  "CREATE TABLE \"public\".\"Like\" (\n    \"id\" TEXT PRIMARY KEY,\n    \"userId\" INTEGER NOT NULL REFERENCES \"public\".\"User\"(\"id\")\n);\n",
			want: []string{"3:31"}},
		{name: "foreign key added to an existing table", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"invitedById\" INTEGER,\nADD CONSTRAINT \"User_invitedById_fkey\" FOREIGN KEY (\"invitedById\") REFERENCES \"User\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n",
			want: []string{"3:1"}},
		{name: "index created later in the same migration", history: exampleHistory,
			sql: comment + fk + "\n-- CreateIndex\nCREATE INDEX \"Comment_postId_idx\" ON \"Comment\"(\"postId\");\n"},
		{name: "index leading with both columns in another order", history: exampleHistory,
			sql: comment + "CREATE INDEX \"Comment_pair_idx\" ON \"Comment\"(\"authorId\", \"postId\", \"id\");\n" +
				"ALTER TABLE \"Comment\" ADD CONSTRAINT \"Comment_pair_fkey\" FOREIGN KEY (\"postId\", \"authorId\") REFERENCES \"Pair\"(\"a\", \"b\");\n"},
		{name: "the primary key covers it",
			sql: "CREATE TABLE \"Profile\" (\"userId\" INTEGER NOT NULL, CONSTRAINT \"Profile_pkey\" PRIMARY KEY (\"userId\"));\n" +
				"ALTER TABLE \"Profile\" ADD CONSTRAINT \"Profile_userId_fkey\" FOREIGN KEY (\"userId\") REFERENCES \"User\"(\"id\");\n"},
		{name: "prisma implicit many-to-many table",
			sql: "CREATE TABLE \"_PostToTag\" (\"A\" INTEGER NOT NULL, \"B\" INTEGER NOT NULL);\n" +
				"CREATE UNIQUE INDEX \"_PostToTag_AB_unique\" ON \"_PostToTag\"(\"A\", \"B\");\n" +
				"CREATE INDEX \"_PostToTag_B_index\" ON \"_PostToTag\"(\"B\");\n" +
				"ALTER TABLE \"_PostToTag\" ADD CONSTRAINT \"_PostToTag_A_fkey\" FOREIGN KEY (\"A\") REFERENCES \"Post\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n" +
				"ALTER TABLE \"_PostToTag\" ADD CONSTRAINT \"_PostToTag_B_fkey\" FOREIGN KEY (\"B\") REFERENCES \"Tag\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n"},
		{name: "indexed in the history", history: exampleHistory,
			sql: "ALTER TABLE \"Post\" ADD CONSTRAINT \"Post_authorId_user_fkey\" FOREIGN KEY (\"authorId\") REFERENCES \"User\"(\"id\") NOT VALID;\n"},
	})
}

func TestForeignKeyWithoutIndexFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "CREATE TABLE \"Comment\" (\"id\" TEXT PRIMARY KEY, \"postId\" INTEGER NOT NULL);\n"+
		"ALTER TABLE \"Comment\" ADD CONSTRAINT \"Comment_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"Post\"(\"id\");\n", 0)
	assertFinding(t, fs, "foreign-key-without-index", `no index of "Comment" leads with ("postId")`, `each DELETE from "Post"`,
		"@@index([postId])", `CREATE INDEX "Comment_postId_idx" ON "Comment"("postId");`)
	fs = lintSQL(t, exampleHistory, "ALTER TABLE \"User\" ADD COLUMN \"invitedById\" INTEGER REFERENCES \"User\"(\"id\");\n", 0)
	assertFinding(t, fs, "foreign-key-without-index", "CONCURRENTLY", `CREATE INDEX CONCURRENTLY "User_invitedById_idx" ON "User"("invitedById");`)
}
