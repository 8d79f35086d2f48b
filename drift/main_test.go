package drift

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/migrate-guard/migrate-guard/deploy"
	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// copyDir copies a migrations directory into a temporary one that a test
// may write migrations into.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "migrations")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// mustDeploy deploys dir to url with migrate-guard's deploy.
func mustDeploy(t *testing.T, dir, url string) {
	t.Helper()
	o := deploy.DefaultOptions()
	o.Dir, o.DatabaseURL, o.Out = dir, url, io.Discard
	o.Warn = func(path, msg string) { t.Logf("warning: %s: %s", path, msg) }
	if _, err := deploy.Deploy(context.Background(), o); err != nil {
		t.Fatalf("deploy %s: %v", dir, err)
	}
}

// mustCheck runs the drift check with a shadow database on the test server.
func mustCheck(t *testing.T, dir, url, shadow string, comments bool) *Report {
	t.Helper()
	rep, err := Check(context.Background(), &Options{Dir: dir, DatabaseURL: url, ShadowURL: shadow, Comments: comments})
	if err != nil {
		t.Fatalf("drift: %v", err)
	}
	return rep
}

// lines renders differences as "change kind object", sorted.
func lines(diffs []Difference) []string {
	out := []string{}
	for _, d := range diffs {
		out = append(out, d.Change+" "+d.Kind+" "+d.Object)
	}
	sort.Strings(out)
	return out
}

func sameLines(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }
