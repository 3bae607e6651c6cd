package graph_test

import (
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

// TestKeys: keys that would look alike are refused: invisible and
// bidirectional formatting characters, and control characters.
func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		ok        bool
	}{
		{"OK", "liverpool-hope-university", true},
		{"OKAccented", "café-école", true},
		{"OKDevanagari", "संस्था", true},
		{"ErrZeroWidthSpace", "hope\u200buniversity", false},
		{"ErrZeroWidthJoiner", "hope\u200duniversity", false},
		{"ErrRightToLeftOverride", "hope\u202euniversity", false},
		{"ErrIsolate", "\u2066hope\u2069", false},
		{"ErrBOM", "\ufeffhope", false},
		{"ErrC1Control", "hope\u0085", false},
		{"ErrControl", "hope\x01", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &graph.Actor{Key: tc.key, Kind: graph.KindPerson, Name: "Someone"}
			err := a.Validate()
			if tc.ok != (err == nil) || (err != nil && graph.ErrorCode(err) != graph.EINVALID) {
				t.Errorf("Validate(%+q) = %v, want ok %v", tc.key, err, tc.ok)
			}
		})
	}
}
