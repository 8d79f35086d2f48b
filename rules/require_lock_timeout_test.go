package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/rules"
)

func TestRequireLockTimeout(t *testing.T) {
	runCases(t, "require-lock-timeout", []ruleCase{
		{name: "prisma column on an existing table", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", want: []string{"2:1"}},
		{name: "new table: the foreign key to an existing table is the first wait", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Comment\" (\n    \"id\" SERIAL NOT NULL,\n    \"postId\" INTEGER NOT NULL,\n\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n\n" +
				"-- CreateIndex\nCREATE INDEX \"Comment_postId_idx\" ON \"Comment\"(\"postId\");\n\n" +
				"-- AddForeignKey\nALTER TABLE \"Comment\" ADD CONSTRAINT \"Comment_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"public\".\"Post\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n",
			want: []string{"13:1"}},
		{name: "only the first statement of the file", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
			want: []string{"1:1"}},
		{name: "SET after the statement is too late", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nSET lock_timeout = '5s';\n",
			want: []string{"1:1"}},
		{name: "SET LOCAL does nothing without a transaction", history: exampleHistory,
			sql:  "-- +goose Up\n-- +goose NO TRANSACTION\nSET LOCAL lock_timeout = '5s';\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"4:1"}},
		{name: "SET LOCAL ends with its transaction", history: exampleHistory,
			sql:  "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCOMMIT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
			want: []string{"5:1"}},
		{name: "RESET undoes the SET", history: exampleHistory,
			sql:  "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nRESET lock_timeout;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
			want: []string{"4:1"}},
		{name: "index on an existing table blocks writes", history: exampleHistory,
			sql: "-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n", want: []string{"2:1"}},
		{name: "SET first", history: exampleHistory,
			sql: "SET lock_timeout = '5s';\n\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{name: "SET LOCAL in a prisma file of several statements", history: exampleHistory,
			sql: "SET LOCAL lock_timeout = '3s';\n-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{name: "session SET outlives its transaction", history: exampleHistory,
			sql: "BEGIN;\nSET lock_timeout = '5s';\nCOMMIT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{name: "zero is left to lock-timeout-value", history: exampleHistory,
			sql: "SET lock_timeout = 0;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{name: "new tables only", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\n    \"id\" TEXT NOT NULL,\n    \"name\" TEXT NOT NULL,\n\n    CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n"},
		{name: "concurrent index blocks neither reads nor writes", history: exampleHistory,
			sql: "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "an UPDATE blocks no other query", history: exampleHistory,
			sql: "UPDATE \"Post\" SET \"views\" = 0 WHERE \"views\" < 0;\n"},
	})
}

func TestRequireLockTimeoutMessage(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n", 0)
	assertFinding(t, fs, "require-lock-timeout", `an ACCESS EXCLUSIVE lock on "Post" (ALTER TABLE ... ADD COLUMN)`,
		`blocks reads and writes on "Post"`, "SET lock_timeout = '5s';\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;",
		"prisma migrate resolve --rolled-back")
	fs = lintSQL(t, exampleHistory, "-- CreateTable\nCREATE TABLE \"Comment\" (\"id\" SERIAL NOT NULL, \"userId\" INTEGER NOT NULL REFERENCES \"User\"(\"id\"));\n", 0)
	assertFinding(t, fs, "require-lock-timeout", `a SHARE ROW EXCLUSIVE lock on "User"`, "but not reads")
}

// TestRequireLockTimeoutDeployedBy checks that deployed-by turns the rule on
// as a warning, and that [rules] still wins.
func TestRequireLockTimeoutDeployedBy(t *testing.T) {
	sql := "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"
	cases := []struct {
		deployedBy, rule string
		want             string // the finding's severity, or "" for none
	}{
		{"migrate-guard", "", ""},
		{"prisma", "", "warning"},
		{"other", "", "warning"},
		{"prisma", "off", ""},
		{"migrate-guard", "error", "error"},
	}
	for _, c := range cases {
		fs := lintConfigured(t, exampleHistory, sql, func(cfg *lint.Config) error {
			if c.rule != "" {
				if err := cfg.SetRule("require-lock-timeout", c.rule); err != nil {
					return err
				}
			}
			return cfg.SetDeployedBy(c.deployedBy)
		})
		got := ""
		for _, f := range fs {
			if f.Rule == "require-lock-timeout" {
				got = f.Severity.String()
			}
		}
		if got != c.want {
			t.Errorf("deployed-by %s, rule %q: severity %q, want %q", c.deployedBy, c.rule, got, c.want)
		}
	}
	if lint.DefaultConfig().Severity(rules.RequireLockTimeout) != analysis.Off {
		t.Error("require-lock-timeout is on by default")
	}
}

// TestRequireLockTimeoutFixFitsMax checks that the fix proposes no more
// than max-lock-timeout.
func TestRequireLockTimeoutFixFitsMax(t *testing.T) {
	fs := lintConfigured(t, exampleHistory, "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", func(cfg *lint.Config) error {
		cfg.Rules["require-lock-timeout"] = analysis.Warning
		return cfg.SetMaxLockTimeout("2s")
	})
	assertFinding(t, fs, "require-lock-timeout", "SET lock_timeout = '2s';")
}
