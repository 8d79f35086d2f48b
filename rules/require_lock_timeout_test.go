package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/ruledoc"
)

func TestRequireLockTimeout(t *testing.T) {
	runCases(t, "require-lock-timeout", []ruleCase{
		{runner: "prisma", name: "prisma column on an existing table", history: exampleHistory,
			sql: "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", want: []string{"2:1"}},
		{runner: "prisma", name: "new table: the foreign key to an existing table is the first wait", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Comment\" (\n    \"id\" SERIAL NOT NULL,\n    \"postId\" INTEGER NOT NULL,\n\n    CONSTRAINT \"Comment_pkey\" PRIMARY KEY (\"id\")\n);\n\n" +
				"-- CreateIndex\nCREATE INDEX \"Comment_postId_idx\" ON \"Comment\"(\"postId\");\n\n" +
				"-- AddForeignKey\nALTER TABLE \"Comment\" ADD CONSTRAINT \"Comment_postId_fkey\" FOREIGN KEY (\"postId\") REFERENCES \"public\".\"Post\"(\"id\") ON DELETE RESTRICT ON UPDATE CASCADE;\n",
			want: []string{"13:1"}},
		{runner: "prisma", name: "only the first statement of the file", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
			want: []string{"1:1"}},
		{runner: "prisma", name: "SET after the statement is too late", history: exampleHistory,
			sql:  "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nSET lock_timeout = '5s';\n",
			want: []string{"1:1"}},
		{runner: "prisma", name: "SET LOCAL does nothing without a transaction", history: exampleHistory,
			sql:  "-- +goose Up\n-- +goose NO TRANSACTION\nSET LOCAL lock_timeout = '5s';\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n",
			want: []string{"4:1"}},
		{runner: "prisma", name: "SET LOCAL ends with its transaction", history: exampleHistory,
			sql:  "BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nCOMMIT;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
			want: []string{"5:1"}},
		{runner: "prisma", name: "RESET undoes the SET", history: exampleHistory,
			sql:  "SET lock_timeout = '5s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\nRESET lock_timeout;\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n",
			want: []string{"4:1"}},
		{runner: "prisma", name: "index on an existing table blocks writes", history: exampleHistory,
			sql: "-- CreateIndex\nCREATE INDEX \"Post_title_idx\" ON \"Post\"(\"title\");\n", want: []string{"2:1"}},
		{runner: "prisma", name: "SET first", history: exampleHistory,
			sql: "SET lock_timeout = '5s';\n\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{runner: "prisma", name: "SET LOCAL in a prisma file of several statements", history: exampleHistory,
			sql: "SET LOCAL lock_timeout = '3s';\n-- AlterTable\nALTER TABLE \"public\".\"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{runner: "prisma", name: "session SET outlives its transaction", history: exampleHistory,
			sql: "BEGIN;\nSET lock_timeout = '5s';\nCOMMIT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{runner: "prisma", name: "zero is left to lock-timeout-value", history: exampleHistory,
			sql: "SET lock_timeout = 0;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"},
		{runner: "prisma", name: "new tables only", history: exampleHistory,
			sql: "-- CreateTable\nCREATE TABLE \"Tag\" (\n    \"id\" TEXT NOT NULL,\n    \"name\" TEXT NOT NULL,\n\n    CONSTRAINT \"Tag_pkey\" PRIMARY KEY (\"id\")\n);\n\n-- CreateIndex\nCREATE UNIQUE INDEX \"Tag_name_key\" ON \"Tag\"(\"name\");\n"},
		{runner: "prisma", name: "concurrent index blocks neither reads nor writes", history: exampleHistory,
			sql: "CREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{runner: "prisma", name: "an UPDATE blocks no other query", history: exampleHistory,
			sql: "UPDATE \"Post\" SET \"views\" = 0 WHERE \"views\" < 0;\n"},
	})
}

