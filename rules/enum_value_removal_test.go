package rules_test

import "testing"

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
		{name: "prisma removal block", history: exampleHistory, sql: roleRemoval, want: []string{"9:1"}},
		{name: "schema-qualified block without BEGIN, several tables and an array", history: twoTables,
			sql: `-- AlterEnum
CREATE TYPE "public"."Role_new" AS ENUM ('USER');
ALTER TABLE "public"."User" ALTER COLUMN "role" TYPE "public"."Role_new" USING ("role"::text::"public"."Role_new");
ALTER TABLE "public"."Post" ALTER COLUMN "audience" TYPE "public"."Role_new"[] USING ("audience"::text::"public"."Role_new"[]),
ALTER COLUMN "minRole" TYPE "public"."Role_new" USING ("minRole"::text::"public"."Role_new");
ALTER TYPE "public"."Role" RENAME TO "Role_old";
ALTER TYPE "public"."Role_new" RENAME TO "Role";
DROP TYPE "public"."Role_old";
`, want: []string{"2:1"}},
		{name: "reordering by hand still rewrites", history: exampleHistory,
			sql: `BEGIN;
CREATE TYPE "Role_new" AS ENUM ('ADMIN', 'USER');
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
COMMIT;
`, want: []string{"2:1"}},
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
	for _, f := range fs {
		if f.Rule != "enum-value-removal" && f.Rule != "column-type-rewrite" {
			t.Errorf("unexpected finding in the removal block: %s at %d:%d: %s", f.Rule, f.Line, f.Column, f.Message)
		}
	}
}
