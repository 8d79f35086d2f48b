package action

import (
	"fmt"
	"sort"
	"strconv"

	gha "github.com/sethvargo/go-githubactions"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
)

// perStep is how many annotations of each level GitHub shows for a step;
// it drops the rest silently.
const perStep = 10

// annotation is one error, warning or notice shown on a file (or on the
// run, without a file).
type annotation struct {
	sev                        analysis.Severity
	file                       string
	line, col, endLine, endCol int
	title, msg                 string
}

func findingAnnotation(f lint.Finding) annotation {
	msg := f.Message
	if f.Help != "" {
		msg += "\n\n" + f.Help
	}
	return annotation{sev: f.Severity, file: f.File, line: f.Line, col: f.Column, endLine: f.EndLine, endCol: f.EndColumn, title: f.Rule, msg: msg}
}

// annotate emits the annotations, most severe first, as many of each level
// as GitHub shows, then one notice saying how many more the job summary
// holds.
func annotate(a *gha.Action, anns []annotation) {
	sort.SliceStable(anns, func(i, j int) bool { return anns[i].sev > anns[j].sev })
	count := map[analysis.Severity]int{}
	for _, an := range anns {
		count[an.sev]++
	}
	limit := map[analysis.Severity]int{analysis.Error: perStep, analysis.Warning: perStep, analysis.Notice: perStep}
	if count[analysis.Error] > perStep || count[analysis.Warning] > perStep || count[analysis.Notice] > perStep {
		limit[analysis.Notice]-- // the closing notice takes the last notice slot
	}
	shown := map[analysis.Severity]int{}
	for _, an := range anns {
		if shown[an.sev] < limit[an.sev] {
			shown[an.sev]++
			emit(a, an)
		}
	}
	if dropped := len(anns) - shown[analysis.Error] - shown[analysis.Warning] - shown[analysis.Notice]; dropped > 0 {
		a.Noticef("%s", fmt.Sprintf("migrate-guard: %d more not shown as annotations (GitHub shows %d errors, %d warnings and %d notices per step); every finding is in the job summary.", dropped, perStep, perStep, perStep))
	}
}

// emit writes one annotation. Messages go through "%s": they may hold %.
func emit(a *gha.Action, an annotation) {
	fields := map[string]string{}
	if an.title != "" {
		fields["title"] = an.title
	}
	if an.file != "" {
		fields["file"] = an.file
		for k, v := range map[string]int{"line": an.line, "col": an.col, "endLine": an.endLine, "endColumn": an.endCol} {
			if v > 0 {
				fields[k] = strconv.Itoa(v)
			}
		}
	}
	w := a.WithFieldsMap(fields)
	switch an.sev {
	case analysis.Error:
		w.Errorf("%s", an.msg)
	case analysis.Warning:
		w.Warningf("%s", an.msg)
	default:
		w.Noticef("%s", an.msg)
	}
}
