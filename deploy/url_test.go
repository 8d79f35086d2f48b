package deploy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/migrate-guard/migrate-guard/internal/pgtest"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		name, raw  string
		wantTarget string
		wantSchema string
		wantParams map[string]string // runtime params that must be present
	}{{
		name:       "prisma params stripped",
		raw:        "postgresql://app:s3cret@db.example.com:6543/shop?schema=app&connection_limit=5&pgbouncer=true&pool_timeout=10&socket_timeout=3&statement_cache_size=0&sslmode=disable",
		wantTarget: "app@db.example.com:6543/shop",
		wantSchema: "app",
		wantParams: map[string]string{"search_path": `"app"`, "application_name": "migrate-guard"},
	}, {
		name:       "default schema",
		raw:        "postgres://app@db.example.com/shop?sslmode=disable",
		wantTarget: "app@db.example.com:5432/shop",
		wantSchema: "public",
		wantParams: map[string]string{"search_path": `"public"`},
	}, {
		name:       "schema needing quotes",
		raw:        "postgres://app@db/shop?schema=My%22App&sslmode=disable",
		wantTarget: "app@db:5432/shop",
		wantSchema: `My"App`,
		wantParams: map[string]string{"search_path": `"My""App"`},
	}, {
		name:       "application_name kept",
		raw:        "postgres://app@db/shop?application_name=ci-deploy&sslmode=disable",
		wantTarget: "app@db:5432/shop",
		wantSchema: "public",
		wantParams: map[string]string{"application_name": "ci-deploy"},
	}, {
		name:       "key=value",
		raw:        "host=db.example.com port=6543 user=app password=s3cret dbname=shop sslmode=disable",
		wantTarget: "app@db.example.com:6543/shop",
		wantSchema: "public",
		wantParams: map[string]string{"search_path": `"public"`},
	}} {
		t.Run(c.name, func(t *testing.T) {
			tg, err := ParseURL(c.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := tg.String(); got != c.wantTarget {
				t.Errorf("String() = %q, want %q", got, c.wantTarget)
			}
			if strings.Contains(tg.String(), "s3cret") {
				t.Errorf("String() shows the password: %q", tg.String())
			}
			if tg.Schema != c.wantSchema {
				t.Errorf("Schema = %q, want %q", tg.Schema, c.wantSchema)
			}
			for k, v := range c.wantParams {
				if got := tg.Config.RuntimeParams[k]; got != v {
					t.Errorf("RuntimeParams[%s] = %q, want %q", k, got, v)
				}
			}
			for _, p := range prismaParams {
				if _, ok := tg.Config.RuntimeParams[p]; ok {
					t.Errorf("Prisma parameter %s is passed to the server", p)
				}
			}
		})
	}
}

// TestParseURLErrorsHideThePassword feeds malformed inputs holding a
// password; no error may show it, plain or percent-encoded.
func TestParseURLErrorsHideThePassword(t *testing.T) {
	const pw = "Pa55-w0rd/@x"
	enc := url.QueryEscape(pw)
	for _, raw := range []string{
		"postgres://app:" + enc + "@db:notaport/shop",            // url.Parse rejects
		"postgres://app:" + enc + "@db/shop?sslmode=bogus",       // pgx rejects
		"postgres://app:" + enc + "@db:99999999/shop?schema=app", // port out of range
		"postgres://app:Pa55-w0rd@db/shop?sslmode=bogus",         // unencoded password
		"host=db port=abc user=app password=Pa55-w0rd dbname=shop",
		"host=db user=app password='Pa55-w0rd' sslmode=bogus",
	} {
		_, err := ParseURL(raw)
		if err == nil {
			t.Errorf("ParseURL(%q): no error", raw)
			continue
		}
		for _, secret := range []string{"Pa55-w0rd", enc} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("ParseURL(%q) error shows the password: %v", raw, err)
			}
		}
	}
	if _, err := ParseURL("  "); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("empty URL: %v, want a hint about DATABASE_URL", err)
	}
}

