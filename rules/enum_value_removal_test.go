package rules_test

import (
	"strings"
	"testing"
)

const roleRemoval = `/*
  Warnings:

  - The values [ADMIN] on the enum ` + "`Role`" + ` will be removed. If these variants are still used in the database, this will fail.

*/
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'GUEST');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
`

func TestEnumValueRemoval(t *testing.T) {
	twoTables := append(append([]string(nil), exampleHistory...),
		`ALTER TABLE "Post" ADD COLUMN "audience" "Role"[], ADD COLUMN "minRole" "Role";`)
	runCases(t, "enum-value-removal", []ruleCase{
		{name: "prisma removal block", history: exampleHistory, sql: roleRemoval, want: []string{"11:1"}},
		{name: "schema-qualified block without BEGIN, several tables and an array", history: twoTables,
			sql: `-- AlterEnum
CREATE TYPE "public"."Role_new" AS ENUM ('USER');
ALTER TABLE "public"."User" ALTER COLUMN "role" TYPE "public"."Role_new" USING ("role"::text::"public"."Role_new");
ALTER TABLE "public"."Post" ALTER COLUMN "audience" TYPE "public"."Role_new"[] USING ("audience"::text::"public"."Role_new"[]),
ALTER COLUMN "minRole" TYPE "public"."Role_new" USING ("minRole"::text::"public"."Role_new");
ALTER TYPE "public"."Role" RENAME TO "Role_old";
ALTER TYPE "public"."Role_new" RENAME TO "Role";
DROP TYPE "public"."Role_old";
`, want: []string{"3:1"}},
		{name: "reordering by hand still rewrites", history: exampleHistory,
			sql: `BEGIN;
CREATE TYPE "Role_new" AS ENUM ('ADMIN', 'USER');
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
COMMIT;
`, want: []string{"3:1"}},
		{name: "enum and table created in the same migration",
			sql: `CREATE TYPE "Kind" AS ENUM ('A', 'B');
CREATE TABLE "Item" ("id" TEXT NOT NULL, "kind" "Kind" NOT NULL);
CREATE TYPE "Kind_new" AS ENUM ('A');
ALTER TABLE "Item" ALTER COLUMN "kind" TYPE "Kind_new" USING ("kind"::text::"Kind_new");
ALTER TYPE "Kind" RENAME TO "Kind_old";
ALTER TYPE "Kind_new" RENAME TO "Kind";
DROP TYPE "Kind_old";
`},
		{name: "a new enum is not a replacement", history: exampleHistory,
			sql: "-- CreateEnum\nCREATE TYPE \"Status\" AS ENUM ('DRAFT', 'PUBLISHED');\n\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"status\" \"Status\" NOT NULL DEFAULT 'DRAFT';\n"},
		{name: "replacing an enum no column uses", history: []string{`CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`},
			sql: `CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
`},
		{name: "renamed to a name still taken is no swap", history: exampleHistory,
			sql: `CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role_new" RENAME TO "Role2";
`},
	})
}

func TestEnumValueRemovalMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, roleRemoval, 0)
	assertFinding(t, fs, "enum-value-removal", `'ADMIN'`, `"User"`, "ACCESS EXCLUSIVE", "22P02")
	assertFinding(t, fs, "enum-value-removal", `SELECT count(*) FROM "User" WHERE "role"::text IN ('ADMIN');`)
}

// TestEnumRemovalBlockReportedOnce checks that a whole replacement block
// draws one finding from all rules together: enum-value-removal's, not one
// column-type-rewrite per ALTER COLUMN nor lock findings on its statements.
// A type change outside the block is still column-type-rewrite's.
func TestEnumRemovalBlockReportedOnce(t *testing.T) {
	threeTables := append(append([]string(nil), exampleHistory...),
		`ALTER TABLE "Post" ADD COLUMN "audience" "Role"[], ADD COLUMN "minRole" "Role";
CREATE TABLE "Invite" ("id" SERIAL NOT NULL, "role" "Role" NOT NULL DEFAULT 'USER', CONSTRAINT "Invite_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Invite_role_idx" ON "Invite"("role");`)
	for _, c := range []struct {
		name    string
		history []string
		sql     string
		message []string
	}{
		{"prisma block on one table", exampleHistory, roleRemoval, []string{`rewrites "User" and rebuilds the indexes`}},
		{"prisma block on three tables, an array and an index", threeTables, `/*
  Warnings:

  - The values [ADMIN] on the enum ` + "`Role`" + ` will be removed. If these variants are still used in the database, this will fail.

*/
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "Invite" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TABLE "Post" ALTER COLUMN "audience" TYPE "Role_new"[] USING ("audience"::text::"Role_new"[]);
ALTER TABLE "Post" ALTER COLUMN "minRole" TYPE "Role_new" USING ("minRole"::text::"Role_new");
ALTER TABLE "Invite" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
ALTER TABLE "Invite" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
`, []string{`rewrites "User", "Post" and "Invite" one after another and rebuilds their indexes, each under an ACCESS EXCLUSIVE lock held until the block commits`,
			"deadlock", "40P01"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := byDefault(lintSQL(t, c.history, c.sql, 0))
			if len(fs) != 1 || fs[0].Rule != "enum-value-removal" {
				t.Fatalf("want one enum-value-removal finding for the block, got:\n%s", dump(fs))
			}
			for _, m := range c.message {
				if !strings.Contains(fs[0].Message, m) {
					t.Errorf("message lacks %q:\n%s", m, fs[0].Message)
				}
			}
		})
	}
	fs := lintSQL(t, exampleHistory, roleRemoval+"\n-- AlterTable\nALTER TABLE \"Post\" ALTER COLUMN \"views\" SET DATA TYPE BIGINT;\n", 0)
	if got := positions(fs, "column-type-rewrite"); len(got) != 1 || got[0] != "19:20" {
		t.Errorf("column-type-rewrite after the block fired at %v, want [19:20]:\n%s", got, dump(fs))
	}
}

// TestEnumRemovalBlockAmongOtherLocks checks that the lock rules still count
// what the block's transaction locks outside the block: two other tables
// and the block make three, and a slow statement after the block runs under
// its locks.
func TestEnumRemovalBlockAmongOtherLocks(t *testing.T) {
	history := append(append([]string(nil), exampleHistory...),
		`CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Invite" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "Invite_pkey" PRIMARY KEY ("id"));`)
	const block = `CREATE TYPE "Role_new" AS ENUM ('USER');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
`
	fs := lintSQL(t, history, "ALTER TABLE \"Tag\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"Invite\" ADD COLUMN \"note\" TEXT;\n"+block, 0)
	if got := positions(fs, "many-access-exclusive"); len(got) != 1 || got[0] != "4:1" {
		t.Errorf("many-access-exclusive fired at %v, want [4:1] (the block's first lock):\n%s", got, dump(fs))
	}
	fs = lintSQL(t, history, block+"CREATE TABLE \"Copy\" AS SELECT * FROM \"Tag\";\n", 0)
	if got := positions(fs, "long-access-exclusive"); len(got) != 1 || got[0] != "8:1" {
		t.Errorf("long-access-exclusive fired at %v, want [8:1]:\n%s", got, dump(fs))
	}
}
