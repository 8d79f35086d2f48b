package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/ruledoc"
)

func TestRenameEnumValue(t *testing.T) {
	runCases(t, "rename-enum-value", []ruleCase{
		{name: "value of an enum in use", history: exampleHistory,
			sql: "-- AlterEnum\nALTER TYPE \"Role\" RENAME VALUE 'ADMIN' TO 'OWNER';\n", want: []string{"2:1"}},
		{name: "schema-qualified, among other statements", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"Post\" ADD COLUMN \"slug\" TEXT;\n\n-- AlterEnum\nALTER TYPE \"public\".\"Role\" RENAME VALUE 'USER' TO 'MEMBER';\n",
			want: []string{"5:1"}},
		{name: "enum the history does not know",
			sql: "ALTER TYPE \"Plan\" RENAME VALUE 'FREE' TO 'HOBBY';\n", want: []string{"1:1"}},
		{name: "the same enum, known to the history", history: planHistory,
			sql: "ALTER TYPE \"Plan\" RENAME VALUE 'FREE' TO 'HOBBY';\n", want: []string{"1:1"}},
		{name: "enum created in the same migration",
			sql: "CREATE TYPE \"Plan\" AS ENUM ('FREE', 'PRO');\nALTER TYPE \"Plan\" RENAME VALUE 'FREE' TO 'HOBBY';\n"},
		{name: "adding a value", history: exampleHistory,
			sql: "-- AlterEnum\nALTER TYPE \"Role\" ADD VALUE 'OWNER';\n"},
		{name: "renaming the type is another rule's business", history: exampleHistory,
			sql: "ALTER TYPE \"Role\" RENAME TO \"UserRole\";\n"},
	})
}

func TestRenameEnumValueFix(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "ALTER TYPE \"Role\" RENAME VALUE 'ADMIN' TO 'OWNER';", 0)
	assertFinding(t, fs, "rename-enum-value", "22P02", "`OWNER @map(\"ADMIN\")`",
		"ALTER TYPE \"Role\" ADD VALUE IF NOT EXISTS 'OWNER';",
		`UPDATE "User" SET "role" = 'OWNER' WHERE ctid IN (SELECT ctid FROM "User" WHERE "role" = 'ADMIN' LIMIT 10000);`)
}

// planHistory is exampleHistory and a later Prisma migration that gives
// users a plan (enum Plan { FREE PRO }, plan Plan @default(FREE)).
var planHistory = []string{ruledoc.History, `-- CreateEnum
CREATE TYPE "Plan" AS ENUM ('FREE', 'PRO');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "plan" "Plan" NOT NULL DEFAULT 'FREE';
`}
