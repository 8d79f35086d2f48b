// GitHub-flavoured Markdown of a run: the job summary and the sticky pull
// request comment, with lint findings, deploys and status checks.

package action

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/deploy"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/report"
)

// Limits of the places GitHub shows Markdown.
const (
	summaryLimit = 1 << 20 // a step's job summary, in bytes
	commentLimit = 65536   // an issue or pull request comment, in characters
)

// noteReserve is kept free under the limit for the truncation note.
const noteReserve = 600

// markdownReport is what renderMarkdown renders: the job summary of a GitHub
// Actions run, or a pull request comment.
type markdownReport struct {
	Marker string // first line, such as a hidden HTML comment; "" for none
	Title  string
	// Limit is the most bytes the text may take (a byte is at most one
	// character, so a byte limit also holds for a character limit).
	Limit int
	// MoreURL is where the full report is, named when the text is cut.
	MoreURL string
	// FileURL links a file's line, or is nil for no links.
	FileURL func(path string, line int) string
	Lint    []lintDir
	Deploys []deployRun
	Status  []statusRun
}

// lintDir is the lint result of one migrations directory.
type lintDir struct {
	Dir    string
	Result *lint.Result // nil when nothing was linted
	Note   string       // why nothing was linted, or what was linted
}

// deployRun is a deploy of one migrations directory.
type deployRun struct {
	Dir      string
	Summary  *deploy.Summary // nil when it stopped before connecting
	Err      error
	Warnings []string
}

// statusRun is a status check of one migrations directory.
type statusRun struct {
	Dir    string
	Report *deploy.StatusReport
	Err    error
}

// renderMarkdown renders the report, cut at a finding's boundary with a note when
// it would exceed r.Limit.
func renderMarkdown(r *markdownReport) string {
	w := &mdWriter{limit: r.Limit - noteReserve}
	if r.Marker != "" {
		w.add(r.Marker + "\n")
	}
	w.add("## " + r.Title + "\n\n")
	w.add(totals(r.Lint))
	for _, d := range r.Deploys {
		w.add(deploySection(d))
	}
	for _, s := range r.Status {
		w.add(statusSection(s))
	}
	for _, d := range r.Lint {
		lintSection(w, r, d)
	}
	if w.omitted > 0 || w.full {
		w.b.WriteString(truncationNote(r, w.omitted))
	}
	return w.b.String()
}

// mdWriter accumulates Markdown up to a limit; once a piece does not fit,
// everything after it is left out, so the text never ends mid-element.
type mdWriter struct {
	b       strings.Builder
	limit   int
	full    bool
	omitted int // findings not shown in full
}

func (w *mdWriter) add(s string) bool {
	if w.full || w.b.Len()+len(s) > w.limit {
		w.full = true
		return false
	}
	w.b.WriteString(s)
	return true
}

func truncationNote(r *markdownReport, omitted int) string {
	s := "\n---\n\n**This report is cut to fit GitHub's size limit"
	if omitted > 0 {
		s += fmt.Sprintf(": %s not shown in full", count(omitted, "finding"))
	}
	s += ".**"
	if r.MoreURL != "" {
		s += fmt.Sprintf(" The full report is in [the job summary and the `report-json` file](%s).", r.MoreURL)
	}
	return s + "\n"
}

// totals is the first line: counts by severity over every directory.
func totals(dirs []lintDir) string {
	counts := map[analysis.Severity]int{}
	files, linted := 0, false
	for _, d := range dirs {
		if d.Result == nil {
			continue
		}
		linted = true
		files += d.Result.Files
		for _, f := range d.Result.Findings {
			counts[f.Severity]++
		}
	}
	switch {
	case !linted && len(dirs) > 0:
		return "No migrations linted.\n"
	case !linted:
		return ""
	case counts[analysis.Error]+counts[analysis.Warning]+counts[analysis.Notice] == 0:
		return fmt.Sprintf("✅ No findings in %s linted.\n", count(files, "migration file"))
	}
	icon := "⚠️"
	if counts[analysis.Error] > 0 {
		icon = "❌"
	}
	return fmt.Sprintf("%s **%s, %s, %s** in %s linted.\n", icon,
		count(counts[analysis.Error], "error"), count(counts[analysis.Warning], "warning"), count(counts[analysis.Notice], "notice"),
		count(files, "migration file"))
}

func lintSection(w *mdWriter, r *markdownReport, d lintDir) {
	w.add(fmt.Sprintf("\n### Lint: `%s`\n", d.Dir))
	if d.Note != "" {
		w.add("\n" + inline(d.Note) + "\n")
	}
	if d.Result == nil {
		return
	}
	if len(d.Result.Findings) == 0 {
		w.add(fmt.Sprintf("\n✅ No findings in %s.\n", count(d.Result.Files, "migration file")))
		return
	}
	for _, group := range byFile(d.Result.Findings) {
		fileSection(w, r, group)
	}
}

// byFile groups findings by file, keeping the order files first appear in.
func byFile(fs []lint.Finding) [][]lint.Finding {
	index := map[string]int{}
	var out [][]lint.Finding
	for _, f := range fs {
		i, ok := index[f.File]
		if !ok {
			i = len(out)
			index[f.File] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], f)
	}
	for _, g := range out {
		sort.SliceStable(g, func(i, j int) bool { return g[i].Line < g[j].Line })
	}
	return out
}

