package trace_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/trace"
)

// corpusRows is the rows per table of the corpus traces: lock modes and
// rewrites do not depend on the count, only on there being rows.
const corpusRows = 100

// rewriteRules are the static rules whose finding predicts a table rewrite
// (new storage for a table with rows).
var rewriteRules = map[string]bool{
	"adding-identity-column": true, "adding-serial-column": true, "adding-stored-generated-column": true,
	"column-type-rewrite": true, "enum-value-removal": true, "set-logged-unlogged": true, "set-tablespace": true,
	"vacuum-full-or-cluster": true, "volatile-default": true, "truncate-table": true,
}

// syntheticArtifacts are corpus migrations that fail on the synthetic rows
// and would not on the project's real data, with why.
var syntheticArtifacts = map[string]string{
	"20250519145128_resize_dashboard_y_axis_components": "it rewrites dashboards.definition->'widgets', which real " +
		"dashboards always have and the synthetic JSON ({\"n\": 1}) lacks, so jsonb_set yields NULL for a NOT NULL column",
}

func corpusDir(t *testing.T) string { return corpusDirB(t) }

func corpusDirB(t testing.TB) string {
	t.Helper()
	dir := "/work/shared/corpus"
	if wd, err := os.Getwd(); err == nil {
		if d := filepath.Join(wd, "..", "..", "shared", "corpus"); isDir(d) {
			dir = d
		}
	}
	if !isDir(dir) {
		t.Skipf("!!! SKIPPING the trace corpus agreement test: %s is absent. Nothing was traced. !!!", dir)
	}
	return dir
}

func isDir(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

// TestCorpusAgreement traces the newest 50 migrations of each shared Prisma
// history, as a pull request's pending migrations, and compares statement
// by statement the static model's lock modes (locks.Of) and rewrites (the
// rewrite rules' findings) with what PostgreSQL did. trace-unpredicted must
// stay at zero: a blocking scan or rewrite no static rule flagged is a gap.
func TestCorpusAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("traces real histories: minutes")
	}
	corpus := corpusDir(t)
	for _, c := range []struct {
		name   string
		newest int // 0: the whole history
	}{
		{"umami-software__umami", 50}, {"hoppscotch__hoppscotch", 50}, {"langfuse__langfuse", 50},
		{"triggerdotdev__trigger.dev", 50}, {"langfuse__langfuse", 0},
	} {
		name := c.name
		if c.newest == 0 {
			name += "/whole"
		}
		t.Run(name, func(t *testing.T) {
			sets := newest(t, filepath.Join(corpus, c.name), c.newest)
			res, err := trace.Run(context.Background(), sets, trace.Options{URL: pgtest.NewDatabase(t), Rows: corpusRows, KeepGoing: true})
			if err != nil {
				t.Fatal(err)
			}
			a := agreement(t, res)
			t.Logf("%d statements traced; locks agree on %d (%.1f%%; %d exactly, the others covered by a lock their transaction held), "+
				"%d differ for an explained reason, %d unexplained; rewrites agree on %d; %d unfilled tables", a.statements, a.locksAgree,
				pct(a.locksAgree, a.statements), a.locksExact, a.locksExplained, a.statements-a.locksAgree-a.locksExplained,
				a.rewritesAgree, len(res.Unfilled))
			if n := a.statements - a.locksAgree - a.locksExplained; n > 0 {
				t.Errorf("%d statements whose observed locks the static model does not explain", n)
			}
			if a.rewritesAgree != a.statements {
				t.Errorf("%d statements whose rewrite the static model got wrong", a.statements-a.rewritesAgree)
			}
			for _, u := range res.Unfilled {
				t.Logf("left empty: %s: %s", u.Table, u.Reason)
			}
			for _, f := range res.Findings {
				switch {
				case f.Rule == trace.RuleUnpredicted:
					t.Errorf("%s:%d: %s: %s", f.File, f.Line, f.Rule, f.Message)
				case f.Rule == trace.RuleFailed && syntheticArtifacts[filepath.Base(filepath.Dir(f.File))] != "":
					t.Logf("%s:%d: failed on the synthetic rows only: %s", f.File, f.Line, syntheticArtifacts[filepath.Base(filepath.Dir(f.File))])
				case f.Rule == trace.RuleFailed && !strings.Contains(f.Message, "Static rule"):
					t.Errorf("%s:%d: failed and no static rule predicted it: %s", f.File, f.Line, f.Message)
				case f.Rule == trace.RuleFailed:
					t.Logf("%s:%d: failed on the rows, as the static model predicted: %s", f.File, f.Line, f.Message)
				}
			}
		})
	}
}

// newestB returns the set of dir with its newest migration named.
func newestB(t testing.TB, dir string) []*migrations.Set { return newest(t, dir, 1) }

// newest returns the set of dir with its newest n migrations named, or
// all of them for n == 0.
func newest(t testing.TB, dir string, n int) []*migrations.Set {
	t.Helper()
	sets, err := migrations.Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return sets
	}
	ms := sets[0].Migrations
	var paths []string
	for _, m := range ms[max(0, len(ms)-n):] {
		paths = append(paths, m.Path)
	}
	if sets, err = migrations.Discover(paths); err != nil {
		t.Fatal(err)
	}
	return sets
}

type agreed struct{ statements, locksExact, locksAgree, locksExplained, rewritesAgree int }

