module github.com/migrate-guard/migrate-guard

go 1.26.8

require (
	github.com/BurntSushi/toml v1.5.0
	github.com/pganalyze/pg_query_go/v6 v6.2.5
	golang.org/x/term v0.37.0
)

require (
	golang.org/x/sys v0.38.0 // indirect
	google.golang.org/protobuf v1.33.0 // indirect
)
