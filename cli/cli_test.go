package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/cli"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/internal/testbin"
	"github.com/migrate-guard/migrate-guard/ruledoc"
	"github.com/migrate-guard/migrate-guard/rules"
)

// binary is the real migrate-guard, built once by TestMain for end-to-end
// runs; "" when it could not be built.
var binary string

func TestMain(m *testing.M) {
	var err error
	if binary, err = testbin.Build(); err != nil {
		fmt.Fprintln(os.Stderr, "cli tests:", err)
		os.Exit(1)
	}
	code := pgtest.Main(m) // the trace tests need a server
	testbin.Cleanup()
	os.Exit(code)
}

// stable are the rules these tests rely on; the configuration written by
// project() turns every other rule off, so that rules added later do not
// change the exit codes expected here.
var stable = map[string]bool{
	"adding-required-column": true,
	"syntax-error":           true,
	"invalid-suppression":    true,
	"unused-suppression":     true,
	"migration-lock":         true,
}

const history = `-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`

const (
	clean    = "-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"bio\" TEXT;\n"
	required = "/*\n  Warnings:\n\n  - Added the required column `handle` to the `User` table without a default value. This is not possible if the table is not empty.\n\n*/\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"handle\" TEXT NOT NULL;\n"
	stale    = "-- migrate-guard-ignore adding-required-column -- not needed\nALTER TABLE \"User\" ADD COLUMN     \"bio\" TEXT;\n"
)

// project writes a project in a temporary directory: migrate-guard.toml
// (turning off the rules outside stable, plus extra lines) and a Prisma
// history prisma/migrations whose last migration is last. It changes into
// the directory and returns it.
func project(t *testing.T, last, extra string) string {
	t.Helper()
	root := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString(extra + "\n[rules]\n")
	for _, r := range rules.All() {
		if !stable[r.ID] {
			fmt.Fprintf(&cfg, "%s = \"off\"\n", r.ID)
		}
	}
	write(t, filepath.Join(root, "migrate-guard.toml"), cfg.String())
	migs := filepath.Join(root, "prisma", "migrations")
	write(t, filepath.Join(migs, "migration_lock.toml"), "provider = \"postgresql\"\n")
	write(t, filepath.Join(migs, "20240101000000_init", "migration.sql"), history)
	write(t, filepath.Join(migs, "20240201000000_next", "migration.sql"), last)
	t.Chdir(root)
	return root
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// run calls cli.Main with buffers.
func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = cli.Main(args, &o, &e)
	return code, o.String(), e.String()
}

func TestLintExitCodes(t *testing.T) {
	cases := []struct {
		name string
		last string // the migration under test
		args []string
		want int
		out  string // in stdout
		err  string // in stderr
	}{
		{"clean", clean, []string{"lint"}, 0, "no findings in 2 files", ""},
		{"clean, explicit dir", clean, []string{"lint", "prisma/migrations"}, 0, "no findings", ""},
		{"finding", required, []string{"lint"}, 1, "error[adding-required-column]", ""},
		{"one file, history as context", required, []string{"lint", "prisma/migrations/20240201000000_next/migration.sql"}, 1, "in 1 file", ""},
		{"warning fails by default", stale, []string{"lint"}, 1, "warning[unused-suppression]", ""},
		{"fail-on error ignores warnings", stale, []string{"lint", "--fail-on", "error"}, 0, "warning[unused-suppression]", ""},
		{"fail-on never", required, []string{"lint", "--fail-on", "never"}, 0, "error[adding-required-column]", ""},
		{"fail-on=never", required, []string{"lint", "--fail-on=never"}, 0, "error[adding-required-column]", ""},
		{"rule off", required, []string{"lint", "--rule", "adding-required-column=off"}, 0, "no findings", ""},
		{"rule lowered to notice", required, []string{"lint", "--rule", "adding-required-column=notice"}, 0, "notice[adding-required-column]", ""},
		{"rule raised to error", stale, []string{"lint", "--rule", "unused-suppression=error", "--fail-on", "error"}, 1, "error[unused-suppression]", ""},
		{"repeated rule flags", required, []string{"lint", "--rule", "adding-required-column=off", "--rule", "unused-suppression=off"}, 0, "no findings", ""},
		{"flags after paths", required, []string{"lint", "prisma/migrations", "--fail-on", "never", "--format", "json"}, 0, `"rule": "adding-required-column"`, ""},
		{"pg-version", required, []string{"lint", "--pg-version", "13"}, 1, "adding-required-column", ""},
		{"json", required, []string{"lint", "--format", "json"}, 1, `"version": 1`, ""},
		{"text", clean, []string{"lint", "--format", "text"}, 0, "no findings", ""},
		{"flags before --", clean, []string{"lint", "--fail-on", "never", "--", "prisma/migrations"}, 0, "no findings", ""},
		{"no flags after --", clean, []string{"lint", "--", "prisma/migrations", "--format=json"}, 2, "", "--format=json: no such file"},

		{"bad flag", clean, []string{"lint", "--nope"}, 2, "", "-nope"},
		{"bad flag after a path", clean, []string{"lint", "prisma/migrations", "--nope"}, 2, "", "-nope"},
		{"bad format", clean, []string{"lint", "--format", "bogus"}, 2, "", `"bogus"`},
		{"bad fail-on", clean, []string{"lint", "--fail-on", "sometimes"}, 2, "", "--fail-on"},
		{"bad pg-version", clean, []string{"lint", "--pg-version", "9"}, 2, "", "--pg-version"},
		{"pg-version not a number", clean, []string{"lint", "--pg-version", "fifteen"}, 2, "", "-pg-version"},
		{"bad rule flag", clean, []string{"lint", "--rule", "adding-required-column"}, 2, "", "id=severity"},
		{"unknown rule", clean, []string{"lint", "--rule", "no-such-rule=off"}, 2, "", "no-such-rule"},
		{"bad rule severity", clean, []string{"lint", "--rule", "adding-required-column=fatal"}, 2, "", `"fatal"`},
		{"missing path", clean, []string{"lint", "does/not/exist"}, 2, "", "does/not/exist"},
		{"not a migrations dir", clean, []string{"lint", "prisma/migrations/migration_lock.toml"}, 2, "", "migration_lock.toml"},
		{"missing config", clean, []string{"lint", "--config", "nope.toml"}, 2, "", "nope.toml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			project(t, c.last, "")
			code, out, errOut := run(c.args...)
			if code != c.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.want, out, errOut)
			}
			if !strings.Contains(out, c.out) {
				t.Errorf("stdout does not hold %q:\n%s", c.out, out)
			}
			if !strings.Contains(errOut, c.err) {
				t.Errorf("stderr does not hold %q:\n%s", c.err, errOut)
			}
			if c.want == 2 && out != "" {
				t.Errorf("usage error printed to stdout:\n%s", out)
			}
			if c.want != 2 && errOut != "" {
				t.Errorf("unexpected stderr:\n%s", errOut)
			}
		})
	}
}

