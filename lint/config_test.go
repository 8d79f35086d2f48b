package lint_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/execution"
	"github.com/migrate-guard/migrate-guard/lint"
)

func TestFindConfig(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "apps", "api", "prisma")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := lint.FindConfig(deep); strings.HasPrefix(got, root) {
		t.Fatalf("FindConfig found %s before any was written", got)
	}
	top := filepath.Join(root, lint.ConfigFile)
	writeFile(t, top, "fail-on = \"error\"\n")
	if got := lint.FindConfig(deep); got != top {
		t.Errorf("FindConfig(%s) = %q, want %q", deep, got, top)
	}
	nearer := filepath.Join(root, "apps", lint.ConfigFile)
	writeFile(t, nearer, "fail-on = \"error\"\n")
	if got := lint.FindConfig(deep); got != nearer {
		t.Errorf("FindConfig(%s) = %q, want the nearest %q", deep, got, nearer)
	}
	if got := lint.FindConfig(root); got != top {
		t.Errorf("FindConfig(%s) = %q, want %q", root, got, top)
	}
}

func TestFindConfigRelative(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, lint.ConfigFile), "fail-on = \"error\"\n")
	sub := filepath.Join(root, "db")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	got := lint.FindConfig(".")
	if got == "" {
		t.Fatal("FindConfig(\".\") did not look above the current directory")
	}
	if same(t, got, filepath.Join(root, lint.ConfigFile)) == false {
		t.Errorf("FindConfig(\".\") = %q", got)
	}
}

func same(t *testing.T, a, b string) bool {
	t.Helper()
	ia, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(ia, ib)
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, lint.ConfigFile)
	writeFile(t, p, `# migrate-guard settings
pg-version = 13
fail-on = "error"
migrations = ["prisma/migrations", "/abs/prisma/migrations"]
deployed-by = "prisma"
max-lock-timeout = "1.5s"

[rules]
adding-required-column = "warning"
unused-suppression = "off"
migration-lock = "ERROR"
`)
	cfg, err := lint.LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	want := &lint.Config{
		Path:       p,
		PGVersion:  13,
		FailOn:     analysis.Error,
		Migrations: []string{filepath.Join(dir, "prisma/migrations"), "/abs/prisma/migrations"},
		Rules: map[string]analysis.Severity{
			"adding-required-column": analysis.Warning,
			"unused-suppression":     analysis.Off,
			"migration-lock":         analysis.Error,
		},
		Runner:         execution.Runner{Kind: execution.Prisma, Source: lint.ConfigFile},
		MaxLockTimeout: 1500 * time.Millisecond,
		SmallTable:     lint.DefaultSmallTable,
		LargeTable:     lint.DefaultLargeTable,
		DeployOrder:    lint.DeployMigrateFirst,
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("LoadConfig =\n%+v\nwant\n%+v", cfg, want)
	}
}

