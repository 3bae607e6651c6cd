package server

import "testing"

func TestMeasureDocument(t *testing.T) {
	for _, tc := range []struct {
		name, q                                 string
		tokens, selections, aliases, directives int
	}{
		{"Fields", "{ a b c }", 5, 3, 0, 0},
		{"Alias", "{ x: a }", 5, 1, 1, 0},
		{"Nested", "query Q($f: F = {k: {j: 1}}) { a(f: {b: 1, c: [2]}) { d } }", 38, 2, 0, 0},
		{"Fragments", "{ ...F ... on T { a } } fragment F on T { b @include(if: true) }", 24, 3, 0, 1},
		{"Comments", "# a b c\n{ a }", 3, 1, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := measureDocument(tc.q, 1000)
			want := documentSize{tc.tokens, tc.selections, tc.aliases, tc.directives}
			if got != want {
				t.Errorf("measureDocument(%q) = %+v, want %+v", tc.q, got, want)
			}
		})
	}
	if got := measureDocument("{ a b c d e f }", 3); got.tokens != 4 {
		t.Errorf("stops after the limit: got %d tokens, want 4", got.tokens)
	}
}