func TestLintJSON(t *testing.T) {
	project(t, required, "")
	code, out, _ := run("lint", "--format", "json", "prisma/migrations")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Version  int
		Files    int
		Findings []struct {
			File, Rule, Severity string
			Line, Column         int
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	want := filepath.Join("prisma", "migrations", "20240201000000_next", "migration.sql")
	if doc.Version != 1 || doc.Files != 2 || len(doc.Findings) != 1 || doc.Findings[0].File != want ||
		doc.Findings[0].Line != 8 || doc.Findings[0].Column != 20 || doc.Findings[0].Severity != "error" {
		t.Errorf("JSON report: %+v", doc)
	}
}

func TestLintConfig(t *testing.T) {
	t.Run("bad config found from the working directory", func(t *testing.T) {
		root := project(t, clean, "fail-onn = \"error\"")
		code, _, errOut := run("lint")
		if code != 2 || !strings.Contains(errOut, "fail-onn") || !strings.Contains(errOut, "migrate-guard.toml") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
		t.Chdir(filepath.Join(root, "prisma"))
		if code, _, errOut := run("lint", "migrations"); code != 2 || !strings.Contains(errOut, "fail-onn") {
			t.Errorf("from a subdirectory: exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("bad value", func(t *testing.T) {
		project(t, clean, "pg-version = 8")
		if code, _, errOut := run("lint"); code != 2 || !strings.Contains(errOut, "pg-version") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("config settings apply, flags override them", func(t *testing.T) {
		project(t, required, "fail-on = \"never\"")
		if code, _, _ := run("lint"); code != 0 {
			t.Errorf("fail-on = never in the config: exit %d", code)
		}
		if code, _, _ := run("lint", "--fail-on", "error"); code != 1 {
			t.Errorf("--fail-on error over the config: exit %d", code)
		}
	})
	t.Run("explicit --config", func(t *testing.T) {
		root := project(t, required, "")
		write(t, filepath.Join(root, "strict.toml"), "fail-on = \"never\"\n")
		if code, out, errOut := run("lint", "--config", "strict.toml"); code != 0 {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("migrations dirs from the config, relative to it", func(t *testing.T) {
		root := project(t, required, "migrations = [\"prisma/migrations\"]")
		write(t, filepath.Join(root, "docs", "README"), "")
		t.Chdir(filepath.Join(root, "docs"))
		code, out, errOut := run("lint")
		if code != 1 || !strings.Contains(out, "adding-required-column") {
			t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if want := filepath.Join("..", "prisma", "migrations", "20240201000000_next", "migration.sql"); !strings.Contains(out, "--> "+want+":8:20") {
			t.Errorf("findings do not name %s relative to the working directory:\n%s", want, out)
		}
	})
	t.Run("no migrations to lint", func(t *testing.T) {
		t.Chdir(t.TempDir())
		code, out, errOut := run("lint")
		if code != 2 || out != "" || !strings.Contains(errOut, "prisma/migrations") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
}

func TestHelp(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, name := range []string{"lint", "deploy", "status", "resolve", "drift", "rules", "version"} {
		for _, flag := range []string{"--help", "-h", "-help"} {
			t.Run(name+" "+flag, func(t *testing.T) {
				code, out, errOut := run(name, flag)
				if code != 0 {
					t.Errorf("exit %d, stderr %q", code, errOut)
				}
				if !strings.Contains(out, "Usage: migrate-guard "+name) {
					t.Errorf("stdout does not hold the usage:\n%s\nstderr:\n%s", out, errOut)
				}
			})
		}
	}
	t.Run("lint --help lists the flags", func(t *testing.T) {
		_, out, _ := run("lint", "--help")
		for _, f := range []string{"-format", "-config", "-pg-version", "-fail-on", "-rule"} {
			if !strings.Contains(out, f) {
				t.Errorf("usage does not list %s:\n%s", f, out)
			}
		}
	})
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, out, _ := run(args...)
		if code != 0 || !strings.Contains(out, "Commands:") {
			t.Errorf("%v: exit %d, stdout:\n%s", args, code, out)
		}
		for _, c := range []string{"lint", "deploy", "status", "resolve", "drift", "rules", "version"} {
			if !strings.Contains(out, "  "+c+" ") {
				t.Errorf("%v: usage does not list %s", args, c)
			}
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := []struct {
		args []string
		err  string
	}{
		{nil, "Usage: migrate-guard"},
		{[]string{"lnt"}, `"lnt"`},
		{[]string{"--nope"}, `"--nope"`},
		{[]string{"rules", "--nope"}, "-nope"},
		{[]string{"version", "--nope"}, "-nope"},
		{[]string{"version", "extra"}, "extra"},
		{[]string{"deploy", "a", "b"}, "one migrations directory"},
		{[]string{"resolve"}, "--applied"},
	}
	for _, c := range cases {
		code, out, errOut := run(c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.err) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want 2, nothing, %q)", c.args, code, out, errOut, c.err)
		}
	}
}

func TestRules(t *testing.T) {
	code, out, errOut := run("rules")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	all := rules.All()
	if len(lines) != len(all) {
		t.Errorf("%d lines for %d rules:\n%s", len(lines), len(all), out)
	}
	for i, r := range all {
		if i < len(lines) && (strings.Fields(lines[i])[0] != r.ID || !strings.Contains(lines[i], r.Summary) || !strings.Contains(lines[i], r.Severity.String())) {
			t.Errorf("line %d %q does not list %s", i, lines[i], r.ID)
		}
	}
	for _, r := range all {
		t.Run(r.ID, func(t *testing.T) {
			code, out, errOut := run("rules", r.ID)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			page, err := ruledoc.Page(r)
			if err != nil {
				t.Fatal(err)
			}
			if out != page {
				t.Errorf("rules %s does not print the rule's documentation page", r.ID)
			}
			wants := []string{"# " + r.ID, r.Doc, "-- migrate-guard-ignore " + r.ID}
			if ruledoc.AboutHistory(r) {
				// Findings about the history itself are silenced in the configuration only.
				wants[2] = r.ID + ` = "off"`
				if strings.Contains(out, "-- migrate-guard-ignore") {
					t.Errorf("page offers a suppression comment, which cannot silence this rule:\n%s", out)
				}
			}
			for _, want := range wants {
				if !strings.Contains(out, want) {
					t.Errorf("page does not hold %q:\n%s", want, out)
				}
			}
			if r.Bad != "" && !strings.Contains(out, strings.Split(r.Bad, "\n")[0]) {
				t.Errorf("page does not show the flagged example:\n%s", out)
			}
		})
	}
	if code, out, errOut := run("rules", "no-such-rule"); code != 2 || out != "" || !strings.Contains(errOut, "no-such-rule") {
		t.Errorf("unknown rule: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ := run("rules", "adding-required-column", "syntax-error"); code != 0 || !strings.Contains(out, "# adding-required-column") || !strings.Contains(out, "# syntax-error") {
		t.Errorf("two rules: exit %d\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := run("version")
	if code != 0 || out != "migrate-guard "+cli.Version+"\n" || errOut != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestBinary runs the real binary: exit codes reach the shell, and output to
// a pipe (not a terminal) has no colour, with or without NO_COLOR.
func TestBinary(t *testing.T) {
	root := project(t, required, "")
	for _, c := range []struct {
		name string
		args []string
		env  []string
		want int
	}{
		{"findings", []string{"lint"}, nil, 1},
		{"findings, NO_COLOR", []string{"lint"}, []string{"NO_COLOR=1"}, 1},
		{"findings, TERM set", []string{"lint"}, []string{"TERM=xterm-256color", "CLICOLOR_FORCE=1"}, 1},
		{"fail-on never", []string{"lint", "prisma/migrations", "--fail-on", "never"}, nil, 0},
		{"usage error", []string{"lint", "--format", "bogus"}, nil, 2},
		{"unknown command", []string{"frobnicate"}, nil, 2},
		{"version", []string{"version"}, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(binary, c.args...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), c.env...)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.want, out.String(), errOut.String())
			}
			if bytes.Contains(out.Bytes(), []byte("\x1b[")) || bytes.Contains(errOut.Bytes(), []byte("\x1b[")) {
				t.Errorf("escape codes in output to a pipe:\n%q", out.String())
			}
		})
	}
}
