// Package locks is migrate-guard's model of PostgreSQL's table-level locks:
// the eight lock modes, which of them conflict, what each one does to an
// application's queries, and which locks a statement takes (see Of). Rules
// build their messages from it, so "which lock, on which table, blocking
// what" is decided in one place.
//
// The source is the PostgreSQL documentation, chapter "Concurrency Control",
// section "Explicit Locking" (13.3.1 Table-Level Locks, Table 13.2
// "Conflicting Lock Modes"), and the Notes and per-form lock levels of the
// ALTER TABLE reference page. TestLocksOnPostgres holds the model to what a
// real server takes.
package locks

import (
	"strings"

	"github.com/migrate-guard/migrate-guard/catalog"
)

// Mode is a table-level lock mode. The values are PostgreSQL's own lock
// mode numbers (AccessShareLock = 1 ... AccessExclusiveLock = 8), which LOCK
// TABLE's parse tree carries too, so a larger Mode is a stronger lock.
type Mode int

// The lock modes, weakest first. None is the zero value: no lock.
const (
	None Mode = iota
	AccessShare
	RowShare
	RowExclusive
	ShareUpdateExclusive
	Share
	ShareRowExclusive
	Exclusive
	AccessExclusive
)

var modeNames = [...]string{"no", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
	"SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"}

// String is the mode's name as the documentation and LOCK TABLE write it.
func (m Mode) String() string {
	if m < None || m > AccessExclusive {
		return "unknown"
	}
	return modeNames[m]
}

// PGName is the mode's name in pg_locks.mode, e.g. "AccessExclusiveLock".
func (m Mode) PGName() string {
	if m <= None || m > AccessExclusive {
		return ""
	}
	var b strings.Builder
	for _, w := range strings.Fields(strings.ToLower(m.String())) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String() + "Lock"
}

// conflicts is Table 13.2 of the documentation, "Conflicting Lock Modes":
// for each requested mode, the held modes it waits for.
var conflicts = [...][]Mode{
	AccessShare:          {AccessExclusive},
	RowShare:             {Exclusive, AccessExclusive},
	RowExclusive:         {Share, ShareRowExclusive, Exclusive, AccessExclusive},
	ShareUpdateExclusive: {ShareUpdateExclusive, Share, ShareRowExclusive, Exclusive, AccessExclusive},
	Share:                {RowExclusive, ShareUpdateExclusive, ShareRowExclusive, Exclusive, AccessExclusive},
	ShareRowExclusive:    {RowExclusive, ShareUpdateExclusive, Share, ShareRowExclusive, Exclusive, AccessExclusive},
	Exclusive:            {RowShare, RowExclusive, ShareUpdateExclusive, Share, ShareRowExclusive, Exclusive, AccessExclusive},
	AccessExclusive:      {AccessShare, RowShare, RowExclusive, ShareUpdateExclusive, Share, ShareRowExclusive, Exclusive, AccessExclusive},
}

// Conflicts reports whether a lock in mode m and one in mode o cannot be
// held on the same table by two transactions at once.
func (m Mode) Conflicts(o Mode) bool {
	if m <= None || m > AccessExclusive {
		return false
	}
	for _, c := range conflicts[m] {
		if c == o {
			return true
		}
	}
	return false
}

// What the application's statements take on the tables they use (section
// 13.3.1: "Acquired by the SELECT command", "... SELECT FOR UPDATE ...",
// "... UPDATE, DELETE, INSERT, and MERGE").
const (
	readMode        = AccessShare  // SELECT
	lockingReadMode = RowShare     // SELECT ... FOR UPDATE/SHARE
	writeMode       = RowExclusive // INSERT, UPDATE, DELETE, MERGE
)

// Effect is what a lock does to an application's queries on its table.
type Effect struct {
	Reads        bool // SELECT waits
	LockingReads bool // SELECT ... FOR UPDATE/SHARE waits
	Writes       bool // INSERT, UPDATE, DELETE wait
}

// Blocks derives, from the conflict matrix, which of the application's
// statements wait while a lock in mode m is held.
func (m Mode) Blocks() Effect {
	return Effect{Reads: m.Conflicts(readMode), LockingReads: m.Conflicts(lockingReadMode), Writes: m.Conflicts(writeMode)}
}

// On says in words what the effect does to the application's queries on
// the named table(s), e.g. `blocks reads and writes on "Post"`. It reads as
// one clause, so it can sit inside a longer sentence.
func (e Effect) On(tables string) string {
	const writes = "writes (INSERT/UPDATE/DELETE)"
	switch {
	case e.Reads:
		return "blocks reads and writes on " + tables
	case e.Writes && e.LockingReads:
		return "blocks " + writes + " and SELECT ... FOR UPDATE/SHARE on " + tables + " but not plain reads"
	case e.Writes:
		return "blocks " + writes + " on " + tables + " but not reads"
	case e.LockingReads:
		return "blocks SELECT ... FOR UPDATE/SHARE on " + tables + " but not plain reads or writes"
	}
	return "blocks no reads or writes on " + tables
}

// BlocksQueries reports whether the mode makes any of the application's
// reads or writes wait.
func (m Mode) BlocksQueries() bool { e := m.Blocks(); return e.Reads || e.LockingReads || e.Writes }

// Target is the relation a lock is taken on.
type Target int

// The relations a lock can be taken on.
const (
	OnTable   Target = iota // the table (or view, materialized view) itself
	OnIndex                 // one index of the table, Lock.Index
	OnIndexes               // every index of the table
)

// Lock is one lock a statement takes.
//
// A lock on an index affects the table's queries as the same mode on the
// table would: the planner locks every index of a table it plans a query
// on, in the mode the query takes on the table, and writes lock every index
// they update (the REINDEX reference page: REINDEX "blocks virtually any
// queries" on the table for this reason).
type Lock struct {
	Table  catalog.Name // the table whose queries the lock affects; zero when unknown
	Target Target
	Index  catalog.Name // the index, for OnIndex
	Mode   Mode
	Why    string // the statement or clause that takes it, e.g. "ALTER TABLE ... ADD COLUMN"
}

// Strongest returns the strongest lock of list on table (on the table or
// its indexes), and false when list locks nothing of it.
func Strongest(list []Lock, table catalog.Name) (Lock, bool) {
	var best Lock
	found := false
	for _, l := range list {
		if l.Table == table && (!found || l.Mode > best.Mode) {
			best, found = l, true
		}
	}
	return best, found
}

// Tables returns the tables list locks, in order of first appearance.
func Tables(list []Lock) []catalog.Name {
	var out []catalog.Name
	seen := map[catalog.Name]bool{}
	for _, l := range list {
		if !seen[l.Table] {
			seen[l.Table] = true
			out = append(out, l.Table)
		}
	}
	return out
}
