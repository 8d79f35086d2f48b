package migrations

import (
	"bufio"
	"os"
	"strings"
)

// FlywayNoTransaction reports whether a Flyway migration's script
// configuration file (`V1__x.sql.conf` beside it) sets
// executeInTransaction=false, which runs the script without a transaction.
func FlywayNoTransaction(path string) bool {
	f, err := os.Open(path + ".conf")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), "=")
		if ok && strings.TrimSpace(key) == "executeInTransaction" && strings.EqualFold(strings.TrimSpace(val), "false") {
			return true
		}
	}
	return false
}
