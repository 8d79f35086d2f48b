package rules_test

import (
	"fmt"
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
)

// lintConfigured lints sql after history under the default configuration
// as changed by set, and returns all findings: for rules that read
// settings other than their severity.
func lintConfigured(t *testing.T, history []string, sql string, set func(*lint.Config) error) []lint.Finding {
	t.Helper()
	cfg := lint.DefaultConfig()
	if err := set(cfg); err != nil {
		t.Fatal(err)
	}
	texts := make([]lint.Text, len(history))
	for i, h := range history {
		texts[i] = lint.Text{Path: fmt.Sprintf("%04d.sql", i), SQL: []byte(h)}
	}
	res, err := lint.RunText(texts, lint.Text{Path: "migration.sql", SQL: []byte(sql)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}
