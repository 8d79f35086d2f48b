package drift

import (
	"context"
	"fmt"
	"io"

	"github.com/migrate-guard/migrate-guard/deploy"
)

// DeployHook returns the check `deploy --check-drift` runs once it holds the
// migration lock and before it applies anything: on drift it prints the
// report to out and refuses the deploy (a deploy.RefusedError), unless
// allow, which only warns. A check that cannot tell stops the deploy too.
func DeployHook(opts *Options, allow bool, out io.Writer) func(context.Context) error {
	return func(ctx context.Context) error {
		rep, err := Check(ctx, opts)
		if err != nil {
			return err
		}
		if rep.Clean() {
			fmt.Fprintf(out, "no drift from the %d applied migrations\n", rep.Applied)
			return nil
		}
		rep.WriteText(out)
		if allow {
			fmt.Fprintln(out, "warning: deploying over the drift (allow-drift)")
			return nil
		}
		return &deploy.RefusedError{Msg: fmt.Sprintf("the database has drifted from its history (%d %s)", len(rep.Drift), plural(len(rep.Drift), "difference")),
			Next: "nothing was applied; fold the drift back with `migrate-guard drift --write-migration NAME`, or deploy anyway with --allow-drift"}
	}
}
