// Package testbin builds the real migrate-guard binary once per test binary,
// for end-to-end tests that run it as a user (or GitHub's runner) would.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	once sync.Once
	path string
	err  error
)

// Build builds the binary from the module root on first use and returns
// its path; for TestMain, which has no *testing.T.
func Build() (string, error) {
	once.Do(build)
	return path, err
}

// Path returns the path of the binary; the test fails when it cannot be
// built.
func Path(t testing.TB) string {
	t.Helper()
	p, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Cleanup removes the binary; call it from TestMain after the tests ran.
func Cleanup() {
	if path != "" {
		os.RemoveAll(filepath.Dir(path))
	}
}

func build() {
	dir, e := os.MkdirTemp("", "migrate-guard-bin")
	if e != nil {
		err = e
		return
	}
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	bin := filepath.Join(dir, "migrate-guard")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, e := cmd.CombinedOutput(); e != nil {
		err = fmt.Errorf("building migrate-guard: %v\n%s", e, out)
		return
	}
	path = bin
}
