package rules_test

import "testing"

func TestAddingRequiredColumn(t *testing.T) {
	runCases(t, "adding-required-column", []ruleCase{
		{name: "prisma required column on existing table", history: exampleHistory,
			sql:  "/*\n  Warnings:\n\n  - Added the required column `slug` to the `Post` table without a default value. This is not possible if the table is not empty.\n\n*/\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN     \"slug\" TEXT NOT NULL;\n",
			want: []string{"8:20"}},
		{name: "second clause of a multi-clause alter", history: exampleHistory,
			sql:  "-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN     \"bio\" TEXT,\nADD COLUMN     \"handle\" TEXT NOT NULL;\n",
			want: []string{"3:1"}},
		{name: "with a constant default", history: exampleHistory,
			sql: `ALTER TABLE "Post" ADD COLUMN "slug" TEXT NOT NULL DEFAULT '';`},
		{name: "nullable", history: exampleHistory,
			sql: `ALTER TABLE "Post" ADD COLUMN "slug" TEXT;`},
		{name: "serial fills itself", history: exampleHistory,
			sql: `ALTER TABLE "Post" ADD COLUMN "seq" SERIAL NOT NULL;`},
		{name: "identity fills itself", history: exampleHistory,
			sql: `ALTER TABLE "Post" ADD COLUMN "seq" INTEGER GENERATED ALWAYS AS IDENTITY;`},
		{name: "table created in the same migration", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nALTER TABLE \"Tag\" ADD COLUMN \"name\" TEXT NOT NULL;\n"},
		{name: "unknown table is assumed to hold rows",
			sql:  `ALTER TABLE audit_log ADD COLUMN actor TEXT NOT NULL;`,
			want: []string{"1:23"}},
		{name: "quoted name differs from unquoted", history: []string{`CREATE TABLE "Tag" ("id" TEXT NOT NULL);`},
			sql:  "CREATE TABLE tag (id TEXT);\nALTER TABLE \"Tag\" ADD COLUMN \"name\" TEXT NOT NULL;\n",
			want: []string{"2:19"}},
		{name: "schema-qualified is the same table", sql: "CREATE TABLE \"Tag\" (\"id\" TEXT NOT NULL);\nALTER TABLE \"public\".\"Tag\" ADD COLUMN \"name\" TEXT NOT NULL;\n"},
	})
}
