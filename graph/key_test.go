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

// TestKeysNFC: a key in NFD ("café" as e + U+0301) is kept and identified
// in NFC, so the two spellings are one entity.
func TestKeysNFC(t *testing.T) {
	const nfc, nfd = "caf\u00e9", "cafe\u0301"
	a := &graph.Actor{Key: nfd, Kind: graph.KindPerson, Name: "Someone"}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.Key != nfc || a.ID != graph.NewID(graph.KindPerson, nfc) {
		t.Errorf("Validate: key %+q id %s, want key %+q id %s", a.Key, a.ID, nfc, graph.NewID(graph.KindPerson, nfc))
	}
	if got, want := graph.RefID(graph.KindProgramme, nfd), graph.NewID(graph.KindProgramme, nfc); got != want {
		t.Errorf("RefID(%+q) = %s, want %s", nfd, got, want)
	}
	p := &graph.Programme{Key: nfd, Name: "P"}
	l := &graph.Link{Key: nfd, Type: graph.LinkCollaboration, SourceID: a.ID, TargetID: graph.NewID(graph.KindPerson, "x")}
	if err := p.Validate(); err != nil || p.Key != nfc {
		t.Errorf("programme Validate: key %+q, %v; want %+q", p.Key, err, nfc)
	}
	if err := l.Validate(); err != nil || l.Key != nfc {
		t.Errorf("link Validate: key %+q, %v; want %+q", l.Key, err, nfc)
	}
}
