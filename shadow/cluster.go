package shadow

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
)

// ErrNoServerBinaries is returned (wrapped) by StartCluster when neither PATH
// nor /usr/lib/postgresql/*/bin holds initdb and pg_ctl.
var ErrNoServerBinaries = errors.New("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin")

// debianBinGlob is where Debian and Ubuntu install the server binaries, one
// directory per major version. A variable so tests can hide them.
var debianBinGlob = "/usr/lib/postgresql/*/bin"

// Cluster is a throwaway PostgreSQL cluster in a temporary directory,
// listening on a free port of 127.0.0.1 with trust authentication for the
// superuser postgres.
type Cluster struct {
	url   string
	root  string
	data  string
	pgctl string
	cred  *syscall.Credential
}

// StartCluster initializes and starts a throwaway cluster from the installed
// server binaries. When the process runs as root (initdb refuses root), the
// server runs as the operating system user postgres. Call Stop to shut it
// down and delete its files.
func StartCluster() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "migrate-guard-shadow")
	if err != nil {
		return nil, err
	}
	c := &Cluster{root: root, data: filepath.Join(root, "data"), pgctl: filepath.Join(bin, "pg_ctl")}
	if c.cred, err = serverUser(root); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	if out, err := c.run(filepath.Join(bin, "initdb"), "-D", c.data, "-A", "trust", "-U", "postgres",
		"--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		os.RemoveAll(root)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	port, err := c.start()
	if err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	c.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

// URL is the cluster's maintenance database, postgres, as the superuser.
func (c *Cluster) URL() string { return c.url }

// Dir is the directory holding the cluster's data, socket and log.
func (c *Cluster) Dir() string { return c.root }

// Stop shuts the cluster down at once (its data is thrown away anyway) and
// deletes its directory.
func (c *Cluster) Stop() error {
	defer os.RemoveAll(c.root)
	if out, err := c.run(c.pgctl, "-D", c.data, "-m", "immediate", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// start runs pg_ctl start, trying another port when another process took
// the free one between the probe and the server's bind.
func (c *Cluster) start() (int, error) {
	logFile := filepath.Join(c.root, "server.log")
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var port int
		if port, err = freePort(); err != nil {
			return 0, err
		}
		// pg_ctl hands -o to a shell: quote the socket directory.
		opts := fmt.Sprintf("-p %d -k '%s' -c listen_addresses=127.0.0.1 -c fsync=off", port, c.root)
		var out []byte
		if out, err = c.run(c.pgctl, "-D", c.data, "-w", "-l", logFile, "-o", opts, "start"); err == nil {
			return port, nil
		}
		log, _ := os.ReadFile(logFile)
		err = fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	return 0, err
}

func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.root // the server user may not be able to enter the caller's directory
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd.CombinedOutput()
}

// binDir finds a directory holding both initdb and pg_ctl: PATH first, then
// Debian's /usr/lib/postgresql/<major>/bin, newest major first.
func binDir() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	debian, _ := filepath.Glob(debianBinGlob)
	sort.Slice(debian, func(i, j int) bool { return major(debian[i]) > major(debian[j]) })
	for _, d := range append(dirs, debian...) {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", ErrNoServerBinaries
}

func major(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// serverUser returns the credential to run initdb and pg_ctl with. initdb
// refuses to run as root, so root runs them as the postgres user, which then
// owns dir.
func serverUser(dir string) (*syscall.Credential, error) {
	if os.Getuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and initdb refuses root: need a `postgres` user to run a throwaway cluster (%w)", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
