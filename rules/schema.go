// What the replayed schema says of the tables a statement touches.

package rules

import (
	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/catalog"
)

// existing reports whether a table may hold rows and serve traffic: it was
// not created earlier in the file being linted.
func existing(p *analysis.Pass, t catalog.Name) bool { return !p.Schema.IsNew(t) }
