package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

func TestManyAccessExclusive(t *testing.T) {
	runCases(t, "many-access-exclusive", []ruleCase{
		{name: "three existing tables altered", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- AlterTable\nALTER TABLE \"Comment\" ADD COLUMN \"editedAt\" TIMESTAMP(3);\n\n-- AlterTable\nALTER TABLE \"Like\" ADD COLUMN \"at\" TIMESTAMP(3);\n",
			want: []string{"8:1"}},
		{name: "the same four tables, all known to the history", history: commentHistory,
			sql:  "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- AlterTable\nALTER TABLE \"Comment\" ADD COLUMN \"editedAt\" TIMESTAMP(3);\n\n-- AlterTable\nALTER TABLE \"Like\" ADD COLUMN \"at\" TIMESTAMP(3);\n",
			want: []string{"8:1"}},
		{name: "one LOCK TABLE of three, in BEGIN ... COMMIT, schema-qualified", history: exampleHistory,
			sql:  "BEGIN;\nLOCK TABLE \"public\".\"User\", \"Post\", \"Audit\";\nCOMMIT;\n",
			want: []string{"2:1"}},
		{name: "two existing tables", history: exampleHistory,
			sql: "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"User\" DROP COLUMN \"name\";\n"},
		{name: "third table is new", history: exampleHistory,
			sql: "CREATE TABLE \"Tag\" (\"id\" SERIAL NOT NULL);\nALTER TABLE \"Tag\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n"},
		{name: "COMMIT in between", history: exampleHistory,
			sql: "BEGIN;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nCOMMIT;\nALTER TABLE \"Comment\" ADD COLUMN \"editedAt\" TIMESTAMP(3);\n"},
		{name: "new model referencing three existing ones takes weaker locks", history: exampleHistory,
			sql: "CREATE TABLE \"Vote\" (\"id\" SERIAL NOT NULL, \"userId\" INTEGER NOT NULL, \"postId\" INTEGER NOT NULL, \"tagId\" INTEGER NOT NULL);\nALTER TABLE \"Vote\" ADD CONSTRAINT \"Vote_userId_fkey\" FOREIGN KEY (\"userId\") REFERENCES \"User\"(\"id\");\nALTER TABLE \"Vote\" ADD CONSTRAINT \"Vote_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"Post\"(\"id\");\nALTER TABLE \"Vote\" ADD CONSTRAINT \"Vote_tagId_fkey\" FOREIGN KEY (\"tagId\") REFERENCES \"Tag\"(\"id\");\n"},
	})
}

func TestManyAccessExclusiveFix(t *testing.T) {
	const sql = "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCREATE INDEX CONCURRENTLY \"x\" ON \"Like\"(\"postId\");\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" DROP COLUMN \"content\";\nALTER TABLE \"Comment\" ADD COLUMN \"editedAt\" TIMESTAMP(3);\n"
	// A statement that refuses a transaction block gets a migration of its own.
	wantFix(t, commentHistory, sql, "many-access-exclusive",
		"-- Migration 1 (ACCESS EXCLUSIVE on \"User\"):\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
		"-- Migration 2 (alone: CREATE INDEX CONCURRENTLY cannot run inside a transaction block):\nCREATE INDEX CONCURRENTLY \"x\" ON \"Like\"(\"postId\");\n",
		"-- Migration 3 (ACCESS EXCLUSIVE on \"Post\"):\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Post\" DROP COLUMN \"content\";\n",
		"-- Migration 4 (ACCESS EXCLUSIVE on \"Comment\"):\nALTER TABLE \"Comment\" ADD COLUMN \"editedAt\" TIMESTAMP(3);")
	wantFix(t, commentHistory, "ALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Comment\" ADD COLUMN \"editedAt\" TIMESTAMP(3);\n",
		"many-access-exclusive",
		"-- Migration 1 (ACCESS EXCLUSIVE on \"Post\" and \"User\"):\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_authorId_fkey\";\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
		"-- Migration 2 (ACCESS EXCLUSIVE on \"Comment\"):")
	wantMessage(t, commentHistory, sql, "many-access-exclusive",
		`ACCESS EXCLUSIVE locks on "User" (line 1), "Post" (line 3) and "Comment" (line 5) until it commits, which block reads and writes on all of them`, "40P01")
}

// commentHistory is exampleHistory and a later Prisma migration that adds
// comments and likes on posts.
var commentHistory = []string{ruledoc.History, `-- CreateTable
CREATE TABLE "Comment" (
    "id" SERIAL NOT NULL,
    "body" TEXT NOT NULL,
    "postId" INTEGER NOT NULL,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Like" (
    "userId" INTEGER NOT NULL,
    "postId" INTEGER NOT NULL,

    CONSTRAINT "Like_pkey" PRIMARY KEY ("userId","postId")
);

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Like" ADD CONSTRAINT "Like_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Like" ADD CONSTRAINT "Like_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`}
