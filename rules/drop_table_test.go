package rules_test

import "testing"

func TestDropTable(t *testing.T) {
	runCases(t, "drop-table", []ruleCase{
		{name: "prisma removed model", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - You are about to drop the `Post` table. If the table is not empty, all the data it contains will be lost.\n\n*/\n-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- DropTable\nDROP TABLE \"Post\";\n",
			want: []string{"11:1"}},
		{name: "schema-qualified, one finding per table", history: exampleHistory,
			sql:  "-- DropTable\nDROP TABLE \"public\".\"Post\", \"public\".\"User\" CASCADE;\n",
			want: []string{"2:1", "2:1"}},
		{name: "unknown table is assumed to hold rows",
			sql:  `DROP TABLE IF EXISTS audit_log;`,
			want: []string{"1:1"}},
		{name: "table created in the same migration",
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\n\nDROP TABLE \"Tag\";\n"},
		{name: "probable rename is left to drop-add-rename", history: exampleHistory,
			sql: "-- DropForeignKey\nALTER TABLE \"public\".\"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\n\n-- DropTable\nDROP TABLE \"public\".\"Post\";\n\n-- CreateTable\nCREATE TABLE \"public\".\"Article\" (\n    \"id\" SERIAL NOT NULL,\n    \"title\" VARCHAR(255) NOT NULL,\n    \"content\" TEXT,\n    \"authorId\" INTEGER NOT NULL,\n\n    CONSTRAINT \"Article_pkey\" PRIMARY KEY (\"id\")\n);\n"},
		{name: "contract step suppressed with a reason", history: exampleHistory,
			sql: "-- DropTable\n-- migrate-guard-ignore drop-table -- model removed in release 42\nDROP TABLE \"Post\";\n"},
		{name: "rows copied to another table, name not taken back", history: exampleHistory,
			sql:  "CREATE TABLE \"Article\" (\"id\" INTEGER NOT NULL, \"headline\" TEXT NOT NULL);\nINSERT INTO \"Article\" (\"id\", \"headline\") SELECT \"id\", \"title\" FROM \"public\".\"Post\";\nDROP TABLE \"Post\";\n",
			want: []string{"3:1"}},
		{name: "table rebuilt: copy, drop, rename back", history: exampleHistory,
			sql: "CREATE TABLE \"Post_new\" (\"id\" BIGINT NOT NULL, \"title\" TEXT NOT NULL);\nINSERT INTO \"Post_new\" SELECT \"id\", \"title\" FROM \"Post\";\nDROP TABLE \"Post\";\nALTER TABLE \"Post_new\" RENAME TO \"Post\";\n"},
		{name: "dropping an index is not a table", history: exampleHistory,
			sql: `DROP INDEX "Post_authorId_idx";`},
	})
}
