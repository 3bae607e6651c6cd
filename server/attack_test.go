package server_test

// Regression tests for the attacks of issue 13: each reproduces one and
// checks that the server refuses it cheaply, with a clear code.

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAttackQuadraticValidation: 8,000 copies of one field took 5.8 s in
// gqlparser's overlapping-fields rule; the size limit refuses the document
// before it is parsed.
func TestAttackQuadraticValidation(t *testing.T) {
	ts := newServer(t, openStore(t))
	for name, q := range map[string]string{
		"Fields":     "{" + strings.Repeat(" __typename", 8000) + "}",
		"Aliases":    "{" + strings.Repeat(" a: __typename", 8000) + "}",
		"Directives": "{ __typename" + strings.Repeat(" @skip(if: false)", 8000) + "}",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			status, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(q, nil))
			t.Logf("refused in %v", time.Since(start)) // reported, never asserted
			if got, want := r.code(), "QUERY_TOO_LARGE"; got != want {
				t.Fatalf("code %q (status %d, %d errors), want %q", got, status, len(r.Errors), want)
			}
			if status != http.StatusUnprocessableEntity || len(r.Errors) != 1 {
				t.Errorf("status %d with %d errors, want 422 and one error", status, len(r.Errors))
			}
		})
	}
	t.Run("IntrospectionStillAnswers", func(t *testing.T) {
		if _, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(graphiqlIntrospection, nil)); len(r.Errors) > 0 {
			t.Fatalf("introspection refused: %v", r.Errors[0].Message)
		}
	})
}
