package lint

import (
	"fmt"
	"math"
	"time"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/stats"
)

// Impact is what a finding costs in production, from the stats file: the
// table's size and the estimated time its lock is held (for a concurrent
// build, the time it runs without blocking).
type Impact struct {
	Table  string `json:"table"` // schema.name, unquoted: "public.Order"
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"` // table and indexes
	Lock   string `json:"lock,omitempty"`
	Blocks string `json:"blocks,omitempty"`
	// EstimatedSeconds is [lo, hi].
	EstimatedSeconds [2]float64 `json:"estimated_seconds"`
	// EstimateFrom says what the estimate comes from: FromModel or FromTrace.
	EstimateFrom string `json:"estimate_from"`
}

// Default thresholds of the estimated blocking time (small-table and
// large-table in migrate-guard.toml).
const (
	DefaultSmallTable = time.Second
	DefaultLargeTable = time.Minute
)

// sizeFinding states the size of the table a finding is about and how long
// it is blocked, and lets the estimate set the severity: a finding whose
// estimate stays under small-table even at its high end drops to notice
// (quiet only when surely small), one whose estimate is over large-table
// becomes an error. A rule severity set in the configuration is kept, and
// so is the severity of a finding that also says the statement fails on
// existing data or loses data. Tables the stats do not know keep the
// finding as it is.
func (e *engine) sizeFinding(fd *Finding, r *analysis.Rule, im *analysis.Impact) {
	st := e.cfg.Stats
	t := st.Table(im.Table)
	if t == nil {
		return
	}
	lo, hi, ok := estimateWork(st, im.Items())
	if !ok {
		return
	}
	fd.Impact = &Impact{Table: t.Schema + "." + t.Name, Rows: t.Rows, Bytes: t.TotalBytes, Lock: im.Lock,
		Blocks: im.Blocks, EstimatedSeconds: [2]float64{RoundSeconds(lo), RoundSeconds(hi)}, EstimateFrom: FromModel}
	fd.Message += fmt.Sprintf(" (%s: %s; %s)", im.Table, t.Describe(), blockedFor(im, lo, hi))
	if im.Op == analysis.IndexBuild || im.Op == analysis.UniqueIndexBuild {
		clo, chi := stats.Estimate(st.Rates(), analysis.ConcurrentIndexBuild, t, nil)
		fd.Message += fmt.Sprintf("; built CONCURRENTLY it would run for an estimated %s without blocking writes", stats.FormatRange(clo, chi))
	}
	if _, set := e.cfg.Rules[r.ID]; set || fd.Severity == analysis.Off || im.Blocks == "" {
		return
	}
	fd.Severity = e.cfg.SizedSeverity(fd.Severity, lo, hi, im.KeepSeverity)
}

// SizedSeverity is the severity of a lock finding blocking for an
// estimated [lo, hi] seconds: an error when the middle of the range (the
// model's value) is over large-table, a notice when even hi is under
// small-table, unless keep (the finding also says the statement fails on
// existing data or loses data); else sev.
func (c *Config) SizedSeverity(sev analysis.Severity, lo, hi float64, keep bool) analysis.Severity {
	switch {
	case math.Sqrt(lo*hi) > c.LargeTable.Seconds():
		return analysis.Error
	case hi < c.SmallTable.Seconds() && !keep:
		return analysis.Notice
	}
	return sev
}

// Where an estimate comes from (Impact.EstimateFrom).
const (
	// FromModel: the cost model of the stats file's throughputs.
	FromModel = "model"
	// FromTrace: the time trace measured on synthetic rows, scaled to the
	// production size.
	FromTrace = "trace"
)

// estimateWork sums the model's estimates of the work items; ok is false
// when the stats do not know a table (or index) one of them is about.
func estimateWork(st *stats.File, items []analysis.Work) (lo, hi float64, ok bool) {
	rates := st.Rates()
	for _, w := range items {
		t := st.Table(w.Table)
		if t == nil {
			return 0, 0, false
		}
		var ref *stats.Table
		if w.Op == analysis.ForeignKeyScan {
			ref = st.Table(w.Referenced)
		}
		if w.Op == analysis.Copy && w.Index != (catalog.Name{}) {
			ix := t.Index(w.Index.Name)
			if ix == nil {
				return 0, 0, false
			}
			t = &stats.Table{HeapBytes: ix.Bytes, Rows: t.Rows} // an index's pages, as many entries as rows
		}
		l, h := stats.Estimate(rates, w.Op, t, ref)
		lo, hi = lo+l, hi+h
	}
	return lo, hi, true
}

// blockedFor says what waits and for how long.
func blockedFor(im *analysis.Impact, lo, hi float64) string {
	est := "an estimated " + stats.FormatRange(lo, hi)
	switch {
	case im.Op == 0 && len(im.Held) == 0:
		return "no statement works through a table's rows while the lock is held"
	case im.Op == 0:
		return im.Blocks + " blocked for " + est + ", the work the transaction does while it holds the lock"
	case im.Blocks == "":
		return "it runs for " + est + " without blocking reads or writes"
	}
	return im.Blocks + " blocked for " + est
}

// RoundSeconds keeps a millisecond's precision, so JSON stays readable.
func RoundSeconds(s float64) float64 { return float64(int64(s*1000+0.5)) / 1000 }

// roleTimeoutNote says, for require-lock-timeout, that the stats snapshot
// saw no lock_timeout for its role either.
func roleTimeoutNote(st *stats.File) string {
	s, ok := st.Settings["lock_timeout"]
	if !ok || st.Role == "" || !unset(s.Value) {
		return ""
	}
	return fmt.Sprintf(" (the stats snapshot shows no lock_timeout for role %q on database %q either)", st.Role, st.Database)
}

// roleHasLockTimeout reports whether the stats snapshot's role gets a
// lock_timeout in every new session: then the deploy's lock waits are
// bounded already (take the snapshot as the role that deploys), and
// require-lock-timeout says nothing.
func roleHasLockTimeout(st *stats.File) bool {
	s, ok := st.Settings["lock_timeout"]
	return ok && st.Role != "" && !unset(s.Value)
}

func unset(v string) bool { return v == "" || v == "0" }
