package rules_test

import "testing"

func TestPrismaWarningUnexplained(t *testing.T) {
	runCases(t, "prisma-warning-unexplained", []ruleCase{
		{name: "drop edited into a rename", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - You are about to drop the column `name` on the `User` table. All the data in the column will be lost.\n\n*/\n-- AlterTable\nALTER TABLE \"User\" RENAME COLUMN \"name\" TO \"fullName\";\n",
			want: []string{"4:3"}},
		{name: "a warning migrate-guard does not know", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - You are about to drop the column `views` on the `Post` table. All the data in the column will be lost.\n  - THIS IS BREAKING\n\n*/\n-- AlterTable\nALTER TABLE \"Post\" DROP COLUMN \"views\";\n",
			want: []string{"5:3"}},
		{name: "langfuse: type change edited into an enum rename", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - Changed the type of `role` on the `User` table. No cast exists, the column would be dropped and recreated, which cannot be done if there is data, since the column is required.\n\n*/\n-- Rename enum\nALTER TYPE \"Role\" RENAME TO \"UserRole\";",
			want: []string{"4:3"}},
		{name: "unique constraint on other columns than announced", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - A unique constraint covering the columns `[title,authorId]` on the table `Post` will be added. If there are existing duplicate values, this will fail.\n\n*/\n-- CreateIndex\nCREATE UNIQUE INDEX \"Post_title_key\" ON \"Post\"(\"title\");\n",
			want: []string{"4:3"}},
		{name: "every warning accounted for, schema-qualified SQL", history: exampleHistory,
			sql: `/*
  Warnings:

  - You are about to drop the column ` + "`views`" + ` on the ` + "`Post`" + ` table. All the data in the column will be lost.
  - Added the required column ` + "`slug`" + ` to the ` + "`Post`" + ` table without a default value. This is not possible if the table is not empty.
  - Made the column ` + "`name`" + ` on table ` + "`User`" + ` required. This step will fail if there are existing NULL values in that column.
  - A unique constraint covering the columns ` + "`[authorId,title]`" + ` on the table ` + "`Post`" + ` will be added. If there are existing duplicate values, this will fail.
  - You are about to drop the ` + "`Tag`" + ` table. If the table is not empty, all the data it contains will be lost.
  - You are about to alter the column ` + "`title`" + ` on the ` + "`Post`" + ` table. The data in that column could be lost. The data in that column will be cast from ` + "`VarChar(255)`" + ` to ` + "`VarChar(100)`" + `.

*/
-- AlterTable
ALTER TABLE "public"."Post" DROP COLUMN "views",
ADD COLUMN     "slug" TEXT NOT NULL,
ALTER COLUMN "title" SET DATA TYPE VARCHAR(100);

-- AlterTable
ALTER TABLE "public"."User" ALTER COLUMN "name" SET NOT NULL;

-- DropTable
DROP TABLE "public"."Tag";

-- CreateIndex
CREATE UNIQUE INDEX "Post_title_authorId_key" ON "public"."Post"("title", "authorId");
`},
		{name: "enum values removed", history: exampleHistory, sql: roleRemoval},
		{name: "primary key changed, column recreated", history: exampleHistory,
			sql: "/*\n  Warnings:\n\n  - The primary key for the `Post` table will be changed. If it partially fails, the table could be left without primary key constraint.\n  - The `id` column on the `Post` table would be dropped and recreated. This will lead to data loss if there is data in the column.\n\n*/\n-- AlterTable\nALTER TABLE \"Post\" DROP CONSTRAINT \"Post_pkey\",\nDROP COLUMN \"id\",\nADD COLUMN     \"id\" UUID NOT NULL DEFAULT gen_random_uuid(),\nADD CONSTRAINT \"Post_pkey\" PRIMARY KEY (\"id\");\n"},
		{name: "statement reviewed and suppressed", history: exampleHistory,
			sql: "/*\n  Warnings:\n\n  - You are about to drop the column `views` on the `Post` table. All the data in the column will be lost.\n\n*/\n-- AlterTable\n-- migrate-guard-ignore drop-column -- contract step: nothing reads views since release 7\nALTER TABLE \"Post\" DROP COLUMN \"views\";\n"},
		{name: "no header", history: exampleHistory, sql: "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
	})
}

func TestPrismaWarningUnexplainedMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "/*\nWarnings:\n\n- Made the column `name` on table `User` required. This step will fail if there are\n  existing NULL values in that column.\n\n */\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", 0)
	assertFinding(t, fs, "prisma-warning-unexplained", `Made the column `+"`name`"+` on table `+"`User`"+` required. This step will fail if there are existing NULL values in that column.`, "edited")
	for _, f := range fs {
		if f.Rule == "prisma-warning-unexplained" && (f.Line != 4 || f.Column != 1 || f.EndLine != 5) {
			t.Errorf("finding spans %d:%d-%d:%d, want the warning's two lines from 4:1", f.Line, f.Column, f.EndLine, f.EndColumn)
		}
	}
}
