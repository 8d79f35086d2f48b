package deploy

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// watchPoll is how often the watcher asks who blocks the migration.
var watchPoll = 200 * time.Millisecond

// watcher watches, from a second connection, which sessions block the
// migration's session while a statement runs, so that a lock timeout can
// name the session that held the lock.
type watcher struct {
	conn  *pgx.Conn // nil: watching is off (the second connection failed)
	every time.Duration

	mu       sync.Mutex
	blockers []string
	stop     chan struct{}
	done     chan struct{}

	// waiting, when set, is said once a statement has been blocked for
	// waitSay, with the sessions it waits for: a concurrent build may wait
	// long, and the user should know for whom.
	waiting func(blockers string)
}

// waitSay is how long a concurrent build waits before saying for whom.
var waitSay = 5 * time.Second

// newWatcher polls often enough to see a blocker several times before the
// lock timeout gives up.
func newWatcher(ctx context.Context, cfg *pgx.ConnConfig, lockTimeout time.Duration) *watcher {
	conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
	if err != nil {
		return &watcher{}
	}
	every := watchPoll
	if q := lockTimeout / 4; q > 0 && q < every {
		every = max(q, 10*time.Millisecond)
	}
	return &watcher{conn: conn, every: every}
}

func (w *watcher) close() {
	if w.conn != nil {
		_ = w.conn.Close(context.Background())
	}
}

// begin starts watching the backend pid.
func (w *watcher) begin(pid uint32) {
	if w.conn == nil {
		return
	}
	w.mu.Lock()
	w.blockers = nil
	w.mu.Unlock()
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	go w.loop(pid)
}

// end stops watching; the last blockers seen are kept for describe.
func (w *watcher) end() {
	if w.conn == nil {
		return
	}
	close(w.stop)
	<-w.done
}

func (w *watcher) loop(pid uint32) {
	defer close(w.done)
	t := time.NewTicker(w.every)
	defer t.Stop()
	start, said := time.Now(), false
	look := func() {
		b := w.poll(pid)
		if len(b) == 0 {
			return
		}
		w.mu.Lock()
		w.blockers = b
		w.mu.Unlock()
		if w.waiting != nil && !said && time.Since(start) >= waitSay {
			w.waiting(strings.Join(b, ", "))
			said = true
		}
	}
	if w.every < watchPoll {
		look() // at once: a short lock timeout may end before the first tick
	}
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			look()
		}
	}
}

func (w *watcher) poll(pid uint32) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := w.conn.Query(ctx, `SELECT b.pid, `+sessionColumns+`
		FROM unnest(pg_blocking_pids($1)) AS b(pid) LEFT JOIN pg_stat_activity a ON a.pid = b.pid ORDER BY b.pid`, int(pid))
	if err != nil {
		return nil
	}
	var out []string
	for rows.Next() {
		var s session
		if rows.Scan(append([]any{&s.pid}, s.dest()...)...) == nil {
			out = append(out, s.String())
		}
	}
	rows.Close()
	return out
}

// describe says which sessions blocked the last statement, or "".
func (w *watcher) describe() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.blockers) == 0 {
		return ""
	}
	return "; blocked by " + strings.Join(w.blockers, ", ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