func TestLoadConfigEmpty(t *testing.T) {
	p := filepath.Join(t.TempDir(), lint.ConfigFile)
	writeFile(t, p, "# nothing set\n")
	cfg, err := lint.LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	def := lint.DefaultConfig()
	if cfg.PGVersion != def.PGVersion || cfg.FailOn != def.FailOn || len(cfg.Rules) != 0 || len(cfg.Migrations) != 0 ||
		cfg.Runner != (execution.Runner{}) || cfg.MaxLockTimeout != 10*time.Second {
		t.Errorf("empty file gives %+v, want the defaults %+v", cfg, def)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	cases := []struct {
		name, toml string
		want       []string // substrings of the error, besides the file's path
	}{
		{"unknown top-level key", "pg-versoin = 15\n", []string{"pg-versoin"}},
		{"unknown table", "[rule]\nadding-required-column = \"off\"\n", []string{"rule.adding-required-column"}},
		{"unknown rule id", "[rules]\nadding-required-colum = \"off\"\n", []string{"rules.adding-required-colum", "unknown rule"}},
		{"bad severity value", "[rules]\nadding-required-column = \"fatal\"\n", []string{"rules.adding-required-column", `"fatal"`}},
		{"severity of the wrong type", "[rules]\nadding-required-column = 1\n", []string{"rules.adding-required-column"}},
		{"pg-version too old", "pg-version = 9\n", []string{"pg-version", "9"}},
		{"pg-version too new", "pg-version = 99\n", []string{"pg-version", "99"}},
		{"pg-version as a string", "pg-version = \"15\"\n", []string{"pg-version"}},
		{"bad fail-on", "fail-on = \"critical\"\n", []string{"fail-on", `"critical"`}},
		{"fail-on off is not a threshold", "fail-on = \"off\"\n", []string{"fail-on", `"off"`}},
		{"migrations not a list", "migrations = \"prisma/migrations\"\n", []string{"migrations"}},
		{"not TOML", "pg-version = \n", []string{":1"}},
		{"unknown deploy tool", "deployed-by = \"flyway\"\n", []string{"deployed-by", `"flyway"`, "prisma"}},
		{"deploy tool in capitals", "deployed-by = \"Prisma\"\n", []string{"deployed-by", `"Prisma"`}},
		{"max-lock-timeout without a valid unit", "max-lock-timeout = \"10 seconds\"\n", []string{"max-lock-timeout", `"10 seconds"`}},
		{"max-lock-timeout of 0", "max-lock-timeout = \"0\"\n", []string{"max-lock-timeout", "positive"}},
		{"max-lock-timeout as a number", "max-lock-timeout = 10000\n", []string{"max-lock-timeout"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), lint.ConfigFile)
			writeFile(t, p, c.toml)
			cfg, err := lint.LoadConfig(p)
			if err == nil {
				t.Fatalf("LoadConfig accepted %q: %+v", c.toml, cfg)
			}
			for _, w := range append([]string{p}, c.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadConfigMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), lint.ConfigFile)
	_, err := lint.LoadConfig(p)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("LoadConfig of a missing file: %v", err)
	}
}

func TestConfigSetters(t *testing.T) {
	cfg := lint.DefaultConfig()
	if cfg.PGVersion != lint.DefaultPGVersion || cfg.FailOn != analysis.Warning {
		t.Fatalf("defaults: %+v", cfg)
	}
	for _, v := range []int{10, 15, 17, 18} {
		if err := cfg.SetPGVersion(v); err != nil || cfg.PGVersion != v {
			t.Errorf("SetPGVersion(%d): %v, PGVersion %d", v, err, cfg.PGVersion)
		}
	}
	for _, v := range []int{0, 9, 19, -1} {
		if err := cfg.SetPGVersion(v); err == nil {
			t.Errorf("SetPGVersion(%d) accepted", v)
		}
	}
	for s, want := range map[string]analysis.Severity{"never": analysis.Off, "NEVER": analysis.Off, "error": analysis.Error, "warning": analysis.Warning, "notice": analysis.Notice} {
		if err := cfg.SetFailOn(s); err != nil || cfg.FailOn != want {
			t.Errorf("SetFailOn(%q): %v, FailOn %v", s, err, cfg.FailOn)
		}
	}
	for _, s := range []string{"", "off", "fatal"} {
		if err := cfg.SetFailOn(s); err == nil {
			t.Errorf("SetFailOn(%q) accepted", s)
		}
	}
	if err := cfg.SetRule("adding-required-column", "notice"); err != nil || cfg.Rules["adding-required-column"] != analysis.Notice {
		t.Errorf("SetRule: %v, %v", err, cfg.Rules)
	}
	if err := cfg.SetRule("no-such-rule", "off"); err == nil || !strings.Contains(err.Error(), "no-such-rule") {
		t.Errorf("SetRule of an unknown rule: %v", err)
	}
	if err := cfg.SetRule("adding-required-column", "loud"); err == nil || !strings.Contains(err.Error(), "loud") {
		t.Errorf("SetRule with a bad severity: %v", err)
	}
}

