package stats

import (
	"fmt"
	"math"
	"time"

	"github.com/migrate-guard/migrate-guard/analysis"
)

// Rate is how fast a server does one operation, linear in the table's size:
// seconds = FixedSeconds + bytes/BytesPerSecond + rows/RowsPerSecond, a zero
// throughput meaning the term does not count. For the index builds, which
// sort, rows are weighted by log₂(rows)/log₂(1 M) (see sortRows):
// RowsPerSecond is their rate at a million rows.
type Rate struct {
	BytesPerSecond float64 `json:"bytes_per_second"`
	RowsPerSecond  float64 `json:"rows_per_second"`
	FixedSeconds   float64 `json:"fixed_seconds"`
}

// Seconds is the time the operation takes on bytes and rows.
func (r Rate) Seconds(bytes, rows int64) float64 {
	s := r.FixedSeconds
	if r.BytesPerSecond > 0 {
		s += float64(bytes) / r.BytesPerSecond
	}
	if r.RowsPerSecond > 0 {
		s += float64(rows) / r.RowsPerSecond
	}
	return s
}

// Throughputs holds a server's rate for each operation class.
type Throughputs struct {
	// MeasuredAt and Server say when and on what the rates were measured
	// (`stats calibrate`); Server is the server_version.
	MeasuredAt time.Time `json:"measured_at"`
	Server     string    `json:"server"`
	// Rewrite is the copy of the heap alone; the engine adds one index
	// build per index the table has.
	Rewrite              Rate `json:"rewrite"`
	IndexBuild           Rate `json:"index_build"`
	UniqueIndexBuild     Rate `json:"unique_index_build"`
	ConcurrentIndexBuild Rate `json:"concurrent_index_build"`
	CheckScan            Rate `json:"check_scan"`
	// ForeignKeyScan is the referencing table's part; the referenced
	// table's scan is estimated as a CheckScan of it.
	ForeignKeyScan Rate `json:"foreign_key_scan"`
	NotNullScan    Rate `json:"not_null_scan"`
	// Copy is SET TABLESPACE's copy of a relation's pages. Calibrate does
	// not measure it (that needs a second tablespace, which only a
	// superuser creates): nil means the built-in rate.
	Copy *Rate `json:"copy,omitempty"`
}

// Defaults returns the built-in throughputs, measured by Calibrate (1 M
// narrow rows) on the project's machine on 2026-12-07 (see bench/README.md,
// "Blocking-time estimates"): 2 cores (AMD EPYC) shared with other jobs (load
// average 14), 24 GiB, PostgreSQL 15 with default settings (shared_buffers
// 128MB, maintenance_work_mem 64MB) and fsync off, tables in the OS cache. A
// production server with more memory for sorts and idle cores is faster,
// one reading from cold disks slower: calibrate on a server like
// production (`migrate-guard stats calibrate`) for estimates you can trust.
func Defaults() *Throughputs {
	return &Throughputs{
		Server:               "15.18 (built-in defaults)",
		Rewrite:              Rate{BytesPerSecond: 31e6, RowsPerSecond: 5.8e6, FixedSeconds: 0.0046},
		IndexBuild:           Rate{BytesPerSecond: 265e6, RowsPerSecond: 0.61e6, FixedSeconds: 0.009},
		UniqueIndexBuild:     Rate{BytesPerSecond: 1020e6, RowsPerSecond: 0.72e6, FixedSeconds: 0.0015},
		ConcurrentIndexBuild: Rate{BytesPerSecond: 361e6, RowsPerSecond: 0.34e6, FixedSeconds: 0.0012},
		CheckScan:            Rate{BytesPerSecond: 965e6, RowsPerSecond: 4.71e6, FixedSeconds: 0.0004},
		ForeignKeyScan:       Rate{BytesPerSecond: 1209e6, RowsPerSecond: 2.07e6, FixedSeconds: 0.0024},
		NotNullScan:          Rate{BytesPerSecond: 818e6, RowsPerSecond: 6.44e6, FixedSeconds: 0.0004},
		Copy:                 &defaultCopy,
	}
}

