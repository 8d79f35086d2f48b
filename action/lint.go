package action

import (
	"context"
	"fmt"
	"io"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/report"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// lint lints every migrations directory: on a pull request, the migrations
// it adds or modifies, with the checks against the base branch; otherwise
// all of them.
func (r *runner) lint() {
	var ch *changes
	if r.pr != nil && r.in.onlyChanged {
		ch = r.prChanges()
	}
	r.lintRes = &lint.Result{Sources: map[string]*sqlfile.File{}}
	for _, s := range r.sets {
		d, ok := r.lintSet(s, ch)
		if !ok {
			return
		}
		r.lintDirs = append(r.lintDirs, d)
		if d.Result != nil {
			r.lintRes.Files += d.Result.Files
			r.lintRes.Findings = append(r.lintRes.Findings, d.Result.Findings...)
		}
	}
	if r.lintRes.Failed(r.cfg) {
		r.code = max(r.code, exitFindings)
	}
}

// prChanges lists the pull request's files, or returns nil, with a
// warning, when it cannot: then everything is linted.
func (r *runner) prChanges() *changes {
	if r.api == nil {
		r.warn("migrate-guard: no github-token, so the pull request's files cannot be listed: linting every migration, without the checks against the base branch")
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	files, err := r.api.prFiles(ctx, r.pr)
	if err != nil {
		r.warn(fmt.Sprintf("migrate-guard: %v: linting every migration, without the checks against the base branch", err))
		return nil
	}
	return newChanges(files)
}

// lintSet lints one directory; ok is false when the run must stop.
func (r *runner) lintSet(s *migrations.Set, ch *changes) (d lintDir, ok bool) {
	d.Dir = r.repoPath(s.Dir)
	res := &lint.Result{Sources: map[string]*sqlfile.File{}}
	selected := len(s.Migrations)
	var extra []lint.Finding
	if ch != nil {
		selected = ch.selectChanged(s, r.repoPath)
		extra = ch.baseChecks(s, r.repoPath, r.pr, r.cfg)
		if selected == 0 && len(extra) == 0 {
			d.Note = "No migration in this directory changed in this pull request."
			return d, true
		}
		d.Note = fmt.Sprintf("Linted the %s this pull request adds or changes; the other %d were replayed as schema context.", count(selected, "migration"), len(s.Migrations)-selected)
	} else {
		d.Note = fmt.Sprintf("Linted all %s.", count(selected, "migration"))
	}
	if selected > 0 {
		var err error
		if res, err = lint.Run([]*migrations.Set{s}, r.releaseConfig(s, &d)); err != nil {
			r.anns = append(r.anns, annotation{sev: analysis.Error, msg: "migrate-guard: " + err.Error()})
			r.code = exitUsage
			return d, false
		}
	}
	res.Findings = append(res.Findings, extra...)
	r.group("Lint "+d.Dir, func(w io.Writer) { _ = report.Text(w, res, false) })
	for i := range res.Findings {
		res.Findings[i].File = r.repoPath(res.Findings[i].File)
	}
	d.Result = res
	return d, true
}

// releaseConfig returns the configuration with the release schemas of the
// pull request, and says in the directory's note whether release
// compatibility was checked.
func (r *runner) releaseConfig(s *migrations.Set, d *lintDir) *lint.Config {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	rel, why := r.release(ctx, s)
	if rel == nil {
		d.Note += " Release compatibility was not checked: " + why + "."
		return r.cfg
	}
	d.Note += fmt.Sprintf(" Release compatibility was checked against the schema.prisma of the base commit %.7s.", r.pr.baseSHA)
	cfg := *r.cfg
	cfg.Release = rel
	return &cfg
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
