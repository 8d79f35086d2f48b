package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// maxQuoted is how many lines of a flagged statement the text report quotes.
const maxQuoted = 6

// wrapAt is the width help text is wrapped to.
const wrapAt = 100

// tabWidth is how many spaces a tab shows as in quoted lines.
const tabWidth = 4

// Text writes a rustc-style report: each finding with its place, the
// offending lines underlined, the message, the help and the safe SQL.
func Text(w io.Writer, res *lint.Result, color bool) error {
	p := &printer{w: w, color: color}
	for _, f := range res.Findings {
		p.finding(f, res.Sources[f.File])
	}
	p.summary(res)
	return p.err
}

type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

const (
	bold   = "1"
	red    = "1;31"
	yellow = "1;33"
	cyan   = "1;36"
	blue   = "1;34"
)

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func severityColor(s analysis.Severity) string {
	switch s {
	case analysis.Error:
		return red
	case analysis.Warning:
		return yellow
	}
	return cyan
}

func (p *printer) finding(f lint.Finding, src *sqlfile.File) {
	p.printf("%s%s %s\n", p.paint(severityColor(f.Severity), fmt.Sprintf("%s[%s]", f.Severity, f.Rule)), p.paint(bold, ":"), p.paint(bold, f.Message))
	width := len(fmt.Sprint(min(f.EndLine, f.Line+maxQuoted-1)))
	gutter := strings.Repeat(" ", width)
	p.printf("%s %s %s:%d:%d\n", gutter, p.paint(blue, "-->"), f.File, f.Line, f.Column)
	if src != nil {
		p.quote(f, src, width)
	}
	if f.Help != "" {
		p.printf("%s %s %s\n", gutter, p.paint(blue, "="), wrap("help: "+f.Help, wrapAt, gutter+"         "))
	}
	if f.Fix != "" {
		p.printf("%s %s safe alternative:\n", gutter, p.paint(blue, "="))
		for _, line := range strings.Split(f.Fix, "\n") {
			p.printf("%s     %s\n", gutter, line)
		}
	}
	p.printf("\n")
}

// quote prints the flagged lines with the flagged text underlined.
func (p *printer) quote(f lint.Finding, src *sqlfile.File, width int) {
	bar := p.paint(blue, "|")
	p.printf("%*s %s\n", width, "", bar)
	last := min(f.EndLine, f.Line+maxQuoted-1)
	for n := f.Line; n <= last; n++ {
		line := src.Line(n)
		text := strings.ReplaceAll(line, "\t", strings.Repeat(" ", tabWidth))
		p.printf("%s %s %s\n", p.paint(blue, fmt.Sprintf("%*d", width, n)), bar, text)
		from, to := 1, utf8.RuneCountInString(text)
		if n == f.Line {
			from, _ = displayCols(line, f.Column)
		}
		if n == f.EndLine {
			_, to = displayCols(line, f.EndColumn)
		}
		if to >= from {
			p.printf("%*s %s %s%s\n", width, "", bar, strings.Repeat(" ", from-1), p.paint(severityColor(f.Severity), strings.Repeat("^", to-from+1)))
		}
	}
	if f.EndLine > last {
		p.printf("%*s %s ... %d more lines\n", width, "", bar, f.EndLine-last)
	}
}

// displayCols returns the first and last display column of the character at
// 1-based column col of line, where a tab shows as tabWidth spaces.
func displayCols(line string, col int) (first, last int) {
	first, i := 1, 1
	for _, r := range line {
		w := 1
		if r == '\t' {
			w = tabWidth
		}
		if i == col {
			return first, first + w - 1
		}
		first += w
		i++
	}
	return first, first // just past the end of the line
}

func (p *printer) summary(res *lint.Result) {
	counts := map[analysis.Severity]int{}
	for _, f := range res.Findings {
		counts[f.Severity]++
	}
	files := plural(res.Files, "file")
	if runner := res.Runner(); runner != "" {
		files += " (" + runner + ")"
	}
	if len(res.Findings) == 0 {
		p.printf("%s no findings in %s\n", p.paint(bold, "migrate-guard:"), files)
		return
	}
	p.printf("%s %s, %s, %s in %s\n", p.paint(bold, "migrate-guard:"),
		plural(counts[analysis.Error], "error"), plural(counts[analysis.Warning], "warning"), plural(counts[analysis.Notice], "notice"), files)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// wrap breaks s into lines of at most width characters, indenting every line
// after the first.
// codeWords splits s at spaces, keeping a `code span` whole so a command
// or a suppression comment is never broken across lines.
func codeWords(s string) []string {
	var out []string
	open := false
	for _, f := range strings.Fields(s) {
		if open {
			out[len(out)-1] += " " + f
		} else {
			out = append(out, f)
		}
		if strings.Count(f, "`")%2 == 1 {
			open = !open
		}
	}
	return out
}

func wrap(s string, width int, indent string) string {
	var b strings.Builder
	col := 0
	for i, word := range codeWords(s) {
		n := utf8.RuneCountInString(word)
		if i > 0 && col+1+n > width {
			b.WriteString("\n" + indent)
			col = 0
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
	}
	return b.String()
}
