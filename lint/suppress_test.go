package lint_test

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
)

// prismaAlter3 is a Prisma ALTER TABLE whose third clause adds a required
// column (line 4 of the statement, counting from the AlterTable header).
const prismaAlter3 = `ALTER TABLE "User" ADD COLUMN     "bio" TEXT,
ADD COLUMN     "score" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "handle" TEXT NOT NULL;
`

func TestSuppressions(t *testing.T) {
	cases := []struct {
		name string
		sql  string
		cfg  func(*lint.Config)
		want string // brief() of the findings
		msg  string // a substring every reported message must hold, when set
	}{
		{
			name: "unsuppressed third clause is reported",
			sql:  "-- AlterTable\n" + prismaAlter3,
			want: "4:1-4:37 adding-required-column\n",
		},
		{
			name: "directive at the top of the comment block covers every line",
			sql:  "/*\n  Warnings:\n\n  - Added the required column `handle` to the `User` table without a default value.\n\n*/\n-- migrate-guard-ignore adding-required-column -- the table is empty in every environment\n-- AlterTable\n" + prismaAlter3,
		},
		{
			name: "directive just above the statement",
			sql:  "-- AlterTable\n-- migrate-guard-ignore adding-required-column -- backfilled by hand\n" + prismaAlter3,
		},
		{
			name: "directive between clauses covers its statement",
			sql:  "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"bio\" TEXT,\n-- migrate-guard-ignore adding-required-column -- backfilled by hand\nADD COLUMN     \"handle\" TEXT NOT NULL;\n",
		},
		{
			name: "directive inside the statement after the flagged clause",
			sql:  "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"handle\" TEXT NOT NULL, -- migrate-guard-ignore adding-required-column -- backfilled\nADD COLUMN     \"bio\" TEXT;\n",
		},
		{
			name: "directive covers only its own statement",
			sql:  "-- migrate-guard-ignore adding-required-column -- empty table\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT NOT NULL;\n\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL;\n",
			want: "5:20-5:52 adding-required-column\n",
		},
		{
			name: "trailing comment covers the statement it ends, not the next one",
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT NOT NULL; -- migrate-guard-ignore adding-required-column -- empty table\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL;\n",
			want: "2:20-2:52 adding-required-column\n",
		},
		{
			name: "trailing comment after the last statement",
			sql:  "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT NOT NULL; -- migrate-guard-ignore adding-required-column -- empty table\n",
		},
		{
			name: "trailing comment of a multi-line statement",
			sql:  "-- AlterTable\n" + strings.TrimSuffix(prismaAlter3, "\n") + " -- migrate-guard-ignore adding-required-column\n",
		},
		{
			name: "directive covers the next statement only, not one further down",
			sql:  "-- migrate-guard-ignore adding-required-column -- empty table\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL;\n",
			want: "1:1-1:61 unused-suppression\n4:20-4:52 adding-required-column\n",
		},
		{
			name: "several ids, one used and one stale",
			sql:  "-- migrate-guard-ignore adding-required-column, syntax-error -- empty table\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL;\n",
			want: "1:1-1:75 unused-suppression\n",
			msg:  "syntax-error",
		},
		{
			name: "several ids without spaces",
			sql:  "-- migrate-guard-ignore syntax-error,adding-required-column -- empty table\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL;\n",
			want: "1:1-1:74 unused-suppression\n",
			msg:  "syntax-error",
		},
		{
			name: "file directive at the end covers every statement",
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT NOT NULL;\nALTER TABLE \"User\" ADD COLUMN \"handle\" TEXT NOT NULL;\n-- migrate-guard-ignore-file adding-required-column -- seed data only\n",
		},
		{
			name: "file directive at the top",
			sql:  "-- migrate-guard-ignore-file adding-required-column\n-- AlterTable\n" + prismaAlter3,
		},
		{
			name: "unused file directive",
			sql:  "-- migrate-guard-ignore-file adding-required-column\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
			want: "1:1-1:51 unused-suppression\n",
			msg:  "adding-required-column",
		},
		{
			name: "unknown id is reported at the comment and does not suppress",
			sql:  "-- AlterTable\n  -- migrate-guard-ignore adding-required-colum -- typo\n" + prismaAlter3,
			want: "2:3-2:55 invalid-suppression\n5:1-5:37 adding-required-column\n",
			msg:  `"adding-required-colum"`,
		},
		{
			name: "unknown id beside a known one: the known one still works",
			sql:  "-- migrate-guard-ignore no-such-rule, adding-required-column -- empty\n" + prismaAlter3,
			want: "1:1-1:69 invalid-suppression\n",
			msg:  "no-such-rule",
		},
		{
			name: "tabs separate like spaces",
			sql:  "--\tmigrate-guard-ignore\tadding-required-column\t-- empty table\n" + prismaAlter3,
		},
		{
			name: "reason without its -- separator reads as an unknown id",
			sql:  "-- migrate-guard-ignore adding-required-column because\n" + prismaAlter3,
			want: "1:1-1:54 invalid-suppression\n",
			msg:  `"because"`,
		},
		{
			name: "directive naming no rule",
			sql:  "-- migrate-guard-ignore -- trust me\n" + prismaAlter3,
			want: "1:1-1:35 invalid-suppression\n4:1-4:37 adding-required-column\n",
		},
		{
			name: "unused statement directive",
			sql:  "-- AlterTable\n-- migrate-guard-ignore adding-required-column -- not needed\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
			want: "2:1-2:60 unused-suppression\n",
		},
		{
			name: "directive after the last statement",
			sql:  "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n-- migrate-guard-ignore adding-required-column -- stray\n",
			want: "2:1-2:55 invalid-suppression\n",
		},
		{
			name: "suppression of a rule turned off is not stale",
			sql:  "-- migrate-guard-ignore adding-required-column -- empty table\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
			cfg:  func(c *lint.Config) { c.Rules["adding-required-column"] = analysis.Off },
		},
		{
			name: "file suppression of a rule turned off is not stale",
			sql:  "-- migrate-guard-ignore-file adding-required-column\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
			cfg:  func(c *lint.Config) { c.Rules["adding-required-column"] = analysis.Off },
		},
		{
			name: "unused-suppression turned off",
			sql:  "-- migrate-guard-ignore adding-required-column\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
			cfg:  func(c *lint.Config) { c.Rules["unused-suppression"] = analysis.Off },
		},
		{
			name: "other comments are not directives",
			sql:  "-- migrate-guard-ignored adding-required-column\n-- see migrate-guard-ignore adding-required-column\n/* migrate-guard-ignore adding-required-column */\n" + prismaAlter3,
			want: "6:1-6:37 adding-required-column\n",
		},
		{
			name: "directive on the syntax error's statement",
			sql:  "-- migrate-guard-ignore syntax-error -- PostgreSQL 18 syntax\nALTER TABLE \"User\" ADD COLUMN \"n\" INTEGER GENERATED ALWAYS AS (1) VIRTUAL;\n\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
		},
		{
			name: "directive on a syntax error that is the last statement",
			sql:  "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n-- migrate-guard-ignore syntax-error -- PostgreSQL 18 syntax\nALTER TABLE \"User\" ADD COLUMN \"n\" INTEGER GENERATED ALWAYS AS (1) VIRTUAL;\n",
		},
		{
			name: "a syntax-error directive does not reach past its statement",
			sql:  "-- migrate-guard-ignore syntax-error -- PostgreSQL 18 syntax\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"User\" ADD COLUMN \"n\" INTEGER GENERATED ALWAYS AS (1) VIRTUAL;\n",
			want: "1:1-1:60 unused-suppression\n3:67-3:67 syntax-error\n",
		},
		{
			name: "stale directive's end column counts characters",
			sql:  "-- migrate-guard-ignore adding-required-column -- déjà vu, 5 €\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
			want: "1:1-1:62 unused-suppression\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := stableConfig()
			if c.cfg != nil {
				c.cfg(cfg)
			}
			fs := lintLast(t, cfg, prismaHistory, c.sql)
			if got := brief(fs); got != c.want {
				t.Errorf("findings:\n%s\nwant:\n%s\nall:\n%s", got, c.want, dump(fs))
			}
			for _, f := range fs {
				if f.Message == "" || f.Help == "" {
					t.Errorf("finding without message or help: %+v", f)
				}
				if c.msg != "" && f.Rule != "adding-required-column" && !strings.Contains(f.Message, c.msg) {
					t.Errorf("message %q does not name %s", f.Message, c.msg)
				}
			}
		})
	}
}
