package analysis

import "slices"

// report is one finding a rule reported on a statement, as the engine saw
// it before folding and suppression.
type report struct {
	rule   *Rule
	impact *Impact
}

// ReportedBy reports whether a rule for which by is true reported statement
// i of the file. It knows the statements before the current one, and, when
// the asking rule sets ReadsReports, every statement of the file; a finding
// counts even when a suppression hides it later.
func (p *Pass) ReportedBy(i int, by func(*Rule) bool) bool {
	for _, r := range p.Facts.reported[i] {
		if by(r.rule) {
			return true
		}
	}
	return false
}

// SizedWork returns the work that rules which do not read reports sized on
// statement i (the Impacts of their findings, whatever their severity), for
// a rule that sets ReadsReports and adds up the work done while a lock is
// held.
func (p *Pass) SizedWork(i int) []Work {
	var out []Work
	for _, r := range p.Facts.reported[i] {
		if r.impact == nil || r.rule.ReadsReports {
			continue
		}
		for _, w := range r.impact.Items() {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// NoteReport records that rule r reported statement i, with the finding's
// impact (nil when it has none): the engine calls it for each finding.
func (ff *FileFacts) NoteReport(i int, r *Rule, im *Impact) {
	if ff.reported == nil {
		ff.reported = map[int][]report{}
	}
	ff.reported[i] = append(ff.reported[i], report{r, im})
}
