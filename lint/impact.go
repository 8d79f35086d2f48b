package lint

import (
	"fmt"
	"math"
	"time"

	"github.com/migrate-guard/migrate-guard/analysis"
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
	var ref *stats.Table
	if im.Op == analysis.ForeignKeyScan {
		ref = st.Table(im.Referenced)
	}
	rates := st.Rates()
	lo, hi := stats.Estimate(rates, im.Op, t, ref)
	fd.Impact = &Impact{Table: t.Schema + "." + t.Name, Rows: t.Rows, Bytes: t.TotalBytes, Lock: im.Lock,
		Blocks: im.Blocks, EstimatedSeconds: [2]float64{round3(lo), round3(hi)}}
	fd.Message += fmt.Sprintf(" (%s: %s; %s)", im.Table, t.Describe(), blockedFor(im, lo, hi))
	if im.Op == analysis.IndexBuild || im.Op == analysis.UniqueIndexBuild {
		clo, chi := stats.Estimate(rates, analysis.ConcurrentIndexBuild, t, nil)
		fd.Message += fmt.Sprintf("; built CONCURRENTLY it would run for an estimated %s without blocking writes", stats.FormatRange(clo, chi))
	}
	if _, set := e.cfg.Rules[r.ID]; set || fd.Severity == analysis.Off || im.Blocks == "" {
		return
	}
	switch {
	case math.Sqrt(lo*hi) > e.cfg.LargeTable.Seconds(): // the model's value, the middle of the range
		fd.Severity = analysis.Error
	case hi < e.cfg.SmallTable.Seconds() && !im.KeepSeverity:
		fd.Severity = analysis.Notice
	}
}

// blockedFor says what waits and for how long.
func blockedFor(im *analysis.Impact, lo, hi float64) string {
	est := "an estimated " + stats.FormatRange(lo, hi)
	if im.Blocks == "" {
		return "it runs for " + est + " without blocking reads or writes"
	}
	return im.Blocks + " blocked for " + est
}

// round3 keeps a millisecond's precision, so JSON stays readable.
func round3(s float64) float64 { return float64(int64(s*1000+0.5)) / 1000 }

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
