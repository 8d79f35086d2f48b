package action

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	gha "github.com/sethvargo/go-githubactions"

	"github.com/migrate-guard/migrate-guard/deploy"
)

// The steps the command input may name, in the order they run.
var steps = []string{"lint", "deploy", "status"}

// inputs are the action's inputs, as action.yml declares them.
type inputs struct {
	steps            map[string]bool
	dirs             []string
	databaseURL      string
	config           string
	pgVersion        int
	failOn           string
	deployedBy       string
	onlyChanged      bool
	comment          bool
	token            string
	sarifFile        string
	lockTimeout      time.Duration
	statementTimeout time.Duration
	lockWait         time.Duration
	retries          int
}

// readInputs reads and checks the inputs. The secrets are masked first, so
// that no later line of the log, an error included, can show them.
func readInputs(a *gha.Action) (*inputs, error) {
	in := &inputs{databaseURL: a.GetInput("database-url"), token: a.GetInput("github-token")}
	mask(a, in.databaseURL, in.token)
	in.config = a.GetInput("config")
	in.failOn = a.GetInput("fail-on")
	in.deployedBy = a.GetInput("deployed-by")
	in.sarifFile = a.GetInput("sarif-file")
	in.dirs = list(a.GetInput("migrations-dir"))
	if len(in.dirs) == 0 {
		in.dirs = []string{"prisma/migrations"}
	}
	d := deploy.DefaultOptions()
	var errs []error
	in.steps, errs = parseSteps(a.GetInput("command"))
	in.pgVersion = number(a, "pg-version", 0, &errs)
	in.onlyChanged = boolean(a, "only-changed", true, &errs)
	in.comment = boolean(a, "comment", true, &errs)
	in.lockTimeout = duration(a, "lock-timeout", d.LockTimeout, &errs)
	in.statementTimeout = duration(a, "statement-timeout", 0, &errs)
	in.lockWait = duration(a, "lock-wait", d.LockWait, &errs)
	in.retries = number(a, "retries", d.Retries, &errs)
	if (in.steps["deploy"] || in.steps["status"]) && in.databaseURL == "" {
		errs = append(errs, errors.New("input database-url is required for deploy and status (pass a secret: database-url: ${{ secrets.DATABASE_URL }})"))
	}
	return in, errors.Join(errs...)
}

// mask hides the secrets from the log: each whole, and the database
// password alone, which a driver's message could quote.
func mask(a *gha.Action, databaseURL, token string) {
	secrets := []string{databaseURL, token}
	if t, err := deploy.ParseURL(databaseURL); err == nil {
		secrets = append(secrets, t.Config.Password)
	}
	for _, s := range secrets {
		for _, line := range strings.Split(s, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				a.AddMask(line)
			}
		}
	}
}

func parseSteps(s string) (map[string]bool, []error) {
	out := map[string]bool{}
	for _, name := range list(s) {
		known := false
		for _, st := range steps {
			known = known || st == name
		}
		if !known {
			return nil, []error{fmt.Errorf("input command: %q is not lint, deploy, status or lint,deploy", s)}
		}
		out[name] = true
	}
	if len(out) == 0 {
		out["lint"] = true
	}
	return out, nil
}

// list splits an input holding several values, one a line or separated by
// commas.
func list(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func boolean(a *gha.Action, name string, def bool, errs *[]error) bool {
	v := a.GetInput(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("input %s: %q is not true or false", name, v))
	}
	return b
}

func number(a *gha.Action, name string, def int, errs *[]error) int {
	v := a.GetInput(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		*errs = append(*errs, fmt.Errorf("input %s: %q is not a whole number", name, v))
	}
	return n
}

func duration(a *gha.Action, name string, def time.Duration, errs *[]error) time.Duration {
	v := a.GetInput(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		*errs = append(*errs, fmt.Errorf("input %s: %q is not a duration such as 5s or 2m", name, v))
	}
	return d
}
