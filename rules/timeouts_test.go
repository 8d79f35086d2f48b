package rules_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/rules"
)

// timeoutValues are lock_timeout values as migrations write them, with
// PostgreSQL's reading in milliseconds, or -1 when it rejects them.
var timeoutValues = []struct {
	in string
	ms int64
}{
	{"5s", 5000}, {"5000", 5000}, {"0", 0}, {"10min", 600000}, {"1.5min", 90000}, {"2h", 7200000}, {"1d", 86400000},
	{"250ms", 250}, {" 5 s ", 5000}, {"1500us", 2}, {"400us", 0}, {"1.0004s", 1000}, {".5s", 500}, {"5.", 5},
	{"1e3", 1000}, {"1e3ms", 1000}, {"0x10", 16}, {"010", 8}, {"+5s", 5000}, {"2.5", 2}, {"3.5", 4}, {"1.5d", 129600000},
	{"5S", -1}, {"5 seconds", -1}, {"5sec", -1}, {"mins", -1}, {"", -1}, {"-1", -1}, {"08", -1}, {"5 s x", -1},
	{"3000000000", -1}, {"1e", -1}, {"inf", -1}, {"s", -1},
}

func TestParseTimeout(t *testing.T) {
	for _, c := range timeoutValues {
		d, ok := rules.ParseTimeout(c.in)
		if c.ms < 0 {
			if ok {
				t.Errorf("ParseTimeout(%q) = %v, want rejected", c.in, d)
			}
			continue
		}
		if !ok || d != time.Duration(c.ms)*time.Millisecond {
			t.Errorf("ParseTimeout(%q) = %v, %v; want %dms", c.in, d, ok, c.ms)
		}
	}
}

// TestParseTimeoutOnPostgres holds ParseTimeout to what a real server makes
// of each value.
func TestParseTimeoutOnPostgres(t *testing.T) {
	conn := pgtest.Connect(t, pgtest.NewDatabase(t))
	ctx := context.Background()
	for _, c := range timeoutValues {
		_, err := conn.Exec(ctx, "SET lock_timeout = '"+strings.ReplaceAll(c.in, "'", "''")+"'")
		if c.ms < 0 {
			if err == nil {
				t.Errorf("PostgreSQL accepts lock_timeout %q, which the table says it rejects", c.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("PostgreSQL rejects lock_timeout %q: %v", c.in, err)
			continue
		}
		var ms int64
		if err := conn.QueryRow(ctx, "SELECT setting::bigint FROM pg_settings WHERE name = 'lock_timeout'").Scan(&ms); err != nil {
			t.Fatal(err)
		}
		if ms != c.ms {
			t.Errorf("PostgreSQL reads lock_timeout %q as %dms, the table says %dms", c.in, ms, c.ms)
		}
	}
}
