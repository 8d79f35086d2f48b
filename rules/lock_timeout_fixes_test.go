package rules_test

import (
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/rules"
)

// TestFixesFollowMaxLockTimeout lints every rule's Bad example with
// max-lock-timeout = "2s": no fix may propose a longer lock_timeout, so
// pasting a fix never draws lock-timeout-value.
func TestFixesFollowMaxLockTimeout(t *testing.T) {
	with := 0
	for _, r := range rules.All() {
		if r.Run == nil {
			continue
		}
		fs := lintConfigured(t, exampleHistory, r.Bad, func(cfg *lint.Config) error {
			for _, o := range rules.All() {
				if o.Severity == analysis.Off {
					cfg.Rules[o.ID] = analysis.Notice
				}
			}
			if r.ExampleRunner != "" {
				if err := cfg.SetDeployedBy(r.ExampleRunner, "test"); err != nil {
					return err
				}
			}
			return cfg.SetMaxLockTimeout("2s")
		})
		for _, f := range fs {
			if strings.Contains(f.Fix, "lock_timeout") {
				with++
			}
			if f.Rule == "set-local-outside-transaction" {
				continue // its fix keeps the file's own value, which lock-timeout-value judges
			}
			if strings.Contains(f.Fix, "lock_timeout = '5s'") || strings.Contains(f.Help, "lock_timeout = '5s'") {
				t.Errorf("%s: %s proposes 5s over max-lock-timeout 2s:\n%s", r.ID, f.Rule, f.Fix)
			}
		}
	}
	if with == 0 {
		t.Error("no fix sets a lock_timeout: the check proves nothing")
	}
}
