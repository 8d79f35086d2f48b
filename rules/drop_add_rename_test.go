package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

// renamedModel is what Prisma generates when the Post model is renamed to
// Article: the old table is dropped and the new one created empty.
const renamedModel = `/*
  Warnings:

  - You are about to drop the ` + "`Post`" + ` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropForeignKey
ALTER TABLE "public"."Post" DROP CONSTRAINT "Post_authorId_fkey";

-- DropTable
DROP TABLE "public"."Post";

-- CreateTable
CREATE TABLE "public"."Article" (
    "id" SERIAL NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "content" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Article_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Article_authorId_idx" ON "public"."Article"("authorId");

-- AddForeignKey
ALTER TABLE "public"."Article" ADD CONSTRAINT "Article_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "public"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`

func TestDropAddRename(t *testing.T) {
	runCases(t, "drop-add-rename", []ruleCase{
		{name: "prisma renamed field in one alter", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - You are about to drop the column `name` on the `User` table. All the data in the column will be lost.\n\n*/\n-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"name\",\nADD COLUMN     \"fullName\" VARCHAR(100);\n",
			want: []string{"8:20"}},
		{name: "add before drop, separate schema-qualified statements", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN \"fullName\" VARCHAR(100);\n\n-- AlterTable\nALTER TABLE \"public\".\"User\" DROP COLUMN \"name\";\n",
			want: []string{"5:29"}},
		{name: "two renames paired by type", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"content\",\nDROP COLUMN \"views\",\nADD COLUMN     \"body\" TEXT,\nADD COLUMN     \"viewCount\" INTEGER NOT NULL DEFAULT 0;\n",
			want: []string{"2:20", "3:1"}},
		{name: "only drop and add of the table, types differ", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" DROP COLUMN \"name\", ADD COLUMN \"displayName\" TEXT;\n",
			want: []string{"1:20"}},
		{name: "only drop and add of the table, an enum replacing text", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"name\",\nADD COLUMN     \"kind\" \"Role\";\n",
			want: []string{"2:20"}},
		{name: "only drop and add of the table, an integer becoming a bigint", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"views\",\nADD COLUMN     \"viewCount\" BIGINT NOT NULL DEFAULT 0;\n",
			want: []string{"2:20"}},
		// Nothing a number held could be a title: a field removed and another added (trigger.dev's
		// customer_query_add_title_remove_cost).
		{name: "only drop and add of the table, unrelated types", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\"\nADD COLUMN IF NOT EXISTS \"subtitle\" TEXT;\n\n-- AlterTable\nALTER TABLE \"Post\"\nDROP COLUMN IF EXISTS \"views\";\n"},
		{name: "prisma renamed model", history: exampleHistory, sql: renamedModel, want: []string{"11:1"}},
		{name: "dropped and re-added under the same name is no rename", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"views\",\nADD COLUMN     \"views\" BIGINT NOT NULL DEFAULT 0;\n"},
		{name: "several drops and adds of unrelated types", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"content\",\nDROP COLUMN \"views\",\nADD COLUMN     \"publishedAt\" TIMESTAMP(3),\nADD COLUMN     \"rating\" DOUBLE PRECISION;\n"},
		{name: "drop and add on different tables", history: exampleHistory,
			sql: "ALTER TABLE \"User\" DROP COLUMN \"name\";\nALTER TABLE \"Post\" ADD COLUMN \"subtitle\" VARCHAR(100);\n"},
		{name: "table created in the same migration",
			sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL, \"label\" TEXT);\nALTER TABLE \"Tag\" DROP COLUMN \"label\", ADD COLUMN \"name\" TEXT;\n"},
		{name: "new table sharing only its id", history: exampleHistory,
			sql: "DROP TABLE \"Post\";\n\nCREATE TABLE \"Comment\" (\n    \"id\" SERIAL NOT NULL,\n    \"body\" TEXT NOT NULL,\n    \"postId\" INTEGER NOT NULL,\n\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n"},
		{name: "values copied into the new column before the drop", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"User\" ADD COLUMN \"fullName\" TEXT;\nUPDATE \"User\" SET \"fullName\" = \"name\";\nALTER TABLE \"User\" DROP COLUMN \"name\";\nCOMMIT;\n"},
		{name: "rows copied into the new table before the drop", history: exampleHistory,
			sql: "CREATE TABLE \"Article\" (\"id\" SERIAL NOT NULL, \"title\" VARCHAR(255) NOT NULL, \"content\" TEXT);\nINSERT INTO \"Article\" SELECT \"id\", \"title\", \"content\" FROM \"Post\";\nDROP TABLE \"Post\";\n"},
		// A customer id removed while a new relation is added: both TEXT, but the new column is a
		// foreign key and the old one was not, so RENAME would put customer ids into a team reference.
		{name: "new foreign-key column beside a dropped plain one", history: []string{ruledoc.History,
			"CREATE TABLE \"Team\" (\"id\" TEXT NOT NULL, CONSTRAINT \"Team_pkey\" PRIMARY KEY (\"id\"));\nALTER TABLE \"User\" ADD COLUMN \"stripeCustomerId\" TEXT;\n"},
			sql: "-- AlterTable\nALTER TABLE \"User\" DROP COLUMN \"stripeCustomerId\",\nADD COLUMN     \"teamId\" TEXT;\n\n-- AddForeignKey\nALTER TABLE \"User\" ADD CONSTRAINT \"User_teamId_fkey\" FOREIGN KEY (\"teamId\") REFERENCES \"Team\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;\n"},
		// The same relation under a new name: both columns reference User.
		{name: "foreign-key column renamed, same target", history: []string{ruledoc.History,
			"ALTER TABLE \"Post\" ADD COLUMN \"ownerId\" INTEGER;\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_ownerId_fkey\" FOREIGN KEY (\"ownerId\") REFERENCES \"User\"(\"id\");\n"},
			sql:  "-- DropForeignKey\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_ownerId_fkey\";\n\n-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"ownerId\",\nADD COLUMN     \"editorId\" INTEGER;\n\n-- AddForeignKey\nALTER TABLE \"Post\" ADD CONSTRAINT \"Post_editorId_fkey\" FOREIGN KEY (\"editorId\") REFERENCES \"User\"(\"id\");\n",
			want: []string{"5:20"}},
		// The new column is computed by the file itself: not the old values under a new name.
		{name: "new column filled by a later update", history: exampleHistory,
			sql: "ALTER TABLE \"User\" DROP COLUMN \"name\", ADD COLUMN \"displayName\" TEXT;\nUPDATE \"User\" SET \"displayName\" = \"email\";\n"},
		// Several text columns come and go: nothing but the type ties any two of them.
		{name: "several drops and adds of one type, names unrelated", history: exampleHistory,
			sql: "ALTER TABLE \"User\" DROP COLUMN \"name\", DROP COLUMN \"email\", ADD COLUMN \"lockedBy\" VARCHAR(100), ADD COLUMN \"bio\" VARCHAR(100);\n"},
		{name: "several drops and adds, names tie one pair", history: exampleHistory,
			sql:  "ALTER TABLE \"Post\" DROP COLUMN \"content\", DROP COLUMN \"title\", ADD COLUMN \"subtitle\" VARCHAR(255), ADD COLUMN \"contentHtml\" TEXT;\n",
			want: []string{"1:20", "1:43"}},
		{name: "expand step adds only", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"fullName\" VARCHAR(100);\n"},
	})
}

