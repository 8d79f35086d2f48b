package action

import (
	"context"
	"io"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/shadow"
	"github.com/migrate-guard/migrate-guard/trace"
)

// trace runs the migrations lint linted in each directory on a temporary
// database of the shadow-database-url server, and adds what was observed
// to the directory's report: its findings, and the "Observed on
// PostgreSQL" section. A trace that cannot run is a warning: the lint
// result stands.
func (r *runner) trace() {
	for i := range r.lintDirs {
		d := &r.lintDirs[i]
		if d.Result == nil || d.Result.Files == 0 || i >= len(r.sets) {
			continue
		}
		res, err := r.traceSet(r.sets[i])
		if err != nil {
			r.warn("migrate-guard: trace of " + d.Dir + ": " + err.Error())
			continue
		}
		r.group("Trace "+d.Dir, func(w io.Writer) { _ = trace.Text(w, res, false) })
		for _, st := range res.Statements {
			st.File = r.repoPath(st.File)
		}
		for _, f := range res.Findings {
			f.File = r.repoPath(f.File)
			d.Result.Findings = append(d.Result.Findings, f)
			r.lintRes.Findings = append(r.lintRes.Findings, f)
			if f.Severity >= r.cfg.FailOn && r.cfg.FailOn != analysis.Off {
				r.code = max(r.code, exitFindings)
			}
		}
		d.Observed = trace.Markdown(res)
	}
}

func (r *runner) traceSet(s *migrations.Set) (*trace.Result, error) {
	ctx := context.Background()
	db, err := shadow.Open(ctx, shadow.Options{URL: r.in.shadowURL})
	if err != nil {
		return nil, err
	}
	res, err := trace.Run(ctx, []*migrations.Set{s}, trace.Options{URL: db.URL(), Config: r.cfg, Stats: r.cfg.Stats})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return res, err
}
