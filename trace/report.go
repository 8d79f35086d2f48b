package trace

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/report"
)

// JSON writes the result as one JSON object.
func JSON(w io.Writer, res *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// Text writes what was observed, a line per statement that locked an
// existing relation, rewrote one or failed, then the findings as lint
// prints them.
func Text(w io.Writer, res *Result, color bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Observed on PostgreSQL %s (runner %s, %s)\n", res.ServerVersion, res.Runner, rowsWords(res))
	for _, st := range notable(res) {
		fmt.Fprintf(&b, "  %s:%d  %s  %s\n", st.File, st.Line, duration(msDuration(st.DurationMS)), summary(st))
	}
	for _, u := range res.Unfilled {
		fmt.Fprintf(&b, "  left empty: %s: %s\n", u.Table, u.Reason)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return report.Text(w, LintResult(res), color)
}

// Markdown is the section of the job summary and the pull request comment:
// a row per statement that locked, rewrote or failed.
func Markdown(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Observed on PostgreSQL %s\n\n", res.ServerVersion)
	rows := notable(res)
	fmt.Fprintf(&b, "Traced %d statements on a shadow database with %s (runner %s).\n\n",
		len(res.Statements), rowsWords(res), res.Runner)
	if len(rows) > 0 {
		b.WriteString("| Statement | Took | Observed |\n| --- | --- | --- |\n")
		for _, st := range rows {
			fmt.Fprintf(&b, "| `%s:%d` | %s | %s |\n", st.File, st.Line, duration(msDuration(st.DurationMS)),
				strings.ReplaceAll(summary(st), "|", "\\|"))
		}
		b.WriteString("\n")
	}
	for _, u := range res.Unfilled {
		fmt.Fprintf(&b, "- Left empty: `%s`: %s\n", u.Table, u.Reason)
	}
	return b.String()
}

// LintResult returns the trace's findings in lint's shape, for the report
// formats (text, SARIF, Markdown) that take one.
func LintResult(res *Result) *lint.Result {
	files := map[string]bool{}
	for _, st := range res.Statements {
		files[st.File] = true
	}
	return &lint.Result{Files: len(files), Findings: res.Findings, Sources: res.Sources}
}

// notable are the statements worth a line: those that locked a table with
// rows in a mode blocking reads or writes, rewrote a relation, or failed.
func notable(res *Result) []*Statement {
	var out []*Statement
	for _, st := range res.Statements {
		blocking := false
		for _, l := range st.Locks {
			table := l.Relation
			if t, ok := st.TableOf[table]; ok {
				table = t
			}
			if e := modeOf(l.Mode).Blocks(); (e.Reads || e.Writes) && st.RowsOf[table] > 0 {
				blocking = true
			}
		}
		if blocking || len(st.Rewritten) > 0 || st.Error != nil {
			out = append(out, st)
		}
	}
	return out
}

// summary says in one line what a statement did.
func summary(st *Statement) string {
	if st.Error != nil {
		return fmt.Sprintf("failed: ERROR %s: %s", st.Error.Code, st.Error.Message)
	}
	var parts []string
	best := map[string]string{}
	var order []string
	for _, l := range st.Locks {
		if _, ok := st.TableOf[l.Relation]; ok {
			continue // an index: its table's lock says what blocks
		}
		if cur, ok := best[l.Relation]; !ok || modeOf(l.Mode) > modeOf(cur) {
			if !ok {
				order = append(order, l.Relation)
			}
			best[l.Relation] = l.Mode
		}
	}
	for _, rel := range order {
		parts = append(parts, fmt.Sprintf("%s on %s", modeOf(best[rel]), quoted(rel)))
	}
	if len(st.Rewritten) > 0 {
		names := make([]string, len(st.Rewritten))
		for i, r := range st.Rewritten {
			names[i] = quoted(r)
		}
		parts = append(parts, "rewrote "+strings.Join(names, ", "))
	}
	return strings.Join(parts, "; ")
}

// rowsWords says how many synthetic rows the tables got.
func rowsWords(res *Result) string {
	if res.RowsFrom == "stats" {
		return fmt.Sprintf("synthetic rows per table as many as the stats file says production holds (at most %s; %s for tables it does not know)",
			thousands(int64(res.MaxRows)), thousands(int64(res.RowsPerTable)))
	}
	return thousands(int64(res.RowsPerTable)) + " synthetic rows per table"
}
