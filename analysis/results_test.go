package analysis

import (
	"testing"

	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

func TestResultComputedOncePerFile(t *testing.T) {
	calls := 0
	count := NewResult("statements", func(p *Pass) int { calls++; return len(p.File.Stmts) })
	f := &sqlfile.File{Stmts: []*sqlfile.Stmt{{Index: 0}, {Index: 1}}}
	p := &Pass{File: f, Facts: NewFileFacts(f, catalog.New())}
	for _, s := range f.Stmts {
		p.Stmt = s
		if got := count.Of(p); got != 2 {
			t.Fatalf("Of = %d, want 2", got)
		}
	}
	if calls != 1 {
		t.Errorf("computed %d times for one file, want once", calls)
	}
	p.Facts = NewFileFacts(f, catalog.New())
	count.Of(p)
	if calls != 2 {
		t.Errorf("a new file's facts reused the old result")
	}
}

func TestReportedBy(t *testing.T) {
	f := &sqlfile.File{Stmts: []*sqlfile.Stmt{{Index: 0}, {Index: 1}}}
	p := &Pass{File: f, Facts: NewFileFacts(f, catalog.New())}
	named, other := &Rule{ID: "a", NamesHeldLocks: true}, &Rule{ID: "b"}
	p.Facts.NoteReport(1, other, &Impact{Work: Work{Table: catalog.Name{Name: "t"}, Op: IndexBuild}})
	p.Facts.NoteReport(0, named, nil)
	held := func(r *Rule) bool { return r.NamesHeldLocks }
	if !p.ReportedBy(0, held) || p.ReportedBy(1, held) {
		t.Errorf("ReportedBy = %v, %v; want true, false", p.ReportedBy(0, held), p.ReportedBy(1, held))
	}
	// The work sized on a statement, once however often it is reported,
	// and never from a rule that itself adds up reports.
	reader := &Rule{ID: "c", ReadsReports: true}
	p.Facts.NoteReport(1, other, &Impact{Work: Work{Table: catalog.Name{Name: "t"}, Op: IndexBuild}})
	p.Facts.NoteReport(1, reader, &Impact{Work: Work{Table: catalog.Name{Name: "u"}, Op: Rewrite}})
	if got := p.SizedWork(1); len(got) != 1 || got[0].Table.Name != "t" {
		t.Errorf("SizedWork(1) = %v, want the index build on t alone", got)
	}
	if got := p.SizedWork(0); len(got) != 0 {
		t.Errorf("SizedWork(0) = %v, want none", got)
	}
}
