package deploy

import (
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/migrate-guard/migrate-guard/internal/sqltext"
)

// prismaParams are URL parameters that only Prisma's URL parser knows (its
// pool, timeouts of its own, its TLS options). Passed to the server they
// would become unknown settings and break the connection, so they are
// dropped.
var prismaParams = []string{
	"schema", "connection_limit", "pool_timeout", "socket_timeout", "pgbouncer",
	"statement_cache_size", "sslaccept", "sslidentity", "connect_timeout_prisma",
	"max_connection_lifetime", "max_idle_connection_lifetime", "channel_binding",
}

// driverParams are the URL parameters the driver reads as connection
// settings (libpq's names). Any other parameter would be sent to the server
// as a setting; Prisma ignores such parameters, so they are dropped with a
// warning.
var driverParams = map[string]bool{
	"host": true, "port": true, "dbname": true, "database": true, "user": true, "password": true, "passfile": true,
	"connect_timeout": true, "sslmode": true, "sslkey": true, "sslcert": true, "sslrootcert": true,
	"sslpassword": true, "sslsni": true, "sslnegotiation": true, "krbspn": true, "krbsrvname": true,
	"target_session_attrs": true, "service": true, "servicefile": true, "application_name": true, "options": true,
}

// applicationName identifies migrate-guard's sessions in pg_stat_activity,
// so a team sees who holds or waits for a lock.
const applicationName = "migrate-guard"

// Target is a parsed database URL.
type Target struct {
	Config *pgx.ConnConfig
	// Schema holds _prisma_migrations and is the search path, from
	// Prisma's ?schema= (default public).
	Schema string
	// Warnings are about URL parameters dropped because no one knows them.
	Warnings []string
}

// ParseURL reads a PostgreSQL URL or key=value string, accepting Prisma's
// extra parameters. Errors never contain the password.
func ParseURL(raw string) (*Target, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("no database URL: pass --database-url or set DATABASE_URL")
	}
	schema := "public"
	conn := raw
	var warnings []string
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil {
			// url.Parse quotes its input, password included: say what to check instead.
			return nil, fmt.Errorf("database URL is not a valid URL: percent-encode characters such as @ : / # ? in the user name and password")
		}
		q := u.Query()
		if s := q.Get("schema"); s != "" {
			schema = s
		}
		warnings = prismaTLS(q)
		for _, p := range prismaParams {
			q.Del(p)
		}
		for p := range q {
			if !driverParams[p] {
				warnings = append(warnings, fmt.Sprintf("database URL parameter %q is unknown to Prisma and PostgreSQL clients; ignored, as Prisma ignores it (a server setting goes in options=-c%%20name%%3Dvalue)", p))
				q.Del(p)
			}
		}
		sort.Strings(warnings)
		u.RawQuery = q.Encode()
		conn = u.String()
	}
	cfg, err := pgx.ParseConfig(conn)
	if err != nil {
		return nil, fmt.Errorf("database URL: %s", redactErr(err, raw))
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["search_path"] = sqltext.Ident(schema)
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = applicationName
	}
	return &Target{Config: cfg, Schema: schema, Warnings: warnings}, nil
}

// prismaTLS translates Prisma's TLS parameters into libpq's: Prisma's
// sslcert is the server's CA certificate (libpq's sslrootcert), a client
// certificate comes as a PKCS12 sslidentity, and sslaccept=accept_invalid_certs
// turns verification off.
func prismaTLS(q url.Values) []string {
	var warnings []string
	if c := q.Get("sslcert"); c != "" && q.Get("sslkey") == "" && q.Get("sslrootcert") == "" {
		q.Set("sslrootcert", c)
		q.Del("sslcert")
		if !filepath.IsAbs(c) {
			warnings = append(warnings, fmt.Sprintf("sslcert %q is read relative to the working directory; Prisma reads it relative to the folder of schema.prisma", c))
		}
	}
	if q.Get("sslaccept") == "accept_invalid_certs" {
		q.Del("sslrootcert") // sslmode=require without a CA verifies nothing, as Prisma then does
	}
	if q.Get("sslidentity") != "" {
		warnings = append(warnings, "sslidentity (a PKCS12 client certificate) is not supported and is ignored: convert it to PEM files and pass them as sslcert and sslkey")
	}
	return warnings
}

// String shows where the target is, as user@host:port/db, without the
// password.
func (t *Target) String() string {
	c := t.Config
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// redactErr removes the password of raw from an error message: parse errors
// of some drivers quote the input.
func redactErr(err error, raw string) string {
	msg := err.Error()
	if u, perr := url.Parse(raw); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
			msg = strings.ReplaceAll(msg, url.QueryEscape(pw), "xxxxx")
		}
	}
	return msg
}