// TestSchemaParam deploys through a Prisma URL with ?schema=: the server
// must not see Prisma's parameters, the migrations' unqualified names and
// the history land in that schema.
func TestSchemaParam(t *testing.T) {
	t.Parallel()
	base := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, base)
	if _, err := conn.Exec(context.Background(), `CREATE SCHEMA app`); err != nil {
		t.Fatal(err)
	}
	dir := writeDir(t, map[string]string{
		"20240101000000_init": "-- CreateTable\nCREATE TABLE \"User\" (\n    \"id\" TEXT NOT NULL,\n    CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n",
	})
	o := testOpts(t, dir, withParams(t, base, "schema=app&connection_limit=5&pgbouncer=true"), nil)
	sum := mustDeploy(t, o)
	if len(sum.Applied) != 1 {
		t.Fatalf("applied %v", appliedNames(sum))
	}
	for _, want := range []string{`app."User"`, `app._prisma_migrations`} {
		if !exists(t, conn, want) {
			t.Errorf("%s was not created", want)
		}
	}
	for _, unwanted := range []string{`public."User"`, `public._prisma_migrations`} {
		if exists(t, conn, unwanted) {
			t.Errorf("%s was created outside the URL's schema", unwanted)
		}
	}
	if rows := historyOf(t, conn, "app"); len(rows) != 1 || !rows[0].Applied() {
		t.Errorf("app._prisma_migrations = %+v, want one applied row", rows)
	}
	rep, err := Status(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Migrations) != 1 || rep.Migrations[0].State != StateApplied {
		t.Errorf("status = %+v", rep.Migrations)
	}
}

// TestSchemaParamCreatesSchema: Prisma creates the URL's schema when it is
// missing (CREATE SCHEMA in its connection check), so a first deploy into a
// new schema works.
func TestSchemaParamCreatesSchema(t *testing.T) {
	t.Parallel()
	base := pgtest.NewDatabase(t)
	conn := pgtest.Connect(t, base)
	dir := writeDir(t, map[string]string{
		"20240101000000_init": "-- CreateTable\nCREATE TABLE \"User\" (\"id\" TEXT NOT NULL);\n",
	})
	mustDeploy(t, testOpts(t, dir, withParams(t, base, "schema=tenant_1"), nil))
	if !exists(t, conn, `tenant_1."User"`) || !exists(t, conn, `tenant_1._prisma_migrations`) {
		t.Error("the migration or the history is not in the new schema tenant_1")
	}
}

// withParams adds URL parameters to a test database URL.
func withParams(t *testing.T, raw, params string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		t.Skipf("SKIPPED: the test server's URL is not a URL (%q); Prisma parameters need one", raw)
	}
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += params
	return u.String()
}

// TestConnectErrorsHideThePassword connects with a wrong password to the
// real server, and to a port where nothing listens.
func TestConnectErrorsHideThePassword(t *testing.T) {
	const wrong = "Wr0ng-S3cret-pw"
	dir := writeDir(t, map[string]string{"20240101000000_init": "SELECT 1;"})
	base := pgtest.NewDatabase(t)
	role := passwordRole(t, base)

	unreachable := "postgres://app:" + wrong + "@127.0.0.1:1/shop?sslmode=disable&connect_timeout=5"
	badPassword := withUser(t, base, role, wrong)
	for _, c := range []struct{ name, url, want string }{
		{"unreachable", unreachable, "127.0.0.1"},
		{"wrong password", badPassword, "password authentication failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := testOpts(t, dir, c.url, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, derr := Deploy(ctx, o)
			_, serr := Status(ctx, o)
			rerr := Resolve(ctx, o, "20240101000000_init", true)
			for what, err := range map[string]error{"deploy": derr, "status": serr, "resolve": rerr} {
				if err == nil {
					t.Errorf("%s: no error", what)
					continue
				}
				if strings.Contains(err.Error(), wrong) {
					t.Errorf("%s error shows the password: %v", what, err)
				}
				wantContains(t, what+" error", err.Error(), c.want)
				t.Logf("%s: %v", what, err)
			}
		})
	}
}

