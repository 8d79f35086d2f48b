package trace

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/locks"
)

// The trace's finding ids.
const (
	RuleFailed      = "trace-failed"      // the statement failed on the synthetic rows
	RuleRewrite     = "trace-rewrite"     // it rewrote a table with rows
	RuleLongLock    = "trace-long-lock"   // it held a lock blocking reads or writes on a table with rows too long
	RuleUnpredicted = "trace-unpredicted" // it locked or rewrote as above and no static rule flagged it
)

// predictive are the static rules whose finding on a statement predicts a
// slow lock (a scan, a build, a rewrite, a wait) or a failure there; the
// others (naming, suppressions, timeouts, style, history) predict nothing
// the trace can observe.
var predictive = map[string]bool{
	"adding-identity-column": true, "adding-required-column": true, "adding-serial-column": true,
	"adding-stored-generated-column": true, "backfill-in-migration": true, "column-type-rewrite": true,
	"constraint-missing-not-valid": true, "drop-primary-key": true, "enum-value-removal": true,
	"exclusion-constraint": true, "lock-table": true, "long-access-exclusive": true, "many-access-exclusive": true,
	"non-transactional-in-transaction": true, "not-null-over-existing-data": true, "redefine-index": true,
	"require-concurrent-detach-partition": true, "require-concurrent-drop-index": true,
	"require-concurrent-index": true, "require-concurrent-reindex": true, "set-logged-unlogged": true,
	"set-not-null": true, "set-tablespace": true, "truncate-table": true, "unique-constraint-without-index": true,
	"unique-over-existing-data": true, "update-or-delete-without-where": true, "vacuum-full-or-cluster": true,
	"volatile-default": true, "validate-in-same-transaction": true, "enum-value-used-in-same-transaction": true,
	"drop-type": true, "adding-enum-value-unordered": true,
}

// findings turns what was observed into findings, comparing each statement
// with the static findings on its lines.
func findings(res *Result, static []lint.Finding, opts Options) []lint.Finding {
	out := []lint.Finding{}
	for _, st := range res.Statements {
		st.Static = staticOn(st, static)
		var flagged []string
		fix := ""
		for _, f := range st.Static {
			if predictive[f.Rule] {
				flagged = append(flagged, f.Rule)
				if fix == "" {
					fix = f.Fix
				}
			}
		}
		by := ""
		if len(flagged) > 0 {
			by = " Static rule " + strings.Join(dedupe(flagged), ", ") + " flagged this statement."
		}
		if st.Error != nil {
			out = append(out, finding(res, st, RuleFailed, analysis.Error,
				fmt.Sprintf("failed on PostgreSQL %s with %s: ERROR %s: %s.%s",
					res.ServerVersion, rowsWords(res), st.Error.Code, st.Error.Message, by),
				failedHelp(st.Error), fix))
			continue
		}
		obs, rule, certain := observed(st, opts.MaxLock)
		if obs == "" {
			continue
		}
		help := "The time grows with the table's rows: in production this lasts as long as it takes over the real table. " +
			"Use the safe alternative the static rule gives."
		if len(flagged) == 0 {
			help = "No static rule predicted this, so `migrate-guard lint` alone would have let it through: " +
				"split the change so that no lock blocking reads or writes is held while the table is scanned or rewritten."
		}
		fd := finding(res, st, rule, analysis.Warning, obs+"."+by, help, fix)
		scaleToProduction(&fd, st, opts)
		out = append(out, fd)
		if len(flagged) == 0 && certain {
			out = append(out, finding(res, st, RuleUnpredicted, analysis.Warning,
				"no static rule predicted what the trace saw: "+obs+".",
				"This is a gap in migrate-guard's static model: please report the statement. Until it is fixed, "+
					"trust the trace.", ""))
		}
	}
	return out
}

// observed says what a statement did that production would feel, the
// finding it makes, and whether the observation is certain: a rewrite, or
// rows read under a blocking lock, which do not depend on the machine's
// speed. A blocking lock counts when the statement read the locked table's
// rows under it (a scan, validation or build, whose time grows with the
// table), or held it longer than maxLock.
func observed(st *Statement, maxLock time.Duration) (obs, rule string, certain bool) {
	took := msDuration(st.DurationMS)
	table, name, mode, rows := strongestOnFilled(st)
	lock, scanned := "", false
	if e := mode.Blocks(); e.Reads || e.Writes {
		read := ""
		if n := st.RowsRead[table]; n > 0 {
			read, scanned = fmt.Sprintf(" while it read %s rows", thousands(n)), true
		}
		lock = fmt.Sprintf("%s on %s (%s rows) held %s%s, which %s", mode, name, thousands(rows), duration(took), read,
			mode.Blocks().On("it"))
	}
	if rw := rewrites(st); rw != "" {
		if lock != "" {
			return rw + "; " + lock, RuleRewrite, true
		}
		return rw, RuleRewrite, true
	}
	if lock != "" && (scanned || took > maxLock) {
		return lock, RuleLongLock, scanned
	}
	return "", "", false
}

