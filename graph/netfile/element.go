package netfile

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/partnergraph/partnergraph/graph"
)

// ElementKind says what an Element describes.
type ElementKind uint8

const (
	// KeyElement declares a GraphML attribute (<key>): Key is set.
	KeyElement ElementKind = iota + 1
	// GraphElement opens the network: ID and Directed (the default edge
	// direction) are set. It comes before any node or edge.
	GraphElement
	// NodeElement is a node: ID and Attrs.
	NodeElement
	// EdgeElement is an edge: Source, Target, Directed, Weight, and for
	// GraphML ID and Attrs.
	EdgeElement
)

// Element is one item of a network file, yielded in file order by the
// streaming readers so that an importer never holds the whole file.
type Element struct {
	Kind ElementKind
	// Line is the 1-based line of the element in the file (for GraphML the
	// line where its start tag ends), for messages that point at the source.
	Line int
	// ID is the node's id, the edge's id attribute ("" if none) or the
	// graph's id.
	ID string
	// Source and Target are an edge's endpoint node ids.
	Source, Target string
	// Directed is true for a directed edge: GraphML's edge attribute
	// directed, else the graph's edgedefault. For a GraphElement it is the
	// edgedefault. Edge lists do not say, so it is false there and the
	// caller decides (LoadGraph's directed argument).
	Directed bool
	// Weight is an edge's tie strength: the GraphML attribute named
	// "weight", or an edge list's third column; 1 when HasWeight is false.
	Weight    float64
	HasWeight bool
	// Attrs holds GraphML <data> values by attribute name (the key's
	// attr.name, or its id if it has none), key defaults applied, numbers
	// checked against the key's attr.type and trimmed, booleans written
	// "true" or "false". Data with markup inside (yEd graphics) is left
	// out. Nil when there are none, and for edge lists.
	Attrs map[string]string
	// Key describes a KeyElement.
	Key *Key
}

// Key is a GraphML attribute declaration.
type Key struct {
	ID         string
	For        string // node, edge, graph, all
	Name       string // attr.name (the id when absent)
	Type       string // boolean, int, long, float, double or string
	Default    string // "" when there is no <default>
	HasDefault bool
}

// lineError is a user-facing error in input file name at line.
func lineError(name string, line int, format string, args ...any) error {
	return graph.Errorf(graph.EINVALID, "", "%s:%d: %s", name, line, fmt.Sprintf(format, args...))
}

// atLine prefixes an error returned by the caller's function with the
// position it concerned. A domain error keeps its code and field with the
// position in its user-facing message; any other error stays available to
// errors.Is and errors.As.
func atLine(name string, line int, err error) error {
	var de *graph.Error
	if errors.As(err, &de) {
		return &graph.Error{Code: de.Code, Field: de.Field, Message: fmt.Sprintf("%s:%d: %s", name, line, de.Message)}
	}
	return fmt.Errorf("%s:%d: %w", name, line, err)
}

// parseWeight parses a tie strength, which must be a finite number.
func parseWeight(s string) (float64, error) {
	w, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
		return 0, fmt.Errorf("weight %q is not a finite number", s)
	}
	return w, nil
}
