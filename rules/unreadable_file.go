package rules

import "github.com/migrate-guard/migrate-guard/analysis"

// UnreadableFile is reported by the engine for a migration it cannot read as
// SQL text: not UTF-8, a NUL byte, too large, or unreadable on disk.
var UnreadableFile = register(&analysis.Rule{
	ID:       "unreadable-file",
	Severity: analysis.Error,
	Summary:  "migration file that cannot be read as SQL text",
	Doc: "The file is not UTF-8 text (or holds a NUL byte, is larger than migrate-guard reads, or cannot be read). " +
		"PostgreSQL reads a migration in the client encoding, UTF-8 for Prisma, and rejects the query with " +
		"SQLSTATE 22021 (invalid byte sequence) before running any of it, so the deploy fails and, with Prisma, " +
		"the migration is recorded as failed. The other files are still linted; when the unreadable file is " +
		"only context for the files you named, the schema it would have changed is unknown to the checks of the " +
		"files after it. Re-save the file as UTF-8 (`iconv -f LATIN1 -t UTF-8`).",
})
