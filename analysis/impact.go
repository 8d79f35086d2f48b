package analysis

import "github.com/migrate-guard/migrate-guard/catalog"

// Operation is the work a statement does on a table's existing rows while it
// holds its lock: what decides how long the lock lasts. The lint engine
// estimates that time from the table's size when it has production
// statistics (package stats).
type Operation int

// The operations a finding can be about.
const (
	// Rewrite copies every row into a new heap and rebuilds every index.
	Rewrite Operation = iota + 1
	// IndexBuild builds a btree index: one scan of the table and a sort.
	IndexBuild
	// UniqueIndexBuild builds a unique btree index.
	UniqueIndexBuild
	// ConcurrentIndexBuild builds an index CONCURRENTLY: two scans and a
	// validation, without blocking reads or writes.
	ConcurrentIndexBuild
	// CheckScan reads every row to validate a CHECK constraint.
	CheckScan
	// ForeignKeyScan reads every row and looks each key up in the
	// referenced table to validate a FOREIGN KEY.
	ForeignKeyScan
	// NotNullScan reads every row to prove SET NOT NULL.
	NotNullScan
	// IndexesRebuild rebuilds every index of the table (REINDEX TABLE):
	// one index build each, without the heap copy of a rewrite.
	IndexesRebuild
	// Copy copies the pages of the table, or of Work.Index, as they are
	// (SET TABLESPACE): no index is rebuilt.
	Copy
)

var operationNames = [...]string{"", "rewrite", "index build", "unique index build", "concurrent index build",
	"CHECK validation scan", "FOREIGN KEY validation scan", "SET NOT NULL scan", "rebuild of every index", "page copy"}

func (o Operation) String() string { return operationNames[o] }

// Impact says what a finding is about, for sizing it: the table, the work
// done on its rows, and the lock held meanwhile. A rule sets it on the
// Diagnostic of a finding about a lock held during a scan, rewrite or index
// build on an existing table; the engine then states the table's size and
// the estimated blocking time, and lets the estimate set the severity.
type Impact struct {
	// Work is what is done on Table's rows. When its Op is 0, the finding
	// is about a lock held on Table while the statements of Held run (a
	// lock lasts until its transaction commits): the estimate is their sum.
	Work
	Held []Work
	// Lock is the strongest lock mode held on Table meanwhile, as
	// PostgreSQL names it ("ACCESS EXCLUSIVE"); Blocks says what it stops:
	// "reads and writes", "writes", or "" when nothing waits.
	Lock, Blocks string
	// KeepSeverity is set when the finding also says the statement fails
	// on existing data or loses data: the table's size may raise its
	// severity, never lower it.
	KeepSeverity bool
}

// Work is one operation on the rows of a table.
type Work struct {
	Table catalog.Name
	Op    Operation
	// Referenced is the table a FOREIGN KEY points to (ForeignKeyScan).
	Referenced catalog.Name
	// Index, for Copy, is the index copied instead of the table.
	Index catalog.Name
}

// Items is the work the estimate of an impact sums.
func (im *Impact) Items() []Work {
	if im.Op == 0 {
		return im.Held
	}
	return []Work{im.Work}
}
