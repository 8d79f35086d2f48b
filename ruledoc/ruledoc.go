// Package ruledoc renders a rule's documentation page from the rule itself:
// its text, its examples, and the finding and safe SQL the rule really
// produces on its bad example. `migrate-guard rules <id>` prints the page,
// and docs/rules/<id>.md holds the same text, checked by a test.
package ruledoc

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/prismaschema"
	"github.com/migrate-guard/migrate-guard/rules"
)

// Sections are the headings every page has, in order. What to do, and how
// with Prisma, comes before the safe SQL, as in the terminal report: its
// words point at "the SQL below".
var Sections = []string{"What it flags", "Why it hurts", "Example", "With Prisma", "Safe alternative", "Suppressing it"}

// History is the schema examples run against: a small Prisma app whose
// tables already hold production data.
const History = `-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" VARCHAR(100),
    "role" "Role" NOT NULL DEFAULT 'USER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "content" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`

// Example lints sql after History with every rule enabled at least as a
// notice, and returns the findings of rule id. A rule that compares with the
// running release's schema.prisma gets its BaseSchema as that schema.
func Example(id, sql string) ([]lint.Finding, error) {
	cfg := lint.DefaultConfig()
	cfg.Rules[id] = analysis.Notice
	if r := rules.ByID(id); r != nil && r.ExampleRunner != "" {
		if err := cfg.SetDeployedBy(r.ExampleRunner, "the rule's example"); err != nil {
			return nil, err
		}
	}
	if r := rules.ByID(id); r != nil && r.BaseSchema != "" {
		base, err := prismaschema.ParseFile("base.prisma", []byte(r.BaseSchema))
		if err != nil {
			return nil, err
		}
		cfg.Release = &analysis.Release{Base: base}
	}
	res, err := lint.RunText([]lint.Text{{Path: "history.sql", SQL: []byte(History)}}, lint.Text{Path: "migration.sql", SQL: []byte(sql)}, cfg)
	if err != nil {
		return nil, err
	}
	var out []lint.Finding
	for _, f := range res.Findings {
		if f.Rule == id {
			out = append(out, f)
		}
	}
	return out, nil
}

// AboutHistory reports whether a rule's findings are about the migrations
// directory or the pull request rather than about a statement: the engine
// or the GitHub Action reports them (the rule has no Run and no example),
// so comments in a migration cannot silence them, only the configuration.
func AboutHistory(r *analysis.Rule) bool { return r.Run == nil && r.Bad == "" }

// Page renders a rule's documentation as Markdown.
func Page(r *analysis.Rule) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.ID)
	fmt.Fprintf(&b, "Default severity: **%s**.", r.Severity)
	if r.Severity == analysis.Off {
		fmt.Fprintf(&b, " Opt-in: enable it with `%s = \"notice\"` under `[rules]` in migrate-guard.toml.", r.ID)
	}
	fmt.Fprintf(&b, "\n\n## What it flags\n\n%s.\n\n## Why it hurts\n\n%s\n", capitalize(r.Summary), r.Doc)
	var f *lint.Finding
	if r.Bad != "" {
		found, err := Example(r.ID, r.Bad)
		if err != nil {
			return "", err
		}
		if len(found) > 0 {
			f = &found[0]
		}
		if r.BaseSchema != "" {
			fmt.Fprintf(&b, "\n## Example\n\nThe running release's schema.prisma (`--base-schema`):\n\n```prisma\n%s\n```\n\nThe migration:\n\n```sql\n%s\n```\n",
				strings.TrimSpace(r.BaseSchema), strings.TrimSpace(r.Bad))
		} else {
			fmt.Fprintf(&b, "\n## Example\n\n```sql\n%s\n```\n", strings.TrimSpace(r.Bad))
		}
		if f != nil {
			fmt.Fprintf(&b, "\nmigrate-guard reports, at line %d, column %d:\n\n> %s\n", f.Line, f.Column, f.Message)
		}
	} else {
		b.WriteString("\n## Example\n\nThis finding is about the migrations directory itself, not about a statement.\n")
	}
	b.WriteString("\n## With Prisma\n\n")
	switch {
	case f != nil && f.Help != "":
		fmt.Fprintf(&b, "%s\n", f.Help)
	case AboutHistory(r):
		b.WriteString("Nothing in migration.sql needs editing: change the migrations directory as described above.\n")
	default:
		b.WriteString("Create the migration with `prisma migrate dev --create-only`, edit migration.sql, then apply it with `prisma migrate dev`.\n")
	}
	b.WriteString("\n## Safe alternative\n\n")
	if f != nil && f.Fix != "" {
		fmt.Fprintf(&b, "```sql\n%s\n```\n", strings.TrimSpace(f.Fix))
	}
	if AboutHistory(r) {
		b.WriteString("The fix is in the migrations directory, not in SQL: see above.\n")
	}
	if r.Good != "" {
		fmt.Fprintf(&b, "\nThis passes cleanly:\n\n```sql\n%s\n```\n", strings.TrimSpace(r.Good))
	}
	b.WriteString(suppressing(r))
	return b.String(), nil
}

// suppressing explains how to silence the rule: statement comments work for
// findings on statements, only the configuration for the engine's findings
// about the history itself.
func suppressing(r *analysis.Rule) string {
	if AboutHistory(r) {
		return fmt.Sprintf("\n## Suppressing it\n\nThis finding is not about one statement, so comments do not silence it: set `%s = \"off\"` under `[rules]` in migrate-guard.toml (or pass `--rule %s=off`) to accept it.\n", r.ID, r.ID)
	}
	return fmt.Sprintf("\n## Suppressing it\n\nWhen the statement is intended, say why in the comments just above it; the comment covers every line of the statement:\n\n```sql\n-- migrate-guard-ignore %s -- <reason>\n```\n\n`-- migrate-guard-ignore-file %s` anywhere in a file covers the whole file, and `%s = \"off\"` under `[rules]` in migrate-guard.toml turns the rule off.\n", r.ID, r.ID, r.ID)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