func TestDropAddRenameFix(t *testing.T) {
	for _, c := range []struct{ sql, fix string }{
		{"ALTER TABLE \"public\".\"User\" DROP COLUMN \"name\",\nADD COLUMN \"fullName\" VARCHAR(100);",
			`ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";`},
		{`ALTER TABLE "User" DROP COLUMN "name", ADD COLUMN "displayName" TEXT;`,
			"ALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"displayName\";\nALTER TABLE \"User\" ALTER COLUMN \"displayName\" TYPE text USING \"displayName\"::text;"},
		{renamedModel, `ALTER TABLE "Post" RENAME TO "Article";`},
	} {
		var got []string
		for _, f := range lintSQL(t, exampleHistory, c.sql, 0) {
			if f.Rule == "drop-add-rename" {
				got = append(got, f.Fix)
			}
		}
		if len(got) != 1 || got[0] != c.fix {
			t.Errorf("%s: fixes %q, want %q", c.sql, got, c.fix)
		}
	}
}

// TestDropAddRenameSaysHowSure checks that the finding names its evidence,
// and that a pairing the names do not support comes with a guarded fix.
func TestDropAddRenameSaysHowSure(t *testing.T) {
	for _, c := range []struct {
		sql   string
		texts []string
	}{
		{`ALTER TABLE "User" DROP COLUMN "name", ADD COLUMN "fullName" VARCHAR(100);`,
			[]string{"this looks like a rename (both names hold “name”, they are the only column dropped and the only one added on the table, the types are the same)"}},
		{`ALTER TABLE "User" DROP COLUMN "createdAt", ADD COLUMN "created_at" TIMESTAMP(3);`,
			[]string{"this looks like a rename (the names are the same words spelt differently"}},
		{`ALTER TABLE "Post" DROP COLUMN "content", ADD COLUMN "body" TEXT;`,
			[]string{"this may be a rename (they are the only column dropped", "-- Only if \"body\" is \"content\" renamed"}},
	} {
		assertFinding(t, lintSQL(t, exampleHistory, c.sql, 0), "drop-add-rename", c.texts...)
	}
}
