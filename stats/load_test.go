package stats

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// A stats file that cannot be read gives an error naming it that still
// carries the file system's cause.
func TestLoadErrorKeepsCause(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir) // a directory: read fails with EISDIR
	var pe *fs.PathError
	if err == nil || !strings.HasPrefix(err.Error(), dir+": ") || !errors.As(err, &pe) {
		t.Fatalf("Load(directory) = %v: want an error naming %s that wraps a *fs.PathError", err, dir)
	}
}
