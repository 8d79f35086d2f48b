package cli_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/rules"
)

// TestLintTimeoutFlags checks --deployed-by and --max-lock-timeout, and that
// they override migrate-guard.toml.
func TestLintTimeoutFlags(t *testing.T) {
	long := "SET lock_timeout = '30s';\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN     \"bio\" TEXT;\n"
	cases := []struct {
		name, last, config string
		args               []string
		want               int
		out, err           string
	}{
		{"migrate-guard deploys: no lock_timeout needed", clean, "", []string{"lint"}, 0, "no findings", ""},
		{"prisma deploys", clean, "", []string{"lint", "--deployed-by", "prisma"}, 1, "warning[require-lock-timeout]", ""},
		{"the flag overrides the file", clean, `deployed-by = "prisma"`, []string{"lint", "--deployed-by=migrate-guard"}, 0, "no findings", ""},
		{"the file", clean, `deployed-by = "other"`, []string{"lint"}, 1, "warning[require-lock-timeout]", ""},
		{"lock_timeout above the default maximum", long, "", []string{"lint"}, 1, "warning[lock-timeout-value]", ""},
		{"a higher maximum", long, "", []string{"lint", "--max-lock-timeout", "30s"}, 0, "no findings", ""},
		{"the flag overrides the file's maximum", long, `max-lock-timeout = "1min"`, []string{"lint", "--max-lock-timeout", "5s"}, 1, "lock-timeout-value", ""},
		{"bad deploy tool", clean, "", []string{"lint", "--deployed-by", "flyway"}, 2, "", "--deployed-by"},
		{"bad maximum", clean, "", []string{"lint", "--max-lock-timeout", "30 seconds"}, 2, "", "--max-lock-timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			timeoutProject(t, c.last, c.config)
			code, out, errOut := run(c.args...)
			if code != c.want || !strings.Contains(out, c.out) || !strings.Contains(errOut, c.err) {
				t.Errorf("exit %d, want %d; stdout should hold %q, stderr %q\nstdout:\n%s\nstderr:\n%s", code, c.want, c.out, c.err, out, errOut)
			}
		})
	}
}

// timeoutProject is project with only the timeout rules left to the
// configuration's defaults, so that deployed-by and max-lock-timeout decide.
func timeoutProject(t *testing.T, last, extra string) {
	t.Helper()
	root := project(t, last, "")
	var cfg strings.Builder
	cfg.WriteString(extra + "\n[rules]\n")
	for _, r := range rules.All() {
		if r != rules.RequireLockTimeout && r != rules.LockTimeoutValue {
			fmt.Fprintf(&cfg, "%s = \"off\"\n", r.ID)
		}
	}
	write(t, filepath.Join(root, "migrate-guard.toml"), cfg.String())
}
