package rules_test

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/lint"
)

func TestLockTimeoutValue(t *testing.T) {
	alter := "\n-- AlterTable\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n"
	runCases(t, "lock-timeout-value", []ruleCase{
		{name: "a minute", history: exampleHistory, sql: "SET lock_timeout = '1min';\n" + alter, want: []string{"1:20"}},
		{name: "zero turns it off", history: exampleHistory, sql: "SET lock_timeout = 0;\n" + alter, want: []string{"1:20"}},
		{name: "zero as a string, SET LOCAL in a transaction", history: exampleHistory,
			sql: "SET LOCAL lock_timeout TO '0';\n" + alter, want: []string{"1:27"}},
		{name: "one millisecond over the maximum", history: exampleHistory, sql: "SET lock_timeout = 10001;\n" + alter, want: []string{"1:20"}},
		{name: "a fraction over the maximum", history: exampleHistory, sql: "SET SESSION lock_timeout = '10.5s';\n" + alter, want: []string{"1:28"}},
		{name: "below a millisecond rounds to 0", history: exampleHistory, sql: "SET lock_timeout = '400us';\n" + alter, want: []string{"1:20"}},
		{name: "exactly the maximum", history: exampleHistory, sql: "SET lock_timeout = '10s';\n" + alter},
		{name: "the maximum in milliseconds", history: exampleHistory, sql: "SET lock_timeout = 10000;\n" + alter},
		{name: "a few seconds", history: exampleHistory, sql: "SET lock_timeout = '5s';\n" + alter},
		{name: "one millisecond", history: exampleHistory, sql: "SET lock_timeout = '1ms';\n" + alter},
		{name: "statement_timeout 0 is the default", history: exampleHistory, sql: "SET statement_timeout = 0;\n" + alter},
		{name: "a long statement_timeout bounds the work, not the wait", history: exampleHistory,
			sql: "SET statement_timeout = '1h';\nCREATE INDEX CONCURRENTLY \"Post_title_idx\" ON \"Post\"(\"title\");\n"},
		{name: "a value PostgreSQL rejects is not judged", history: exampleHistory, sql: "SET lock_timeout = '5 seconds';\n" + alter},
		{name: "SET LOCAL outside a transaction is left to set-local-outside-transaction",
			sql: "SET LOCAL lock_timeout = 0;\n"},
	})
}

func TestLockTimeoutValueMessages(t *testing.T) {
	fs := lintSQL(t, exampleHistory, "SET lock_timeout = 0;\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", 0)
	assertFinding(t, fs, "lock-timeout-value", "lock_timeout = 0 turns the lock timeout off", "migrate-guard deploy",
		"SET lock_timeout = '5s';", "prisma migrate dev --create-only")
	fs = lintSQL(t, exampleHistory, "SET LOCAL lock_timeout = '1.5min';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n", 0)
	assertFinding(t, fs, "lock-timeout-value", "lock_timeout = '1.5min'", "up to 90s", "max-lock-timeout (10s)",
		"SET LOCAL lock_timeout = '5s';")
}

// TestLockTimeoutValueMax checks max-lock-timeout on both sides, and that
// the fix stays within it.
func TestLockTimeoutValueMax(t *testing.T) {
	cases := []struct {
		max, value string
		flagged    bool
	}{
		{"2s", "'2s'", false},
		{"2s", "2001", true},
		{"1min", "'60s'", false},
		{"1min", "'61s'", true},
		{"500ms", "'0.5s'", false},
		{"500ms", "'1s'", true},
	}
	for _, c := range cases {
		fs := lintConfigured(t, exampleHistory, "SET lock_timeout = "+c.value+";\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
			func(cfg *lint.Config) error { return cfg.SetMaxLockTimeout(c.max) })
		if got := len(positions(fs, "lock-timeout-value")) > 0; got != c.flagged {
			t.Errorf("max %s, value %s: flagged %v, want %v", c.max, c.value, got, c.flagged)
		}
	}
	fs := lintConfigured(t, exampleHistory, "SET lock_timeout = '3s';\nALTER TABLE \"User\" ADD COLUMN \"bio\" TEXT;\n",
		func(cfg *lint.Config) error { return cfg.SetMaxLockTimeout("2s") })
	assertFinding(t, fs, "lock-timeout-value", "SET lock_timeout = '2s';", "max-lock-timeout (2s)")
}