// TestRuleSeverityOverrides checks that a configured severity is what
// findings carry, and that off removes them.
func TestRuleSeverityOverrides(t *testing.T) {
	sql := "-- migrate-guard-ignore adding-required-column -- stale\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n\n-- AlterTable\nALTER TABLE \"Post\" ADD COLUMN \"slug\" TEXT NOT NULL;\n"
	cases := []struct {
		name  string
		rules map[string]analysis.Severity
		want  string // "rule severity" per finding
	}{
		{"defaults", nil, "unused-suppression warning\nadding-required-column error\n"},
		{"off removes findings", map[string]analysis.Severity{"adding-required-column": analysis.Off}, ""},
		{"engine rule off", map[string]analysis.Severity{"unused-suppression": analysis.Off}, "adding-required-column error\n"},
		{"error raises", map[string]analysis.Severity{"unused-suppression": analysis.Error}, "unused-suppression error\nadding-required-column error\n"},
		{"notice lowers", map[string]analysis.Severity{"adding-required-column": analysis.Notice}, "unused-suppression warning\nadding-required-column notice\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := stableConfig()
			for id, s := range c.rules {
				cfg.Rules[id] = s
			}
			var b strings.Builder
			for _, f := range lintLast(t, cfg, prismaHistory, sql) {
				b.WriteString(f.Rule + " " + f.Severity.String() + "\n")
			}
			if b.String() != c.want {
				t.Errorf("got\n%swant\n%s", b.String(), c.want)
			}
		})
	}
}

func TestFailed(t *testing.T) {
	res := func(sevs ...analysis.Severity) *lint.Result {
		r := &lint.Result{}
		for _, s := range sevs {
			r.Findings = append(r.Findings, lint.Finding{Rule: "adding-required-column", Severity: s})
		}
		return r
	}
	cases := []struct {
		failOn string
		res    *lint.Result
		want   bool
	}{
		{"warning", res(), false},
		{"warning", res(analysis.Notice), false},
		{"warning", res(analysis.Warning), true},
		{"warning", res(analysis.Notice, analysis.Error), true},
		{"error", res(analysis.Warning, analysis.Notice), false},
		{"error", res(analysis.Error), true},
		{"notice", res(analysis.Notice), true},
		{"notice", res(), false},
		{"never", res(analysis.Error, analysis.Error), false},
		{"never", res(), false},
	}
	for _, c := range cases {
		cfg := lint.DefaultConfig()
		if err := cfg.SetFailOn(c.failOn); err != nil {
			t.Fatal(err)
		}
		if got := c.res.Failed(cfg); got != c.want {
			t.Errorf("fail-on %s with %d findings: Failed = %v, want %v", c.failOn, len(c.res.Findings), got, c.want)
		}
	}
	if got := res(analysis.Notice, analysis.Warning, analysis.Error).Count(analysis.Warning); got != 2 {
		t.Errorf("Count(warning) = %d, want 2", got)
	}
}

func TestTimeoutSettings(t *testing.T) {
	cfg := lint.DefaultConfig()
	for s, want := range map[string]time.Duration{"10s": 10 * time.Second, "500": 500 * time.Millisecond, "2min": 2 * time.Minute, "1ms": time.Millisecond} {
		if err := cfg.SetMaxLockTimeout(s); err != nil || cfg.MaxLockTimeout != want {
			t.Errorf("SetMaxLockTimeout(%q): %v, MaxLockTimeout %v, want %v", s, err, cfg.MaxLockTimeout, want)
		}
	}
	for _, s := range []string{"", "0", "0s", "10 sec", "-5s", "10S"} {
		if err := cfg.SetMaxLockTimeout(s); err == nil {
			t.Errorf("SetMaxLockTimeout(%q) accepted", s)
		}
	}
	for _, s := range []string{"migrate-guard", "prisma", "prisma@7.8.0", "prisma@6", "other"} {
		if err := cfg.SetDeployedBy(s, "--deployed-by"); err != nil || cfg.Runner.String() != strings.Replace(s, "@6", "@6.0.0", 1) ||
			cfg.Runner.Source != "--deployed-by" {
			t.Errorf("SetDeployedBy(%q): %v, runner %+v", s, err, cfg.Runner)
		}
	}
	for _, s := range []string{"atlas", "prisma@seven", "other@1.0", "prisma@"} {
		if err := cfg.SetDeployedBy(s, "--deployed-by"); err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("SetDeployedBy(%q): %v", s, err)
		}
	}
}

// TestLoadConfigKeepsCause checks that a configuration file that cannot be
// read fails with an error that keeps the operating system's cause.
func TestLoadConfigKeepsCause(t *testing.T) {
	_, err := lint.LoadConfig(t.TempDir()) // a directory: reading it fails
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("LoadConfig(dir) = %v, want an error wrapping *fs.PathError", err)
	}
}
