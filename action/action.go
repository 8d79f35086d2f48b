// Package action runs migrate-guard as a GitHub Action: it reads the inputs
// action.yml declares from INPUT_* variables, lints the migrations a pull
// request adds or changes (checking the history against the base branch),
// deploys or checks status, and reports through annotations, the job
// summary, a sticky pull request comment, SARIF and step outputs.
package action

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gha "github.com/sethvargo/go-githubactions"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/report"
	"github.com/migrate-guard/migrate-guard/stats"
)

// Exit codes, as the command line's.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// ReportJSON is where the JSON report is written, relative to the
// workspace, so that later steps of the job can read it.
const ReportJSON = "migrate-guard-report.json"

// apiTimeout bounds all GitHub API calls of a run.
const apiTimeout = 2 * time.Minute

// runner holds one run's state.
type runner struct {
	version string
	a       *gha.Action
	out     io.Writer
	in      *inputs
	gh      *gha.GitHubContext
	pr      *pullRequest // nil outside pull requests
	api     *client      // nil without a token
	root    string       // the workspace; reported paths are relative to it
	cfg     *lint.Config
	sets    []*migrations.Set

	anns     []annotation
	lintDirs []lintDir
	lintRes  *lint.Result // every directory's findings together
	deploys  []deployRun
	statuses []statusRun
	applied  int
	pending  int
	code     int
}

// Main runs the action and returns the exit code. getenv reads the
// environment (INPUT_*, GITHUB_*); workflow commands go to stdout.
func Main(version string, getenv func(string) string, stdout io.Writer) int {
	r := &runner{version: version, out: stdout, a: gha.New(gha.WithWriter(stdout), gha.WithGetenv(getenv))}
	return r.run()
}

func (r *runner) run() int {
	in, err := readInputs(r.a)
	if err != nil {
		return r.fatal(err)
	}
	r.in = in
	if err := r.setup(); err != nil {
		return r.fatal(err)
	}
	if in.steps["lint"] {
		r.lint()
		if in.shadowURL != "" {
			r.trace()
		}
	}
	if in.steps["deploy"] {
		if r.code != exitOK {
			r.warn("migrate-guard: deploy skipped: lint found problems at or above fail-on")
		} else {
			r.deploy()
		}
	}
	if in.steps["status"] {
		r.status()
	}
	r.finish()
	return r.code
}

// fatal reports an error that stops the run before anything was checked.
func (r *runner) fatal(err error) int {
	r.a.Errorf("%s", "migrate-guard: "+err.Error())
	return exitUsage
}

// setup reads the workflow's context, the configuration and the
// migrations directories.
func (r *runner) setup() error {
	gh, err := r.a.Context()
	if gh == nil {
		return err
	}
	r.gh = gh
	if r.root, err = os.Getwd(); err != nil {
		return err
	}
	r.pr = pullRequestOf(gh)
	if r.in.token != "" {
		r.api = newClient(gh.APIURL, r.in.token)
	}
	if r.cfg, err = r.loadConfig(); err != nil {
		return err
	}
	r.sets, err = migrations.Discover(r.in.dirs)
	if err == nil && (r.in.steps["deploy"] || r.in.steps["status"]) && len(r.sets) != 1 {
		err = fmt.Errorf("deploy and status take one migrations directory, found %d in %s: use one step per database", len(r.sets), strings.Join(r.in.dirs, ", "))
	}
	return err
}

func (r *runner) loadConfig() (*lint.Config, error) {
	path := r.in.config
	if path == "" {
		path = lint.FindConfig(r.root)
		if rel, err := filepath.Rel(r.root, path); path != "" && err == nil {
			path = rel // its migrations dirs then read relative to the workspace
		}
	}
	cfg := lint.DefaultConfig()
	if path != "" {
		var err error
		if cfg, err = lint.LoadConfig(path); err != nil {
			return nil, err
		}
	}
	if r.in.pgVersion != 0 {
		if err := cfg.SetPGVersion(r.in.pgVersion); err != nil {
			return nil, fmt.Errorf("input pg-version: %w", err)
		}
	}
	if r.in.failOn != "" {
		if err := cfg.SetFailOn(r.in.failOn); err != nil {
			return nil, fmt.Errorf("input fail-on: %w", err)
		}
	}
	if r.in.deployedBy != "" {
		if err := cfg.SetDeployedBy(r.in.deployedBy, "input deployed-by"); err != nil {
			return nil, fmt.Errorf("input deployed-by: %w", err)
		}
	}
	return cfg, r.loadStats(cfg)
}