// defaultCopy is SET TABLESPACE's rate, fitted on 2026-12-08 on the same
// machine and server (load average 3.6, fsync off: the copy went through
// the OS cache) to ALTER TABLE/INDEX ... SET TABLESPACE of the narrow and
// wide tables of 100 k and 1 M rows and one of their indexes: 4.6 ms to
// 0.93 s (bench/README.md, "REINDEX and SET TABLESPACE"). A server that
// writes the copy to another disk is slower: read it as a floor.
var defaultCopy = Rate{BytesPerSecond: 450e6, FixedSeconds: 0.001}

// rate returns the rate of an operation class.
func (t *Throughputs) rate(op analysis.Operation) Rate {
	switch op {
	case analysis.Rewrite:
		return t.Rewrite
	case analysis.IndexBuild:
		return t.IndexBuild
	case analysis.UniqueIndexBuild:
		return t.UniqueIndexBuild
	case analysis.ConcurrentIndexBuild:
		return t.ConcurrentIndexBuild
	case analysis.CheckScan:
		return t.CheckScan
	case analysis.ForeignKeyScan:
		return t.ForeignKeyScan
	case analysis.NotNullScan:
		return t.NotNullScan
	case analysis.Copy:
		if t.Copy != nil {
			return *t.Copy
		}
		return defaultCopy
	}
	return Rate{}
}

// check rejects rates that cannot be speeds.
func (t *Throughputs) check() error {
	if t == nil {
		return nil
	}
	ops := []analysis.Operation{analysis.Rewrite, analysis.IndexBuild, analysis.UniqueIndexBuild, analysis.ConcurrentIndexBuild,
		analysis.CheckScan, analysis.ForeignKeyScan, analysis.NotNullScan, analysis.Copy} // not IndexesRebuild: index builds
	for _, op := range ops {
		r := t.rate(op)
		for _, v := range []float64{r.BytesPerSecond, r.RowsPerSecond, r.FixedSeconds} {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("throughputs: %s has a negative or infinite rate", op)
			}
		}
		if r.BytesPerSecond == 0 && r.RowsPerSecond == 0 {
			return fmt.Errorf("throughputs: %s has no rate", op)
		}
	}
	return nil
}

// sortRows weighs the rows of a sort, whose cost per row grows with
// log₂(rows), as rows of a sort of a million.
func sortRows(rows int64) int64 {
	if rows < 2 {
		return rows
	}
	return int64(float64(rows) * math.Log2(float64(rows)) / math.Log2(1e6))
}

// sorts reports whether an operation class sorts the rows.
func sorts(op analysis.Operation) bool {
	return op == analysis.IndexBuild || op == analysis.UniqueIndexBuild || op == analysis.ConcurrentIndexBuild
}

// seconds is the model's time for op on bytes and rows.
func (t *Throughputs) seconds(op analysis.Operation, bytes, rows int64) float64 {
	if sorts(op) {
		rows = sortRows(rows)
	}
	return t.rate(op).Seconds(bytes, rows)
}

// The estimate is a range around the model's value: measured times on a
// shared machine scatter by up to this factor either way (bench/README.md),
// so hi/lo is Spread².
const Spread = 2.0

// Estimate returns the range of seconds op takes on table t; ref is the
// referenced table of a FOREIGN KEY (nil when unknown or not one).
func Estimate(r *Throughputs, op analysis.Operation, t, ref *Table) (lo, hi float64) {
	s := r.seconds(op, t.HeapBytes, t.Rows)
	switch op {
	case analysis.Rewrite, analysis.IndexesRebuild:
		for _, ix := range t.Indexes {
			build := analysis.IndexBuild
			if ix.Unique {
				build = analysis.UniqueIndexBuild
			}
			s += r.seconds(build, t.HeapBytes, t.Rows)
		}
	case analysis.ForeignKeyScan:
		if ref != nil {
			s += r.seconds(analysis.CheckScan, ref.HeapBytes, ref.Rows)
		}
	}
	return s / Spread, s * Spread
}
