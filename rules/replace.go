package rules

import (
	"sort"
	"strings"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// replacement is text that takes the place of a span of the file, to build
// a fix from the user's own statement: names and comments stay verbatim.
type replacement struct {
	span sqlfile.Span
	text string
}

// withReplacements returns the source text of sp with the replacements,
// which must not overlap, made.
func withReplacements(f *sqlfile.File, sp sqlfile.Span, rs []replacement) string {
	rs = append([]replacement(nil), rs...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].span.Start < rs[j].span.Start })
	var b strings.Builder
	from := sp.Start
	for _, r := range rs {
		b.WriteString(f.Src[from:r.span.Start])
		b.WriteString(r.text)
		from = r.span.End
	}
	b.WriteString(f.Src[from:sp.End])
	return b.String()
}
