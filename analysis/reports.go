package analysis

// ReportedBy reports whether a rule for which by is true reported statement
// i of the file. It knows the statements before the current one, and the
// current one when the asking rule sets ReadsReports; a finding counts even
// when a suppression hides it later.
func (p *Pass) ReportedBy(i int, by func(*Rule) bool) bool {
	for _, r := range p.Facts.reported[i] {
		if by(r) {
			return true
		}
	}
	return false
}

// NoteReport records that rule r reported statement i: the engine calls it
// for each finding a rule reports.
func (ff *FileFacts) NoteReport(i int, r *Rule) {
	if ff.reported == nil {
		ff.reported = map[int][]*Rule{}
	}
	ff.reported[i] = append(ff.reported[i], r)
}
