package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/deploy"
)

// deployOptions are the deploy inputs for the one migrations directory.
func (r *runner) deployOptions() *deploy.Options {
	o := deploy.DefaultOptions()
	o.Dir = r.sets[0].Dir
	o.DatabaseURL = r.in.databaseURL
	o.LockTimeout, o.StatementTimeout, o.LockWait, o.Retries = r.in.lockTimeout, r.in.statementTimeout, r.in.lockWait, r.in.retries
	return o
}

// signalContext is cancelled when the runner stops the container (a
// cancelled workflow), so that a deploy stops between statements and still
// releases its lock.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// deploy applies the pending migrations; the history's warnings (applied
// migrations modified or missing on disk) become warnings on their files.
func (r *runner) deploy() {
	o := r.deployOptions()
	run := deployRun{Dir: r.repoPath(o.Dir)}
	o.Warn = func(path, msg string) {
		run.Warnings = append(run.Warnings, msg)
		r.anns = append(r.anns, annotation{sev: analysis.Warning, file: r.repoPath(path), title: "migrate-guard deploy", msg: msg})
	}
	ctx, stop := signalContext()
	defer stop()
	r.group("Deploy "+run.Dir, func(w io.Writer) {
		o.Out = w
		run.Summary, run.Err = deploy.Deploy(ctx, o)
		if run.Err != nil {
			fmt.Fprintln(w, "migrate-guard:", run.Err)
		}
	})
	if s := run.Summary; s != nil {
		r.applied = len(s.Applied)
		r.pending = max(0, len(r.sets[0].Migrations)-s.Skipped-len(s.Applied))
	}
	if run.Err != nil {
		r.failDeploy(run.Err)
	}
	r.deploys = append(r.deploys, run)
}

// failDeploy reports a failed deploy on the failing line when there is one.
// A failed migration or a refused deploy exits 1, anything else (no
// connection, bad URL) 2, as on the command line.
func (r *runner) failDeploy(err error) {
	an := annotation{sev: analysis.Error, title: "migrate-guard deploy", msg: err.Error()}
	var me *deploy.MigrationError
	var re *deploy.RefusedError
	switch {
	case errors.As(err, &me):
		an.file, an.line, an.col = r.repoPath(me.Path), me.Line, me.Col
		r.code = max(r.code, exitFindings)
	case errors.As(err, &re):
		r.code = max(r.code, exitFindings)
	default:
		r.code = exitUsage
	}
	r.anns = append(r.anns, an)
}

// status compares the directory with the database: failed, pending,
// modified and missing migrations become annotations, and any migration
// not applied fails the step.
func (r *runner) status() {
	o := r.deployOptions()
	run := statusRun{Dir: r.repoPath(o.Dir)}
	ctx, stop := signalContext()
	defer stop()
	r.group("Status "+run.Dir, func(w io.Writer) {
		run.Report, run.Err = deploy.Status(ctx, o)
		if run.Err != nil {
			fmt.Fprintln(w, "migrate-guard:", run.Err)
			return
		}
		for _, m := range run.Report.Migrations {
			fmt.Fprintf(w, "  %-12s %s\n", m.State, m.Name)
		}
	})
	r.statuses = append(r.statuses, run)
	if run.Err != nil {
		r.failDeploy(run.Err)
		return
	}
	var waiting []string
	for _, m := range run.Report.Migrations {
		an := annotation{file: r.repoPath(m.Path), title: "migrate-guard status"}
		switch m.State {
		case deploy.StatePending, deploy.StateRolledBack:
			waiting = append(waiting, m.Name)
			continue
		case deploy.StateFailed:
			an.sev, an.msg = analysis.Error, fmt.Sprintf("migration %s failed on %s and blocks every later deploy until it is resolved: %s", m.Name, run.Report.Target, m.Logs)
		case deploy.StateModified:
			an.sev, an.msg = analysis.Warning, fmt.Sprintf("migration %s was modified after it was applied to %s; the database does not contain the change", m.Name, run.Report.Target)
		case deploy.StateMissing:
			an.sev, an.file, an.msg = analysis.Warning, run.Dir, fmt.Sprintf("migration %s is applied to %s but missing from %s", m.Name, run.Report.Target, run.Dir)
		default:
			continue
		}
		r.anns = append(r.anns, an)
	}
	r.pending = len(waiting)
	if len(waiting) > 0 {
		r.anns = append(r.anns, annotation{sev: analysis.Error, title: "migrate-guard status",
			msg: fmt.Sprintf("%s not applied to %s: %s", count(len(waiting), "migration"), run.Report.Target, strings.Join(waiting, ", "))})
	}
	if !run.Report.Clean() {
		r.code = max(r.code, exitFindings)
	}
}