// loadStats sizes the findings with the stats-file input, or with a
// snapshot taken through stats-database-url (a read-only replica's secret).
func (r *runner) loadStats(cfg *lint.Config) error {
	switch {
	case r.in.statsFile != "":
		if err := cfg.LoadStats(r.in.statsFile); err != nil {
			return fmt.Errorf("input stats-file: %w", err)
		}
	case r.in.statsURL != "":
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		f, err := stats.Snapshot(ctx, r.in.statsURL)
		if err != nil {
			return fmt.Errorf("input stats-database-url: %w", err)
		}
		cfg.Stats = f
	}
	return nil
}

// pullRequestOf returns the pull request of a pull_request or
// pull_request_target event, or nil.
func pullRequestOf(gh *gha.GitHubContext) *pullRequest {
	if gh.EventName != "pull_request" && gh.EventName != "pull_request_target" {
		return nil
	}
	p, _ := gh.Event["pull_request"].(map[string]any)
	num, _ := p["number"].(float64) // JSON numbers decode as float64
	if num == 0 {
		num, _ = gh.Event["number"].(float64)
	}
	if num == 0 {
		return nil
	}
	pr := &pullRequest{number: int(num), baseRef: "the base branch"}
	pr.owner, pr.repo = gh.Repo()
	if base, ok := p["base"].(map[string]any); ok {
		if ref, ok := base["ref"].(string); ok && ref != "" {
			pr.baseRef = ref
		}
		pr.baseSHA, _ = base["sha"].(string)
	}
	if head, ok := p["head"].(map[string]any); ok {
		pr.headSHA, _ = head["sha"].(string)
	}
	return pr
}

