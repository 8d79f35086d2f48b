// Locks earlier statements of the transaction hold while a statement
// runs, as the rules of slow statements report them.

package rules

import (
	"sort"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/locks"
)

// heldElsewhere returns the ACCESS EXCLUSIVE locks earlier statements of the
// transaction hold on tables that may serve traffic and that the current
// statement does not work on, in the order they were taken.
func heldElsewhere(p *analysis.Pass) []governing { return blockedDuring(p, slowWork{owned: true}) }

// heldOn returns the locks earlier statements of the transaction hold on
// tables that make the application's queries there wait.
func heldOn(p *analysis.Pass, tables []catalog.Name) []governing {
	held := heldBefore(p)
	var out []governing
	for _, t := range tables {
		if h, ok := held[t]; ok && h.Mode.BlocksQueries() {
			out = append(out, governing{h.Lock, h.Stmt})
		}
	}
	return out
}

// manyTables is how many existing tables one transaction may lock in ACCESS
// EXCLUSIVE mode before the rule speaks.
const manyTables = 3

// blockedDuring returns the ACCESS EXCLUSIVE locks earlier statements of the
// transaction hold on tables that may serve traffic, leaving out the tables
// the slow statement works on when its own rule speaks for them (or when
// it locks them as strongly itself), and the locks an enum replacement block
// takes for itself (enum-value-removal reports them), in the order they were
// taken.
func blockedDuring(p *analysis.Pass, slow slowWork) []governing {
	own := stmtLocks(p)
	var blocked []governing
	for t, h := range heldBefore(p) {
		if h.Mode != locks.AccessExclusive || sameEnumBlock(p, h.Stmt.Index, p.Stmt.Index) {
			continue
		}
		if l, mine := locks.Strongest(own, t); mine && (slow.owned || l.Mode == locks.AccessExclusive) {
			continue
		}
		blocked = append(blocked, governing{h.Lock, h.Stmt})
	}
	sort.Slice(blocked, func(i, j int) bool {
		if blocked[i].From.Start != blocked[j].From.Start {
			return blocked[i].From.Start < blocked[j].From.Start
		}
		return blocked[i].Table.String() < blocked[j].Table.String()
	})
	return blocked
}

// slowWork is what makes a statement slow.
type slowWork struct {
	what string // `CREATE INDEX "x" reads every row of "Post"`
	// owned tells that another rule reports the statement and the locks
	// on the tables it works on (index builds, constraint checks, backfills,
	// rewrites): this rule then speaks only of the other tables.
	owned bool
}
