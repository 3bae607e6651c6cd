package neo4j

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// createLinks writes the properties linkKeys names: every one linkProps sets.
func TestLinkKeysCoverLinkProps(t *testing.T) {
	l := &graph.Link{ID: "i", Key: "k", Type: graph.LinkFunding, SourceID: "s", TargetID: "t", Directed: true, Weight: 2,
		Interval: graph.Interval{From: graph.MustDate("2020-01-01"), To: graph.MustDate("2021-01-01")}, ProgrammeID: "p",
		BrokeredByID: "b", Evidence: graph.Evidence{Source: "s", Quote: "q", Note: "n"}, Attrs: map[string]string{"a": "1"}}
	for k := range linkProps(l) {
		if !slices.Contains(linkKeys, k) {
			t.Errorf("linkProps sets %q, which linkKeys lacks", k)
		}
	}
	if got, want := len(linkProps(l)), len(linkKeys); got != want {
		t.Errorf("a full link has %d properties, linkKeys %d", got, want)
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"St Mary's C.E. Primary", []string{"st", "mary", "s", "c", "e", "primary"}},
		{"Université Côte d'Azur", []string{"universite", "cote", "d", "azur"}},
		{"ÆTHER Øresund", []string{"æther", "øresund"}},
		{"日本語 テスト", []string{"日本語", "テスト"}},
		{`"*) -- `, []string{}},
		{"A1 b2-c3", []string{"a1", "b2", "c3"}},
	} {
		if diff := cmp.Diff(tc.want, words(tc.text)); diff != "" {
			t.Errorf("words(%q) (-want +got):\n%s", tc.text, diff)
		}
	}
}

func TestSearchQuery(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		ok         bool
	}{
		{"liver hope", "+liver* +hope*", true},
		{"hope ho hope", "+hope*", true},
		{`title:foo~ AND "x" OR NOT`, "+title* +foo* +and* +x* +or* +not*", true},
		{`"*)`, "", false},
	} {
		q, ok, err := searchQuery(tc.text)
		if err != nil || q != tc.want || ok != tc.ok {
			t.Errorf("searchQuery(%q) = %q, %v, %v; want %q, %v", tc.text, q, ok, err, tc.want, tc.ok)
		}
	}
	var many []byte
	for i := range maxSearchWords + 1 {
		many = append(many, byte('a'+i%26), byte('a'+i/26), ' ')
	}
	if _, _, err := searchQuery(string(many)); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("searchQuery of %d words = %v, want EINVALID", maxSearchWords+1, err)
	}
}