// strongestOnFilled returns the strongest lock the statement took on a
// table with rows (a lock on an index counting for its table): the table,
// its name as SQL writes it, the mode and the table's rows.
func strongestOnFilled(st *Statement) (string, string, locks.Mode, int64) {
	var table string
	var best locks.Mode
	for _, l := range st.Locks {
		t := l.Relation
		if ti, ok := st.TableOf[t]; ok {
			t = ti
		}
		if m := modeOf(l.Mode); st.RowsOf[t] > 0 && (m > best || m == best && t < table) {
			table, best = t, m
		}
	}
	return table, quoted(table), best, st.RowsOf[table]
}

// rewrites describes the rewrites of tables with rows, e.g. `rewrote
// "public"."Order" (10,000 rows) and its 3 indexes`.
func rewrites(st *Statement) string {
	indexes := map[string]int{}
	var tables []string
	for _, r := range st.Rewritten {
		t, isIndex := st.TableOf[r]
		if !isIndex {
			t = r
		}
		if st.RowsOf[t] == 0 {
			continue
		}
		if _, seen := indexes[t]; !seen {
			tables = append(tables, t)
			indexes[t] = 0
		}
		if isIndex {
			indexes[t]++
		}
	}
	if len(tables) == 0 {
		return ""
	}
	sort.Strings(tables)
	parts := make([]string, len(tables))
	for i, t := range tables {
		parts[i] = fmt.Sprintf("%s (%s rows)", quoted(t), thousands(st.RowsOf[t]))
		switch n := indexes[t]; n {
		case 0:
		case 1:
			parts[i] += " and its index"
		default:
			parts[i] += fmt.Sprintf(" and its %d indexes", n)
		}
	}
	return "rewrote " + strings.Join(parts, ", ")
}

func failedHelp(e *Error) string {
	h := "The migration fails the same way on a production table holding such rows, and the deploy stops there. " +
		"Make the statement work on existing rows (backfill first, add the constraint NOT VALID and validate it later, " +
		"or give the column a default)."
	if e.Hint != "" {
		h += " PostgreSQL's hint: " + e.Hint
	}
	return h
}

func finding(res *Result, st *Statement, rule string, sev analysis.Severity, msg, help, fix string) lint.Finding {
	f := res.Sources[st.File]
	start := f.Position(st.start)
	end := start
	if st.end > st.start {
		_, size := utf8.DecodeLastRuneInString(f.Src[:st.end])
		end = f.Position(st.end - size)
	}
	return lint.Finding{File: st.File, Line: start.Line, Column: start.Col, EndLine: end.Line, EndColumn: end.Col,
		Rule: rule, Severity: sev, Message: msg, Help: help, Fix: fix}
}

// staticOn returns the static findings about a statement: those on its
// lines, and the predictive ones elsewhere in its file that name a table the
// statement takes ACCESS EXCLUSIVE on. Some rules flag a change where it
// starts: enum-value-removal flags the CREATE TYPE of an enum swap, whose
// ALTER COLUMN ... TYPE then rewrites the tables it names.
func staticOn(st *Statement, static []lint.Finding) []lint.Finding {
	var out []lint.Finding
	for _, f := range static {
		if f.File != st.File {
			continue
		}
		if f.Line >= st.Line && f.Line <= st.EndLine || predictive[f.Rule] && namesExclusive(f.Message, st) {
			out = append(out, f)
		}
		out = append(out, foldedOn(st, f)...)
	}
	return out
}

// foldedOn returns, as findings of their own, the findings f absorbed that
// were about st: the static model predicted them, and judged them moot.
func foldedOn(st *Statement, f lint.Finding) []lint.Finding {
	var out []lint.Finding
	for _, fo := range f.Folded {
		if fo.Line >= st.Line && fo.Line <= st.EndLine {
			out = append(out, lint.Finding{File: f.File, Line: fo.Line, Rule: fo.Rule, Severity: f.Severity,
				Message: "folded into " + f.Rule + " (line " + strconv.Itoa(f.Line) + ")"})
		}
	}
	return out
}

// namesExclusive reports whether msg names, as SQL quotes it, a table the
// static model expects the statement to lock in ACCESS EXCLUSIVE mode.
func namesExclusive(msg string, st *Statement) bool {
	for _, l := range st.Predicted {
		if l.Mode == locks.AccessExclusive && strings.Contains(msg, l.Table.String()) {
			return true
		}
	}
	return false
}

func dedupe(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// quoted writes a relation name the trace holds (schema.name, unquoted) as
// SQL names it, e.g. "Order" or "billing"."Invoice".
func quoted(rel string) string {
	schema, name, ok := strings.Cut(rel, ".")
	if !ok {
		return sqltext.Ident(rel)
	}
	if schema == "public" {
		return sqltext.Ident(name)
	}
	return sqltext.Ident(schema) + "." + sqltext.Ident(name)
}

// duration writes a duration as a person reads it: 45 ms, 1.8 s.
func duration(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// thousands writes n with thousands separators: 10,000.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