// passwordRole creates a login role that must authenticate with a
// password. The test cluster trusts every local connection, so a rule
// asking this role for a password is put first in pg_hba.conf — only on a
// throwaway pgtest cluster, never on a server given by TEST_DATABASE_URL.
func passwordRole(t *testing.T, dbURL string) string {
	t.Helper()
	ctx := context.Background()
	conn := pgtest.Connect(t, dbURL)
	var dataDir, hbaFile string
	if err := conn.QueryRow(ctx, "SELECT current_setting('data_directory'), current_setting('hba_file')").Scan(&dataDir, &hbaFile); err != nil {
		t.Fatal(err)
	}
	role := fmt.Sprintf("mg_pw_%d", os.Getpid())
	if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP ROLE IF EXISTS %s; CREATE ROLE %[1]s LOGIN PASSWORD 'the-right-one'`, role)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dbURL)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP ROLE IF EXISTS "+role)
			c.Close(context.Background())
		}
	})
	if rejectsWrongPassword(t, dbURL, role) {
		return role
	}
	if !strings.HasPrefix(filepath.Base(filepath.Dir(dataDir)), "pgtest") {
		t.Skipf("SKIPPED: the server trusts %s without a password and is not a throwaway pgtest cluster (data directory %s): not editing its pg_hba.conf", role, dataDir)
	}
	var old string
	if err := conn.QueryRow(ctx, "SELECT pg_read_file($1)", hbaFile).Scan(&old); err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"host all " + role + " 127.0.0.1/32 scram-sha-256",
		"host all " + role + " ::1/128 scram-sha-256",
	}
	for _, l := range strings.Split(old, "\n") {
		// COPY's text format would escape tabs and backslashes.
		l = strings.ReplaceAll(l, "\t", " ")
		if !strings.Contains(l, `\`) {
			lines = append(lines, l)
		}
	}
	quoted := make([]string, len(lines))
	for i, l := range lines {
		quoted[i] = quoteLiteral(l)
	}
	// COPY takes no parameters.
	copySQL := "COPY (SELECT unnest(ARRAY[" + strings.Join(quoted, ", ") + "]::text[])) TO " + quoteLiteral(hbaFile)
	if _, err := conn.Exec(ctx, copySQL); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_reload_conf()"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if rejectsWrongPassword(t, dbURL, role) {
			return role
		}
	}
	t.Fatal("the server still accepts a wrong password after pg_hba.conf was reloaded")
	return ""
}

func rejectsWrongPassword(t *testing.T, dbURL, role string) bool {
	c, err := pgx.Connect(context.Background(), withUser(t, dbURL, role, "not-the-password"))
	if err == nil {
		c.Close(context.Background())
		return false
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "28P01"
}

// withUser replaces the user and password of a test database URL.
func withUser(t *testing.T, raw, user, password string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		t.Skipf("SKIPPED: the test server's URL is not a URL (%q)", raw)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TestPrismaTLSParameters: Prisma's TLS parameters mean what Prisma means
// by them (sslcert is the server's CA); unknown parameters are dropped with
// a warning.
func TestPrismaTLSParameters(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "ca.pem"), selfSignedPEM(t))
	t.Chdir(dir)
	for _, c := range []struct {
		name, raw    string
		wantCA       bool
		wantWarnings []string
	}{{
		name: "sslcert is the CA", raw: "postgresql://app@db/shop?sslmode=require&sslcert=" + url.QueryEscape(filepath.Join(dir, "ca.pem")), wantCA: true,
	}, {
		name: "relative sslcert", raw: "postgresql://app@db/shop?sslmode=require&sslcert=ca.pem", wantCA: true,
		wantWarnings: []string{`sslcert "ca.pem" is read relative to the working directory`},
	}, {
		name: "accept invalid certs", raw: "postgresql://app@db/shop?sslmode=require&sslcert=ca.pem&sslaccept=accept_invalid_certs",
		wantWarnings: []string{`sslcert "ca.pem" is read relative`},
	}, {
		name: "pkcs12 identity", raw: "postgresql://app@db/shop?sslmode=disable&sslidentity=id.p12&sslpassword=x",
		wantWarnings: []string{"sslidentity (a PKCS12 client certificate) is not supported"},
	}, {
		name: "unknown", raw: "postgresql://app@db/shop?sslmode=disable&max_connection_lifetime=5&max_idle_connection_lifetime=1&zeta=1&alpha=2",
		wantWarnings: []string{`parameter "alpha" is unknown`, `parameter "zeta" is unknown`},
	}} {
		t.Run(c.name, func(t *testing.T) {
			tg, err := ParseURL(c.raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(tg.Warnings) != len(c.wantWarnings) {
				t.Fatalf("warnings %q, want %q", tg.Warnings, c.wantWarnings)
			}
			for i, w := range c.wantWarnings {
				if !strings.Contains(tg.Warnings[i], w) {
					t.Errorf("warning %q, want %q", tg.Warnings[i], w)
				}
			}
			if gotCA := tg.Config.TLSConfig != nil && tg.Config.TLSConfig.RootCAs != nil; gotCA != c.wantCA {
				t.Errorf("server CA configured: %v, want %v", gotCA, c.wantCA)
			}
			for _, p := range []string{"max_connection_lifetime", "max_idle_connection_lifetime", "zeta", "alpha", "sslidentity", "sslcert"} {
				if _, ok := tg.Config.RuntimeParams[p]; ok {
					t.Errorf("%s is sent to the server", p)
				}
			}
		})
	}
}

// selfSignedPEM returns a throwaway self-signed CA certificate.
func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