func TestRequireLockTimeoutMessage(t *testing.T) {
	fs := lintRunner(t, exampleHistory, "-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n", 0, "prisma@6.19.0")
	assertFinding(t, fs, "require-lock-timeout", `an ACCESS EXCLUSIVE lock on "Post" (ALTER TABLE ... ADD COLUMN)`,
		`blocks reads and writes on "Post"`, "and Prisma 6.19.0 sets none", "ALTER ROLE CURRENT_USER SET lock_timeout = '5s';",
		"SET lock_timeout = '5s';\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;", "(1) deploy with `migrate-guard deploy`",
		"prisma migrate resolve --rolled-back", "fails as a whole")
	fs = lintRunner(t, exampleHistory, "ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", 0, "prisma@7.8.0")
	assertFinding(t, fs, "require-lock-timeout", "statements of the file before it stay applied")
	fs = lintRunner(t, exampleHistory, "-- CreateTable\nCREATE TABLE \"Comment\" (\"id\" SERIAL NOT NULL, \"userId\" INTEGER NOT NULL REFERENCES \"User\"(\"id\"));\n", 0, "prisma")
	assertFinding(t, fs, "require-lock-timeout", `a SHARE ROW EXCLUSIVE lock on "User"`, "but not reads")
}

// TestRequireLockTimeoutDeployedBy checks that the rule speaks only for
// runners that set no lock_timeout, and that [rules] still decides its
// severity.
func TestRequireLockTimeoutDeployedBy(t *testing.T) {
	sql := "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"
	cases := []struct {
		deployedBy, rule string
		want             string // the finding's severity, or "" for none
	}{
		{"", "", ""},
		{"migrate-guard", "", ""},
		{"prisma", "", "warning"},
		{"prisma@7.8.0", "", "warning"},
		{"other", "", "warning"},
		{"prisma", "off", ""},
		{"prisma", "error", "error"},
		{"migrate-guard", "error", ""},
	}
	for _, c := range cases {
		fs := lintConfigured(t, exampleHistory, sql, func(cfg *lint.Config) error {
			if c.rule != "" {
				if err := cfg.SetRule("require-lock-timeout", c.rule); err != nil {
					return err
				}
			}
			if c.deployedBy == "" {
				return nil
			}
			return cfg.SetDeployedBy(c.deployedBy, "--deployed-by")
		})
		got := ""
		for _, f := range fs {
			if f.Rule == "require-lock-timeout" {
				got = f.Severity.String()
			}
		}
		if got != c.want {
			t.Errorf("deployed-by %q, rule %q: severity %q, want %q", c.deployedBy, c.rule, got, c.want)
		}
	}
}

// TestRequireLockTimeoutFixFitsMax checks that the fix proposes no more
// than max-lock-timeout.
func TestRequireLockTimeoutFixFitsMax(t *testing.T) {
	fs := lintConfigured(t, exampleHistory, "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", func(cfg *lint.Config) error {
		if err := cfg.SetDeployedBy("prisma", "test"); err != nil {
			return err
		}
		return cfg.SetMaxLockTimeout("2s")
	})
	assertFinding(t, fs, "require-lock-timeout", "SET lock_timeout = '2s';")
}

// TestRequireLockTimeoutOncePerRun checks that a run reports the missing
// lock_timeout once, on the first migration, counting the others.
func TestRequireLockTimeoutOncePerRun(t *testing.T) {
	dir := t.TempDir()
	for i, sql := range []string{ruledoc.History, "ALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
		"ALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT;\n", "ALTER TABLE \"Post\" ADD COLUMN \"lede\" TEXT;\n"} {
		m := filepath.Join(dir, fmt.Sprintf("2024010100000%d_m", i))
		if err := os.MkdirAll(m, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(m, "migration.sql"), []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "migration_lock.toml"), []byte("provider = \"postgresql\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sets, err := migrations.Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg := lint.DefaultConfig()
	if err := cfg.SetDeployedBy("prisma@6.19.0", "test"); err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(sets, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []lint.Finding
	for _, f := range res.Findings {
		if f.Rule == "require-lock-timeout" {
			got = append(got, f)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0].File, "20240101000001_m") ||
		!strings.Contains(got[0].Message, "of 2 more migrations in this run") {
		t.Fatalf("want one finding on the first ALTER counting 2 more, got %s", dump(got))
	}
}
