package lint

import (
	"fmt"
	"os"
	"runtime"

	"github.com/migrate-guard/migrate-guard/migrations"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// parsed is a migration read and parsed ahead of its turn.
type parsed struct {
	file *sqlfile.File
	err  error
}

// ahead reads and parses migrations on every core while the engine replays
// and lints earlier ones in history order. It runs at most window files
// ahead of the engine, so memory does not grow with the history.
type ahead struct {
	results []chan parsed // one per migration, in history order
	free    chan struct{} // a token per file the window still has room for
	stop    chan struct{}
	taken   int // results taken so far
}

// parseAhead starts parsing ms in the background; the caller takes the
// results in order with next and must call close.
func parseAhead(ms []*migrations.Migration) *ahead {
	workers := runtime.GOMAXPROCS(0)
	window := 4 * workers
	a := &ahead{results: make([]chan parsed, len(ms)), free: make(chan struct{}, window), stop: make(chan struct{})}
	for i := range a.results {
		a.results[i] = make(chan parsed, 1)
	}
	for range window {
		a.free <- struct{}{}
	}
	todo := make(chan int)
	go func() {
		defer close(todo)
		for i := range ms {
			select {
			case <-a.free:
			case <-a.stop:
				return
			}
			select {
			case todo <- i:
			case <-a.stop:
				return
			}
		}
	}()
	for range min(workers, len(ms)) {
		go func() {
			for i := range todo {
				f, err := readFile(ms[i].Path, !ms[i].Lint)
				a.results[i] <- parsed{f, err}
			}
		}()
	}
	return a
}

// next returns the next migration's file, waiting for it if need be.
func (a *ahead) next() (*sqlfile.File, error) {
	p := <-a.results[a.taken]
	a.taken++
	a.free <- struct{}{}
	return p.file, p.err
}

// close stops parsing files nobody will take.
func (a *ahead) close() { close(a.stop) }

// readFile reads and parses one migration; a file that is only replayed
// skips what linting alone needs.
func readFile(path string, replayOnly bool) (*sqlfile.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if info.Size() > sqlfile.MaxSize {
		return nil, &sqlfile.InputError{Path: path, Msg: fmt.Sprintf("file is %d MiB; migrate-guard reads files up to %d MiB", info.Size()>>20, sqlfile.MaxSize>>20)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if replayOnly {
		return sqlfile.ParseForReplay(path, data)
	}
	return sqlfile.Parse(path, data)
}
