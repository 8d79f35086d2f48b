package lint

import (
	"runtime"

	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// The schema must be replayed file after file, but once a file's snapshots
// are taken its rules need nothing else: they run on every core while the
// replay goes on, and their findings are delivered in history order, so the
// result is the same as linting one file after the other.

// checked is what checking one file (or a finding outside any file) gave.
type checked struct {
	found []Finding
	src   *sqlfile.File // the file's text, kept when it has findings
	err   error
}

// checks runs files' rules concurrently and keeps their results in order.
type checks struct {
	slots chan struct{}  // a token per file being checked at once
	queue []chan checked // in history order
}

func newChecks() *checks {
	return &checks{slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
}

// start checks a file in the background, once a slot is free: the snapshots
// of the files waiting their turn are all that is held in memory.
func (c *checks) start(check func() checked) {
	out := make(chan checked, 1)
	c.queue = append(c.queue, out)
	c.slots <- struct{}{}
	go func() {
		defer func() { <-c.slots }()
		out <- check()
	}()
}

// now queues findings known already, in their place in the order.
func (c *checks) now(found ...Finding) {
	out := make(chan checked, 1)
	out <- checked{found: found}
	c.queue = append(c.queue, out)
}

// deliver hands every result to add in order, stopping at the first error.
func (c *checks) deliver(add func(checked)) error {
	for i, out := range c.queue {
		r := <-out
		if r.err != nil {
			for _, rest := range c.queue[i+1:] {
				<-rest // let the running checks end before returning
			}
			return r.err
		}
		add(r)
	}
	c.queue = nil
	return nil
}
