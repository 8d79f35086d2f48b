package shadow

import (
	"context"
	"strings"
	"testing"
)

// TestNoServer: without a URL and without server binaries, Open says in one
// line how to give it a database.
func TestNoServer(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(EnvURL, "")
	saved := debianBinGlob
	debianBinGlob = t.TempDir() + "/*/bin"
	defer func() { debianBinGlob = saved }()
	_, err := Open(context.Background(), Options{})
	if err == nil {
		t.Fatal("Open succeeded without binaries or URL")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "--shadow-url") || !strings.Contains(msg, EnvURL) {
		t.Errorf("error = %q, want one line naming --shadow-url and %s", msg, EnvURL)
	}
}