// explained says why the static and observed locks of a statement may
// differ without the static model being wrong about what blocks traffic,
// or returns "":
//   - a table predicted but not observed at all is a temporary table (the
//     trace watches the persistent schemas only; no other session can wait
//     for a temporary table);
//   - a ROW SHARE observed on a table the model does not name is the
//     SELECT ... FOR KEY SHARE of a foreign key's check on the referenced
//     table (the model lists the tables a statement names), which blocks
//     only EXCLUSIVE and ACCESS EXCLUSIVE.
func explained(static, observed, held map[string]locks.Mode, sampled bool) string {
	var why []string
	for rel, m := range static {
		switch {
		case observed[rel] == m || observed[rel] <= m && max(observed[rel], held[rel]) >= m:
		case observed[rel] == locks.None && held[rel] == locks.None && !sampled: // a sampled statement's locks are never missed
			why = append(why, "temporary table "+rel)
		default:
			return ""
		}
	}
	for rel, m := range observed {
		if _, ok := static[rel]; ok {
			continue
		}
		if m != locks.RowShare && m != locks.AccessShare {
			return ""
		}
		why = append(why, "foreign key check on "+rel)
	}
	return strings.Join(why, ", ")
}

// agreement compares each statement's observed locks and rewrites with the
// static model's, logging every disagreement.
func agreement(t *testing.T, res *trace.Result) agreed {
	var a agreed
	fileRewrites, fileFailed := map[string][]string{}, map[string]bool{}
	for _, st := range res.Statements {
		fileRewrites[st.File] = append(fileRewrites[st.File], rewrittenTables(st)...)
		fileFailed[st.File] = fileFailed[st.File] || st.Error != nil
	}
	for _, st := range res.Statements {
		if st.Error != nil {
			continue
		}
		a.statements++
		static := map[string]locks.Mode{}
		for _, l := range st.Predicted {
			rel := l.Table.Schema + "." + l.Table.Name
			if l.Table.Schema == "" {
				rel = "public." + l.Table.Name
			}
			static[rel] = max(static[rel], l.Mode)
		}
		observed := tableModes(st, st.Locks)
		held := tableModes(st, st.HeldBefore)
		// In a transaction block a statement whose table is locked already
		// (by an earlier statement, in a stronger mode) shows only the modes
		// it newly takes: that agrees when the held lock covers the
		// prediction and nothing stronger than predicted was taken.
		exact, ok := true, true
		for rel, m := range static {
			if observed[rel] != m {
				exact = false
			}
			if observed[rel] > m || max(observed[rel], held[rel]) < m {
				ok = false
			}
		}
		for rel := range observed {
			if _, predicted := static[rel]; !predicted && st.RowsOf[rel] > 0 {
				exact, ok = false, false
			}
		}
		if exact {
			a.locksExact++
		}
		why := ""
		if !ok {
			why = explained(static, observed, held, st.Sampled)
		}
		switch {
		case ok:
			a.locksAgree++
		case why != "":
			a.locksExplained++
			t.Logf("explained lock disagreement %s:%d (%s): static %v, observed %v", st.File, st.Line, why, static, observed)
		default:
			t.Logf("lock disagreement %s:%d: static %v, observed %v (held before %v): %.120s", st.File, st.Line, static, observed, held, st.SQL)
		}
		// A rewrite rule flags a statement of its file: the one that
		// rewrites, or, for an enum swap, the CREATE TYPE where the swap
		// starts, naming the tables a later ALTER COLUMN ... TYPE rewrites.
		rewrote := rewrittenTables(st)
		here, named := false, false
		for _, f := range st.Static {
			if !rewriteRules[f.Rule] {
				continue
			}
			onLines := f.Line >= st.Line && f.Line <= st.EndLine
			here = here || onLines
			for _, tbl := range rewrote {
				named = named || strings.Contains(f.Message, quotedRel(tbl))
			}
			if onLines && len(rewrote) == 0 {
				for _, tbl := range fileRewrites[st.File] {
					named = named || strings.Contains(f.Message, quotedRel(tbl))
				}
			}
		}
		// A predicted rewrite is not seen when its file failed first (an
		// enum swap failing on a removed value, itself the rule's warning).
		if len(rewrote) > 0 && (here || named) || len(rewrote) == 0 && (!here || named || fileFailed[st.File]) {
			a.rewritesAgree++
		} else {
			t.Logf("rewrite disagreement %s:%d: predicted here %v, observed %v: %.120s", st.File, st.Line, here, rewrote, st.SQL)
		}
	}
	return a
}

// rewrittenTables are the tables with rows a statement rewrote.
func rewrittenTables(st *trace.Statement) []string {
	var out []string
	for _, r := range st.Rewritten {
		if _, isIndex := st.TableOf[r]; !isIndex && st.RowsOf[r] > 0 {
			out = append(out, r)
		}
	}
	return out
}

// quotedRel writes public.User as messages quote it: "User".
func quotedRel(rel string) string {
	schema, name, _ := strings.Cut(rel, ".")
	if schema == "public" {
		return `"` + name + `"`
	}
	return `"` + schema + `"."` + name + `"`
}

// tableModes is the strongest mode on each table, an index's lock counting
// for its table.
func tableModes(st *trace.Statement, ls []trace.Lock) map[string]locks.Mode {
	out := map[string]locks.Mode{}
	for _, l := range ls {
		rel := l.Relation
		if tbl, ok := st.TableOf[rel]; ok {
			rel = tbl
		}
		for m := locks.AccessShare; m <= locks.AccessExclusive; m++ {
			if m.PGName() == l.Mode {
				out[rel] = max(out[rel], m)
			}
		}
	}
	return out
}

func pct(n, d int) float64 {
	if d == 0 {
		return 100
	}
	return 100 * float64(n) / float64(d)
}
