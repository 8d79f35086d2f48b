package trace

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/stats"
)

// scaleToProduction sizes a trace finding about statement st when the
// stats file knows the table it locked: the time measured on the synthetic
// rows, scaled in proportion to the rows production holds, stands for
// lint's cost model (Impact.EstimateFrom "trace"), and the severity follows
// it as lint's does. With stats, a table gets production's rows up to
// --max-rows (100,000), enough for the statement's fixed cost to be small
// beside the work on the rows; the range is the model's, ×/÷ stats.Spread.
func scaleToProduction(f *lint.Finding, st *Statement, opts Options) {
	if opts.Stats == nil {
		return
	}
	table, _, mode, rows := strongestOnFilled(st)
	schema, name, ok := strings.Cut(table, ".")
	t := opts.Stats.Table(catalog.Name{Schema: schema, Name: name})
	if !ok || t == nil || rows <= 0 {
		return
	}
	s := st.DurationMS / 1000 * float64(t.Rows) / float64(rows)
	lo, hi := s/stats.Spread, s*stats.Spread
	im := &lint.Impact{Table: table, Rows: t.Rows, Bytes: t.TotalBytes, Blocks: rules.BlockedWords(mode.Blocks()),
		EstimatedSeconds: [2]float64{lint.RoundSeconds(lo), lint.RoundSeconds(hi)}, EstimateFrom: lint.FromTrace}
	if mode != locks.None {
		im.Lock = mode.String()
	}
	f.Impact = im
	what := "it would run for an estimated " + stats.FormatRange(lo, hi)
	if im.Blocks != "" {
		what = im.Blocks + " blocked for an estimated " + stats.FormatRange(lo, hi)
	}
	f.Message += fmt.Sprintf(" In production (%s: %s): %s, the %s measured here scaled from %s to %s rows.",
		quoted(table), t.Describe(), what, duration(msDuration(st.DurationMS)), thousands(rows), stats.FormatCount(t.Rows))
	if im.Blocks != "" {
		f.Severity = opts.Config.SizedSeverity(f.Severity, lo, hi, false)
	}
}
