package rules

import (
	"fmt"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/internal/english"
	"github.com/migrate-guard/migrate-guard/locks"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// This file connects the rules to the lock model (package locks): the locks
// the current statement takes, the locks earlier statements of its
// transaction still hold, and the words that say what they block.

// stmtLocks returns the locks the current statement takes. Most rules ask,
// so with the engine's schema they come from locksAt, computed once.
func stmtLocks(p *analysis.Pass) []locks.Lock {
	if p.Schema == p.SchemaAt(p.Stmt.Index) {
		return locksAt(p, p.Stmt.Index)
	}
	return locks.Of(p.Stmt.Node, p.Schema)
}

// locksAt returns the locks statement i of the current file takes, each
// computed once per file against the schema just before that statement.
func locksAt(p *analysis.Pass, i int) []locks.Lock {
	all := locksResult.Of(p)
	return all[i][:len(all[i]):len(all[i])] // shared: an append must copy
}

// locksResult holds the locks each statement of the file takes, against
// the schema just before it.
var locksResult = analysis.NewResult("locks of each statement", func(p *analysis.Pass) [][]locks.Lock {
	out := make([][]locks.Lock, len(p.File.Stmts))
	for j, s := range p.File.Stmts {
		out[j] = locks.Of(s.Node, p.SchemaAt(j))
	}
	return out
})

// heldLock is a lock an earlier statement of the transaction took: it lasts
// until the transaction commits or rolls back.
type heldLock struct {
	locks.Lock
	Stmt *sqlfile.Stmt // the statement that took it
}

// heldBefore returns, for each table that may hold rows, the strongest lock
// the earlier statements of the current transaction hold on it (the first
// statement to take it, among equals).
// The map is shared: callers must not change it.
func heldBefore(p *analysis.Pass) map[catalog.Name]heldLock {
	if !p.InTx() {
		return nil
	}
	pre := heldPrefixResult.Of(p)
	i := p.Stmt.Index
	engine := p.Schema == p.SchemaAt(i)
	if engine && pre.held[i] != nil {
		return pre.held[i]
	}
	// Whether a table may hold rows is a property of the table alone, so
	// filtering the running prefix keeps the same strongest locks.
	out := map[catalog.Name]heldLock{}
	for t, h := range pre.taken[i] {
		if existing(p, t) {
			out[t] = h
		}
	}
	if engine {
		pre.held[i] = out
	}
	return out
}

// lockPrefix is, for each statement of a file, the strongest lock on each
// table that the earlier statements of its transaction took (taken), and
// those on tables that may hold rows, as the lock rules ask for them (held,
// filled on first use).
type lockPrefix struct {
	taken, held []map[catalog.Name]heldLock
}

// heldPrefixResult computes the lockPrefix once per file: asking each statement's
// predecessors again made the lock rules quadratic in the statements of a
// transaction.
var heldPrefixResult = analysis.NewResult("locks held before each statement", func(p *analysis.Pass) *lockPrefix {
	n := len(p.File.Stmts)
	out := &lockPrefix{taken: make([]map[catalog.Name]heldLock, n), held: make([]map[catalog.Name]heldLock, n)}
	running := map[int]map[catalog.Name]heldLock{} // by transaction
	for _, s := range p.File.Stmts {
		tx := p.Tx[s.Index].ID
		cur := running[tx]
		out.taken[s.Index] = cur
		next := make(map[catalog.Name]heldLock, len(cur))
		for t, h := range cur {
			next[t] = h
		}
		for _, l := range locksAt(p, s.Index) {
			if l.Table == (catalog.Name{}) {
				continue
			}
			if h, ok := next[l.Table]; !ok || l.Mode > h.Mode {
				next[l.Table] = heldLock{l, s}
			}
		}
		running[tx] = next
	}
	return out
}, locksResult)

// governing is the lock that decides what waits on a table while the
// current statement runs: the statement's own, or a stronger one an earlier
// statement of the transaction still holds.
type governing struct {
	locks.Lock
	From *sqlfile.Stmt // the earlier statement holding it; nil for the statement's own lock
}

// governingLocks returns the governing lock of each of tables, given the
// current statement's own locks.
func governingLocks(p *analysis.Pass, own []locks.Lock, tables []catalog.Name) []governing {
	held := heldBefore(p)
	out := make([]governing, 0, len(tables))
	for _, t := range tables {
		g := governing{Lock: locks.Lock{Table: t}}
		if l, ok := locks.Strongest(own, t); ok {
			g.Lock = l
		}
		if h, ok := held[t]; ok && h.Mode > g.Mode {
			g = governing{h.Lock, h.Stmt}
		}
		out = append(out, g)
	}
	return out
}

// describeLocks says which locks govern the tables and what they block,
// grouping tables under the same lock: `an ACCESS EXCLUSIVE lock on "Post",
// which blocks reads and writes on it, and a SHARE ROW EXCLUSIVE lock on
// "User", which blocks writes (INSERT/UPDATE/DELETE) on it but not reads`.
// manyHeld or more tables under ACCESS EXCLUSIVE locks of earlier statements
// share one sentence that gives each its line.
func describeLocks(p *analysis.Pass, gs []governing) string {
	type group struct {
		g      governing
		tables []catalog.Name
	}
	var groups []*group
	for _, g := range gs {
		var found *group
		for _, gr := range groups {
			if gr.g.Mode == g.Mode && gr.g.From == g.From && gr.g.Target == locks.OnTable && g.Target == locks.OnTable {
				found = gr
			}
		}
		if found == nil {
			found = &group{g: g}
			groups = append(groups, found)
		}
		found.tables = append(found.tables, g.Table)
	}
	var held []string // tables under earlier statements' ACCESS EXCLUSIVE locks, with their lines
	for _, g := range gs {
		if heldExclusive(g) {
			held = append(held, fmt.Sprintf("%s (line %d)", g.Table, p.File.Position(g.From.Start).Line))
		}
	}
	summarize := len(held) >= manyHeld
	var parts []string
	for _, gr := range groups {
		if !summarize || !heldExclusive(gr.g) {
			parts = append(parts, describeGroup(p, gr.g, gr.tables))
		}
	}
	if summarize {
		parts = append(parts, fmt.Sprintf("the ACCESS EXCLUSIVE locks that earlier statements took on %s and hold until "+
			"commit, which block reads and writes on all of them", english.Join(held)))
	}
	return strings.Join(parts, "; and ")
}

// manyHeld is how many tables under ACCESS EXCLUSIVE locks of earlier
// statements describeLocks names in one sentence rather than one each.
const manyHeld = 4

func heldExclusive(g governing) bool {
	return g.From != nil && g.Mode == locks.AccessExclusive && g.Target == locks.OnTable
}

// describeGroup describes one lock mode on some tables.
func describeGroup(p *analysis.Pass, g governing, tables []catalog.Name) string {
	them, lock := "it", "lock"
	if len(tables) > 1 {
		them, lock = "them", "locks"
	}
	names := joinNames(tables)
	if g.Target != locks.OnTable {
		// The planner locks every index of a table it plans a query on, and
		// writes lock the indexes they update: an index lock stops the table.
		names = "every index of " + names
		if g.Target == locks.OnIndex {
			names = "index " + g.Index.String() + " of " + joinNames(tables)
		}
		them = joinNames(tables) + " (every query on a table locks all its indexes)"
	}
	blocks := g.Mode.Blocks().On(them)
	if len(tables) > 1 {
		blocks = "block" + strings.TrimPrefix(blocks, "blocks")
	}
	if g.From == nil {
		mode := g.Mode.String()
		if len(tables) == 1 {
			mode = english.WithArticle(mode)
		}
		return fmt.Sprintf("%s %s on %s, which %s", mode, lock, names, blocks)
	}
	return fmt.Sprintf("the %s %s on %s that line %d (%s) took and holds until commit, which %s",
		g.Mode, lock, names, p.File.Position(g.From.Start).Line, g.Why, blocks)
}

// joinNames writes `"A"`, `"A" and "B"`, `"A", "B" and "C"`; a table the
// model could not resolve is "its table".
func joinNames(names []catalog.Name) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = n.String()
		if n == (catalog.Name{}) {
			s[i] = "its table"
		}
	}
	return english.Join(s)
}

// underLocks describes the locks that govern tables while the current
// statement runs.
func underLocks(p *analysis.Pass, tables ...catalog.Name) string {
	return describeLocks(p, governingLocks(p, stmtLocks(p), tables))
}

// underSlow describes, for a slow statement, the locks that govern tables
// while it runs, then the ACCESS EXCLUSIVE locks earlier statements of the
// transaction hold on the tables it does not work on: the rules of slow
// statements name both, and long-access-exclusive leaves the statements they
// report to them.
func underSlow(p *analysis.Pass, tables ...catalog.Name) string {
	return describeLocks(p, append(governingLocks(p, stmtLocks(p), tables), heldElsewhere(p)...))
}

// rewriteMessage says that what makes PostgreSQL rewrite a table, and under
// which locks.
func rewriteMessage(p *analysis.Pass, what string, table catalog.Name) string {
	return fmt.Sprintf("%s, so PostgreSQL rewrites %s and rebuilds its indexes, and until it finishes the statement runs under %s",
		what, table, underSlow(p, table))
}
