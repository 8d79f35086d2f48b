package lint

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// The suppression directives, written as `--` comments.
const (
	ignoreStmt = "migrate-guard-ignore"
	ignoreFile = "migrate-guard-ignore-file"
)

// suppression is one rule id named by one directive.
type suppression struct {
	rule     string
	file     bool         // file-scoped
	stmt     sqlfile.Span // the statement it covers, for statement scope
	at       sqlfile.Span // the comment, for reporting it
	used     bool
	disabled bool // the rule is off: nothing to silence, nothing stale
}

// suppress drops the findings that a directive covers, and adds findings for
// directives that name unknown rules or silenced nothing.
func (e *engine) suppress(f *sqlfile.File, found []Finding) []Finding {
	sups, bad := e.directives(f)
	kept := found[:0]
	for _, fd := range found {
		if !covered(f, sups, fd) {
			kept = append(kept, fd)
		}
	}
	for _, s := range sups {
		if !s.used && !s.disabled {
			kept = append(kept, e.finding(f, rules.UnusedSuppression, analysis.Diagnostic{
				Pos: s.at.Start, End: s.at.End,
				Message: fmt.Sprintf("this suppression of %s silenced nothing", s.rule),
				Help:    "Remove it: a stale suppression would hide a future finding of that rule here.",
			}))
		}
	}
	kept = append(kept, bad...)
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].Line != kept[j].Line {
			return kept[i].Line < kept[j].Line
		}
		return kept[i].Column < kept[j].Column
	})
	return kept
}

func covered(f *sqlfile.File, sups []*suppression, fd Finding) bool {
	hit := false
	for _, s := range sups {
		if s.rule != fd.Rule {
			continue
		}
		if s.file || within(f, s.stmt, fd) {
			s.used, hit = true, true
		}
	}
	return hit
}

func within(f *sqlfile.File, sp sqlfile.Span, fd Finding) bool {
	start, end := f.Position(sp.Start), f.Position(sp.End)
	after := fd.Line > start.Line || fd.Line == start.Line && fd.Column >= start.Col
	before := fd.Line < end.Line || fd.Line == end.Line && fd.Column <= end.Col
	return after && before
}

// directives reads every migrate-guard comment of the file. A statement
// directive covers the statement it is written in, or the one whose last line
// it ends, or else the statement after its comment block.
func (e *engine) directives(f *sqlfile.File) ([]*suppression, []Finding) {
	var sups []*suppression
	var bad []Finding
	for _, t := range f.Tokens(0, len(f.Src)) {
		if t.Token != pg.Token_SQL_COMMENT {
			continue
		}
		at := sqlfile.Span{Start: int(t.Start), End: int(t.End)}
		fileScope, ids, ok := parseDirective(f.Src[at.Start:at.End])
		if !ok {
			continue
		}
		stmt, hasStmt := stmtAfter(f, at.Start)
		if !fileScope && !hasStmt {
			bad = append(bad, e.finding(f, rules.InvalidSuppression, analysis.Diagnostic{Pos: at.Start, End: at.End,
				Message: "this suppression is not followed by any statement", Help: "Move it into the comment block just above the statement it is meant for."}))
			continue
		}
		if len(ids) == 0 {
			bad = append(bad, e.finding(f, rules.InvalidSuppression, analysis.Diagnostic{Pos: at.Start, End: at.End,
				Message: "this suppression names no rule", Help: "Write `-- " + ignoreStmt + " <rule-id> -- <reason>`; `migrate-guard rules` lists the ids."}))
			continue
		}
		for _, id := range ids {
			r := rules.ByID(id)
			if r == nil {
				bad = append(bad, e.finding(f, rules.InvalidSuppression, analysis.Diagnostic{Pos: at.Start, End: at.End,
					Message: fmt.Sprintf("unknown rule %q in suppression: it silences nothing", id),
					Help:    "Use an id that `migrate-guard rules` lists, and separate the reason from the ids with ` -- `."}))
				continue
			}
			sups = append(sups, &suppression{rule: id, file: fileScope, stmt: stmt, at: at, disabled: e.cfg.Severity(r) == analysis.Off})
		}
	}
	return sups, bad
}

// parseDirective reads `-- migrate-guard-ignore[-file] id[, id] [-- reason]`.
func parseDirective(comment string) (fileScope bool, ids []string, ok bool) {
	body := strings.TrimSpace(strings.TrimPrefix(comment, "--"))
	word, rest := body, ""
	if i := strings.IndexFunc(body, unicode.IsSpace); i >= 0 {
		word, rest = body[:i], body[i:]
	}
	switch word {
	case ignoreFile:
		fileScope = true
	case ignoreStmt:
	default:
		return false, nil, false
	}
	list, _, _ := strings.Cut(rest, "--")
	for _, id := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		ids = append(ids, id)
	}
	return fileScope, ids, true
}

// stmtAfter returns the span of the statement that holds offset, or that
// ends on offset's line before it (a trailing comment), or else the first
// statement after it. That may be a statement the parser rejected: its extent
// is unknown, so its span runs from offset to the syntax error.
func stmtAfter(f *sqlfile.File, off int) (sqlfile.Span, bool) {
	i := sort.Search(len(f.Stmts), func(i int) bool { return f.Stmts[i].End >= off })
	if i > 0 && (i == len(f.Stmts) || off < f.Stmts[i].Start) && f.Position(f.Stmts[i-1].End).Line == f.Position(off).Line {
		return sqlfile.Span{Start: f.Stmts[i-1].Start, End: f.Stmts[i-1].End}, true
	}
	next := len(f.Src) + 1
	if i < len(f.Stmts) {
		next = f.Stmts[i].Start
	}
	for _, e := range f.Errors {
		if e.Offset >= off && e.Offset < next {
			return sqlfile.Span{Start: off, End: e.Offset}, true
		}
	}
	if i == len(f.Stmts) {
		return sqlfile.Span{}, false
	}
	if b := f.Stmts[i].Block; b != nil && off < b.Start { // above a DO block: all of it
		return sqlfile.Span{Start: b.Start, End: b.End}, true
	}
	return sqlfile.Span{Start: f.Stmts[i].Start, End: f.Stmts[i].End}, true
}
