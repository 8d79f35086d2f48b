package lint_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/report"
	"github.com/migrate-guard/migrate-guard/stats"
)

// TestCorpusStatsWithoutTheTables: on the four shared Prisma histories, a
// stats file that knows none of their tables changes nothing in the output
// (no size, no estimate, no severity change), as if there were no stats.
func TestCorpusStatsWithoutTheTables(t *testing.T) {
	corpus := corpusDir(t)
	other, err := stats.Parse([]byte(`{"version":1,"tables":[{"schema":"elsewhere","name":"User","rows":50000000,
		"rows_source":"reltuples","heap_bytes":9000000000,"total_bytes":12000000000,"indexes":[]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"triggerdotdev__trigger.dev", "langfuse__langfuse", "hoppscotch__hoppscotch", "umami-software__umami"} {
		t.Run(name, func(t *testing.T) {
			var outs [2]bytes.Buffer
			for i, st := range []*stats.File{nil, other} {
				sets, err := migrations.Discover([]string{filepath.Join(corpus, name)})
				if err != nil {
					t.Fatal(err)
				}
				cfg := lint.DefaultConfig()
				cfg.Stats = st
				res, err := lint.Run(sets, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := report.JSON(&outs[i], res); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
				t.Error("a stats file without the history's tables changed the output")
			}
			if bytes.Contains(outs[0].Bytes(), []byte(`"impact"`)) {
				t.Error("findings carry an impact without stats")
			}
		})
	}
}

// TestConfigStats reads stats, small-table and large-table from
// migrate-guard.toml: the stats path is relative to the file, and bad
// values are one-line errors naming the key.
func TestConfigStats(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("prod.json", `{"version":1,"tables":[{"schema":"public","name":"User","rows":7,"rows_source":"reltuples","heap_bytes":8192,"total_bytes":16384,"indexes":[]}]}`)
	cfg, err := lint.LoadConfig(write("migrate-guard.toml", "stats = \"prod.json\"\nsmall-table = \"250ms\"\nlarge-table = \"2min\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Stats == nil || cfg.Stats.Table(catalog.Name{Schema: "public", Name: "User"}).Rows != 7 ||
		cfg.SmallTable != 250*time.Millisecond || cfg.LargeTable != 2*time.Minute {
		t.Errorf("config = %+v", cfg)
	}
	for content, want := range map[string]string{
		"small-table = \"soon\"\n":   "small-table: \"soon\" is not a positive duration",
		"large-table = \"-1s\"\n":    "large-table: \"-1s\" is not a positive duration",
		"stats = \"missing.json\"\n": "stats: " + filepath.Join(dir, "missing.json") + ": no such stats file",
	} {
		_, err := lint.LoadConfig(write("bad.toml", content))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %v, want one line with %q", content, err, want)
		}
	}
}

// TestStatsSeverity: the estimate sets a lock finding's severity, except
// where the finding also says the statement fails on existing data, and
// findings without a lock (or on tables the stats do not know) keep theirs.
func TestStatsSeverity(t *testing.T) {
	st, err := stats.Parse([]byte(`{"version":1,"tables":[
		{"schema":"public","name":"Small","rows":1000,"rows_source":"reltuples","heap_bytes":106496,"total_bytes":147456,"indexes":[]},
		{"schema":"public","name":"Big","rows":50000000,"rows_source":"reltuples","heap_bytes":6000000000,"total_bytes":8000000000,
		 "indexes":[{"name":"Big_pkey","bytes":2000000000,"method":"btree","unique":true}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	history := []lint.Text{{Path: "0.sql", SQL: []byte(`CREATE TABLE "Small" (id int PRIMARY KEY, a int, b int);
		CREATE TABLE "Big" (id int PRIMARY KEY, a int, b int); CREATE TABLE "Unknown" (id int PRIMARY KEY, a int);`)}}
	cases := []struct {
		sql, rule, want string
		sized           bool
	}{
		{`CREATE INDEX "i" ON "Small"("a");`, "require-concurrent-index", "notice", true},
		{`CREATE INDEX "i" ON "Big"("a");`, "require-concurrent-index", "error", true},
		{`CREATE INDEX "i" ON "Unknown"("a");`, "require-concurrent-index", "warning", false},
		{`ALTER TABLE "Small" ALTER COLUMN "a" SET NOT NULL;`, "set-not-null", "warning", true}, // it may fail: not lowered
		{`ALTER TABLE "Big" ALTER COLUMN "a" SET NOT NULL;`, "set-not-null", "warning", true},   // 50 M rows scanned in under a minute
		{`ALTER TABLE "Big" ALTER COLUMN "a" TYPE bigint;`, "column-type-rewrite", "error", true},
		{`ALTER TABLE "Small" ALTER COLUMN "a" TYPE bigint;`, "column-type-rewrite", "notice", true},
		{`ALTER TABLE "Small" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "Big"("id");`, "constraint-missing-not-valid", "warning", true},
		{`ALTER TABLE "Big" ADD COLUMN "c" int NOT NULL;`, "adding-required-column", "error", false},
	}
	for _, c := range cases {
		t.Run(c.sql, func(t *testing.T) {
			cfg := lint.DefaultConfig()
			cfg.Stats = st
			res, err := lint.RunText(history, lint.Text{Path: "1.sql", SQL: []byte(c.sql)}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got *lint.Finding
			for i := range res.Findings {
				if res.Findings[i].Rule == c.rule {
					got = &res.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("no %s finding in %+v", c.rule, res.Findings)
			}
			if got.Severity.String() != c.want || (got.Impact != nil) != c.sized {
				t.Errorf("severity %s, impact %+v; want %s, sized %v (%s)", got.Severity, got.Impact, c.want, c.sized, got.Message)
			}
		})
	}
}

// TestStatsRoleTimeout: require-lock-timeout says nothing when the stats
// snapshot's role gets a lock_timeout, and says the snapshot saw none
// otherwise.
func TestStatsRoleTimeout(t *testing.T) {
	for settings, want := range map[string]string{
		`{"lock_timeout":{"value":"5s","source":"role"}}`:  "",
		`{"lock_timeout":{"value":"0","source":"server"}}`: `(the stats snapshot shows no lock_timeout for role "deploy" on database "app" either)`,
	} {
		st, err := stats.Parse([]byte(`{"version":1,"database":"app","role":"deploy","settings":` + settings + `,"tables":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		cfg := lint.DefaultConfig()
		if err := cfg.SetDeployedBy("prisma", "test"); err != nil {
			t.Fatal(err)
		}
		cfg.Stats = st
		res, err := lint.RunText([]lint.Text{{Path: "0.sql", SQL: []byte(`CREATE TABLE "User" (id int, a int);`)}},
			lint.Text{Path: "1.sql", SQL: []byte(`ALTER TABLE "User" ADD COLUMN "b" int;`)}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range res.Findings {
			if f.Rule == "require-lock-timeout" {
				found = true
				if want == "" || !strings.Contains(f.Message, want) || f.Severity.String() != "warning" {
					t.Errorf("%s %q, want it to say %q", f.Severity, f.Message, want)
				}
			}
		}
		if !found && want != "" {
			t.Errorf("no require-lock-timeout finding: %+v", res.Findings)
		}
	}
}