// fileSection writes a table of a file's findings, then the help and safe
// SQL of each in a collapsible block.
func fileSection(w *mdWriter, r *markdownReport, fs []lint.Finding) {
	if !w.add(fmt.Sprintf("\n#### `%s`\n\n| Severity | Rule | Line | Message |\n| --- | --- | ---: | --- |\n", fs[0].File)) {
		w.omitted += len(fs)
		return
	}
	rows := 0
	for _, f := range fs {
		if !w.add(row(r, f)) {
			break
		}
		rows++
	}
	shown := 0
	for _, f := range fs[:rows] {
		if (f.Help == "" && f.Fix == "") || w.add(details(f)) {
			shown++
		}
	}
	w.omitted += len(fs) - shown
}

var severityIcon = map[analysis.Severity]string{analysis.Error: "❌ error", analysis.Warning: "⚠️ warning", analysis.Notice: "ℹ️ notice"}

func row(r *markdownReport, f lint.Finding) string {
	line := fmt.Sprint(f.Line)
	if r.FileURL != nil {
		line = fmt.Sprintf("[%d](%s)", f.Line, r.FileURL(f.File, f.Line))
	}
	return fmt.Sprintf("| %s | [%s](%s) | %s | %s |\n", severityIcon[f.Severity], f.Rule, report.RuleURL(f.Rule), line, cell(f.Message))
}

func details(f lint.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary>Line %d, %s: how to fix it</summary>\n\n", f.Line, f.Rule)
	if f.Help != "" {
		b.WriteString(inline(f.Help) + "\n")
	}
	if f.Fix != "" {
		fence := codeFence(f.Fix)
		fmt.Fprintf(&b, "\n%ssql\n%s\n%s\n", fence, strings.TrimRight(f.Fix, "\n"), fence)
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

func deploySection(d deployRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Deploy: `%s`\n", d.Dir)
	if s := d.Summary; s != nil {
		fmt.Fprintf(&b, "\nTarget `%s`: applied %s, %d already applied, took %s.\n", s.Target, count(len(s.Applied), "migration"), s.Skipped, round(s.Took))
		if len(s.Applied) > 0 {
			b.WriteString("\n| Migration | Took |\n| --- | ---: |\n")
			for _, a := range s.Applied {
				fmt.Fprintf(&b, "| `%s` | %s |\n", a.Name, round(a.Took))
			}
		}
		if len(s.Pending) > 0 {
			fmt.Fprintf(&b, "\nDry run, would apply: %s.\n", codeList(s.Pending))
		}
	}
	for _, warn := range d.Warnings {
		fmt.Fprintf(&b, "\n⚠️ %s\n", inline(warn))
	}
	if d.Err != nil {
		fence := codeFence(d.Err.Error())
		fmt.Fprintf(&b, "\n❌ **Deploy failed:**\n\n%s\n%s\n%s\n", fence, d.Err.Error(), fence)
	}
	return b.String()
}

func statusSection(s statusRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Status: `%s`\n", s.Dir)
	if s.Err != nil {
		fence := codeFence(s.Err.Error())
		fmt.Fprintf(&b, "\n❌ **Status failed:**\n\n%s\n%s\n%s\n", fence, s.Err.Error(), fence)
		return b.String()
	}
	counts := map[string]int{}
	var notApplied []deploy.MigrationStatus
	for _, m := range s.Report.Migrations {
		counts[m.State]++
		if m.State != deploy.StateApplied {
			notApplied = append(notApplied, m)
		}
	}
	fmt.Fprintf(&b, "\nTarget `%s`: %d applied, %d pending, %d failed, %d rolled back, %d modified, %d missing from disk.\n",
		s.Report.Target, counts[deploy.StateApplied], counts[deploy.StatePending], counts[deploy.StateFailed],
		counts[deploy.StateRolledBack], counts[deploy.StateModified], counts[deploy.StateMissing])
	if len(notApplied) > 0 {
		b.WriteString("\n| Migration | State |\n| --- | --- |\n")
		for _, m := range notApplied {
			fmt.Fprintf(&b, "| `%s` | %s |\n", m.Name, m.State)
		}
	}
	return b.String()
}

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func codeList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return strings.Join(out, ", ")
}

// codeFence returns a backtick fence longer than any run of backticks in s.
func codeFence(s string) string {
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// cell makes text safe for a table cell: inline escaping, with pipes
// escaped (also inside code spans, as GitHub's tables require) and line
// breaks as <br>.
func cell(s string) string {
	s = strings.ReplaceAll(inline(s), "|", `\|`)
	return strings.ReplaceAll(s, "\n", "<br>")
}

// inline escapes text for Markdown outside code spans: < and > would be read
// as HTML, and @name would notify a GitHub user (a Prisma help text names
// @map). Code spans are left as they are, since GitHub shows them verbatim.
func inline(s string) string {
	var b strings.Builder
	inCode := false
	for _, c := range s {
		switch {
		case c == '`':
			inCode = !inCode
			b.WriteRune(c)
		case inCode && c == '\n':
			b.WriteByte(' ')
		case inCode:
			b.WriteRune(c)
		case c == '<':
			b.WriteString("&lt;")
		case c == '>':
			b.WriteString("&gt;")
		case c == '@':
			b.WriteString("&#64;")
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
