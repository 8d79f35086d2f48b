//go:build linux

package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns both ends of a new pseudo-terminal, or skips the test.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("cannot unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("cannot name the pseudo-terminal: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("cannot open the pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

// TestColorOnTerminal checks that the text report is coloured on a terminal
// only, and never when NO_COLOR is set to a non-empty value.
func TestColorOnTerminal(t *testing.T) {
	dir := t.TempDir()
	migs := filepath.Join(dir, "migrations")
	for name, sql := range map[string]string{
		"001_init.sql": `CREATE TABLE "User" ("id" SERIAL NOT NULL);`,
		"002_next.sql": `ALTER TABLE "User" ADD COLUMN "handle" TEXT NOT NULL;`,
	} {
		if err := os.MkdirAll(migs, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(migs, name), []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, c := range []struct {
		name    string
		noColor *string
		want    bool
	}{
		{"terminal", nil, true},
		{"NO_COLOR=1", ptr("1"), false},
		{"NO_COLOR empty", ptr(""), true}, // https://no-color.org: present and not empty
	} {
		t.Run(c.name, func(t *testing.T) {
			master, tty := openPTY(t)
			if c.noColor != nil {
				t.Setenv("NO_COLOR", *c.noColor)
			} else {
				t.Setenv("NO_COLOR", "")
				os.Unsetenv("NO_COLOR")
			}
			if got := useColor(tty); got != c.want {
				t.Errorf("useColor(terminal) = %v, want %v", got, c.want)
			}
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			if useColor(&bytes.Buffer{}) || useColor(w) {
				t.Error("colour on a buffer or a pipe")
			}
			got := make(chan []byte, 1)
			go func() {
				b := make([]byte, 64<<10)
				n, _ := io.ReadAtLeast(master, b, 1)
				got <- b[:n]
			}()
			if code := Main([]string{"lint", "migrations", "--fail-on", "never", "--rule", "adding-required-column=error"}, tty, io.Discard); code != ExitOK {
				t.Fatalf("exit %d", code)
			}
			if out := <-got; bytes.Contains(out, []byte("\x1b[")) != c.want {
				t.Errorf("escape codes in the first bytes on the terminal: %v, want %v\n%q", !c.want, c.want, out)
			}
		})
	}
}

func ptr(s string) *string { return &s }
