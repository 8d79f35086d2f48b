package analysis

import "github.com/migrate-guard/migrate-guard/prismaschema"

// Release is what the engine knows of the application releases around a
// deploy, for the rules that check that the running release survives the
// migrations (expand-contract).
type Release struct {
	// Base is the schema.prisma of the release running while the migrations
	// deploy (lint --base-schema or --base-ref), or nil when unknown.
	Base *prismaschema.Schema
	// Head is the schema.prisma the migrations are written for (the pull
	// request's), or nil when unknown.
	Head *prismaschema.Schema
	// CodeFirst is set by deploy-order = "code-first": the new release is
	// deployed before the migrations run, so it must work on the schema
	// before them.
	CodeFirst bool
	// Errors are the schemas that did not parse; the side each belongs to
	// is nil (not checked), and each is reported as a syntax-error finding.
	Errors []*prismaschema.Error
}
