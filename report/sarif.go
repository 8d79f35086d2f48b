package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/migrate-guard/migrate-guard/analysis"
	"github.com/migrate-guard/migrate-guard/lint"
	"github.com/migrate-guard/migrate-guard/rules"
)

// SARIFSchema is the JSON schema of the SARIF 2.1.0 documents SARIF writes.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	ColumnKind  string            `json:"columnKind"`
	Results     []sarifResult     `json:"results"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	HelpURI              string            `json:"helpUri"`
	Help                 sarifText         `json:"help"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           map[string]string `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	// Properties carries the finding's production impact, when stats sized it.
	Properties *sarifProperties `json:"properties,omitempty"`
}

type sarifProperties struct {
	Impact *lint.Impact `json:"impact"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

// sarifRegion's end column is exclusive, one past the last character.
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// SARIF writes the result as a SARIF 2.1.0 log for GitHub code scanning:
// every rule with its documentation, and one result per finding with paths
// relative to the repository root (%SRCROOT%).
func SARIF(w io.Writer, res *lint.Result, version string) error {
	all := rules.All()
	index := map[string]int{}
	driver := sarifDriver{Name: "migrate-guard", InformationURI: "https://github.com/" + Repository, Version: version, Rules: []sarifRule{}}
	for i, r := range all {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRuleOf(r))
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	for _, f := range res.Findings {
		msg := f.Message
		if f.Help != "" {
			msg += "\n\n" + f.Help
		}
		var props *sarifProperties
		if f.Impact != nil {
			props = &sarifProperties{Impact: f.Impact}
		}
		run.Results = append(run.Results, sarifResult{Properties: props,
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity), Message: sarifText{Text: msg},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: sarifURI(f.File), URIBaseID: "%SRCROOT%"},
				Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn + 1},
			}}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleOf(r *analysis.Rule) sarifRule {
	return sarifRule{
		ID:               r.ID,
		Name:             camel(r.ID),
		ShortDescription: sarifText{Text: r.Summary},
		FullDescription:  sarifText{Text: r.Doc},
		HelpURI:          RuleURL(r.ID),
		Help: sarifText{Text: r.Doc + "\n\nDocumentation: " + RuleURL(r.ID),
			Markdown: r.Doc + "\n\n[Documentation of " + r.ID + "](" + RuleURL(r.ID) + ")"},
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(r.Severity)},
		Properties:           map[string]string{"precision": "high"},
	}
}

// sarifLevel maps a severity to SARIF's levels.
func sarifLevel(s analysis.Severity) string {
	switch s {
	case analysis.Error:
		return "error"
	case analysis.Warning:
		return "warning"
	case analysis.Notice:
		return "note"
	}
	return "none"
}

// sarifURI turns a file path into a relative URI reference.
func sarifURI(path string) string {
	return (&url.URL{Path: filepath.ToSlash(path)}).String()
}

// camel turns a kebab-case id into the PascalCase name SARIF tools show.
func camel(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
