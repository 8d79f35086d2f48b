package lint

import (
	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
	"github.com/migrate-guard/migrate-guard/rules"
	"github.com/migrate-guard/migrate-guard/sqlfile"
)

// Text is a migration held in memory.
type Text struct {
	Path string // the name findings carry
	SQL  []byte
}

// RunText lints target with history replayed before it as context, without
// touching the disk: for documentation examples and tools that hold SQL in
// memory.
func RunText(history []Text, target Text, cfg *Config) (*Result, error) {
	e := newEngine(cfg)
	cat := catalog.New()
	for i, t := range history {
		f, err := sqlfile.Parse(t.Path, t.SQL)
		if err != nil {
			return nil, err
		}
		f.ExpandBlocks()
		cat.BeginFile(i + 1)
		if err := replay(cat, f); err != nil {
			return nil, err
		}
	}
	f, err := sqlfile.Parse(target.Path, target.SQL)
	if err != nil {
		return nil, err
	}
	f.ExpandBlocks()
	cat.BeginFile(len(history) + 1)
	e.res.Files = 1
	e.res.Runners = []DirRunner{{Runner: cfg.Runner}}
	if err := e.lintFile(f, cat, cfg.Runner); err != nil {
		return nil, err
	}
	e.checkHead(cat)
	return e.finish()
}

// newEngine selects the enabled rules.
func newEngine(cfg *Config) *engine {
	e := &engine{cfg: cfg, res: &Result{Sources: map[string]*sqlfile.File{}}, once: map[string]int{}, more: map[string]int{}, checks: newChecks()}
	rank := 0
	e.rank = map[string]int{}
	for _, r := range rules.All() {
		if r.Run == nil || cfg.Severity(r) == analysis.Off {
			continue
		}
		e.rank[r.ID] = rank
		rank++
		if r.ReadsReports {
			e.phases[1] = append(e.phases[1], r)
		} else {
			e.phases[0] = append(e.phases[0], r)
		}
	}
	return e
}