// repoPath turns a path as discovered (relative to the working directory,
// or absolute) into a slash-separated path relative to the repository root,
// as annotations and the GitHub API name files.
func (r *runner) repoPath(p string) string {
	if filepath.IsAbs(p) {
		if rel, err := filepath.Rel(r.root, p); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// warn records a warning about the run itself (not about a file).
func (r *runner) warn(msg string) {
	r.anns = append(r.anns, annotation{sev: analysis.Warning, msg: msg})
}

// group runs f inside a collapsible log group. Workflow commands are off
// inside it, so that text quoted from a migration cannot issue one.
func (r *runner) group(title string, f func(w io.Writer)) {
	r.a.Group(title)
	token := fmt.Sprintf("migrate-guard-%d", time.Now().UnixNano())
	r.a.IssueCommand(&gha.Command{Name: "stop-commands", Message: token})
	f(r.out)
	r.a.IssueCommand(&gha.Command{Name: token})
	r.a.EndGroup()
}

// runURL is the address of this workflow run, or "".
func (r *runner) runURL() string {
	if r.gh.RunID == 0 || r.gh.Repository == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/actions/runs/%d", r.gh.ServerURL, r.gh.Repository, r.gh.RunID)
}

// fileURL links a line of a file at the commit being checked.
func (r *runner) fileURL(p string, line int) string {
	sha := r.gh.SHA
	if r.pr != nil && r.pr.headSHA != "" {
		sha = r.pr.headSHA
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return fmt.Sprintf("%s/%s/blob/%s/%s#L%d", r.gh.ServerURL, r.gh.Repository, sha, strings.Join(segs, "/"), line)
}

// finish writes every report and output.
func (r *runner) finish() {
	if r.lintRes != nil {
		for _, f := range r.lintRes.Findings {
			r.anns = append(r.anns, findingAnnotation(f))
		}
		if r.in.sarifFile != "" {
			r.writeFile(r.in.sarifFile, func(w io.Writer) error { return report.SARIF(w, r.lintRes, r.version) })
		}
	}
	r.writeFile(ReportJSON, r.writeJSON)
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	r.stickyComments(ctx)
	summary := renderMarkdown(&markdownReport{
		Title: "migrate-guard", Limit: summaryLimit - 1, FileURL: r.fileURL,
		Lint: r.lintDirs, Deploys: r.deploys, Status: r.statuses,
	})
	if err := addSummary(r.a, summary); err != nil {
		r.warn("migrate-guard: " + err.Error())
	}
	r.outputs()
	annotate(r.a, r.anns)
}

func (r *runner) writeFile(path string, write func(io.Writer) error) {
	err := os.MkdirAll(filepath.Dir(path), 0o755)
	var f *os.File
	if err == nil {
		f, err = os.Create(path)
	}
	if err == nil {
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		r.warn(fmt.Sprintf("migrate-guard: writing %s: %v", path, err))
	}
}

// jsonReport is the report-json file: the lint report's shape, plus the
// deploy and status results.
type jsonReport struct {
	Version  int            `json:"version"`
	Files    int            `json:"files"`
	Findings []lint.Finding `json:"findings"`
	Deploys  []jsonDeploy   `json:"deploys"`
	Status   []jsonStatus   `json:"status"`
}

type jsonDeploy struct {
	Dir      string        `json:"dir"`
	Target   string        `json:"target,omitempty"`
	Applied  []jsonApplied `json:"applied"`
	Skipped  int           `json:"already_applied"`
	Warnings []string      `json:"warnings"`
	Error    string        `json:"error,omitempty"`
}

type jsonApplied struct {
	Name   string `json:"name"`
	TookMS int64  `json:"took_ms"`
}

type jsonStatus struct {
	Dir        string `json:"dir"`
	Target     string `json:"target,omitempty"`
	Migrations any    `json:"migrations"`
	Error      string `json:"error,omitempty"`
}

func (r *runner) writeJSON(w io.Writer) error {
	doc := jsonReport{Version: report.JSONVersion, Findings: []lint.Finding{}, Deploys: []jsonDeploy{}, Status: []jsonStatus{}}
	if r.lintRes != nil {
		doc.Files, doc.Findings = r.lintRes.Files, append(doc.Findings, r.lintRes.Findings...)
	}
	for _, d := range r.deploys {
		jd := jsonDeploy{Dir: d.Dir, Applied: []jsonApplied{}, Warnings: append([]string{}, d.Warnings...)}
		if d.Summary != nil {
			jd.Target, jd.Skipped = d.Summary.Target, d.Summary.Skipped
			for _, a := range d.Summary.Applied {
				jd.Applied = append(jd.Applied, jsonApplied{Name: a.Name, TookMS: a.Took.Milliseconds()})
			}
		}
		if d.Err != nil {
			jd.Error = d.Err.Error()
		}
		doc.Deploys = append(doc.Deploys, jd)
	}
	for _, s := range r.statuses {
		js := jsonStatus{Dir: s.Dir, Migrations: []any{}}
		if s.Report != nil {
			js.Target, js.Migrations = s.Report.Target, s.Report.Migrations
		}
		if s.Err != nil {
			js.Error = s.Err.Error()
		}
		doc.Status = append(doc.Status, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// outputs sets the step outputs action.yml declares.
func (r *runner) outputs() {
	counts := map[analysis.Severity]int{}
	total := 0
	if r.lintRes != nil {
		total = len(r.lintRes.Findings)
		for _, f := range r.lintRes.Findings {
			counts[f.Severity]++
		}
	}
	for _, o := range []struct{ name, value string }{
		{"findings", strconv.Itoa(total)},
		{"errors", strconv.Itoa(counts[analysis.Error])},
		{"warnings", strconv.Itoa(counts[analysis.Warning])},
		{"applied", strconv.Itoa(r.applied)},
		{"pending", strconv.Itoa(r.pending)},
		{"report-json", ReportJSON},
	} {
		if err := setOutput(r.a, o.name, o.value); err != nil {
			r.warn("migrate-guard: " + err.Error())
		}
	}
}
