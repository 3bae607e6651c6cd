package netfile

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
)

// Direction says how LoadOptions decides whether the graph is directed.
type Direction uint8

const (
	// FromFile follows the file: GraphML's edgedefault; edge lists are
	// undirected.
	FromFile Direction = iota
	// Directed makes a directed graph: an edge-list line is an arc from its
	// first to its second node, and an undirected GraphML edge becomes two
	// arcs (networkx's to_directed).
	Directed
	// Undirected makes an undirected graph, ignoring edge directions.
	Undirected
)

// LoadOptions configures Load.
type LoadOptions struct {
	Direction Direction
	// Weighted keeps edge weights (tie strength: GraphML attribute "weight",
	// edge lists' third column), which must then be positive and finite;
	// edges without one weigh 1. Otherwise every edge weighs 1.
	Weighted bool
}

// LoadGraph reads the network in path into an analysis snapshot: GraphML
// for .graphml, a SNAP edge list for .txt, .edgelist, .edges or .tsv (each
// optionally gzipped, .gz). directed forces a directed graph; otherwise the
// file decides (GraphML's edgedefault; edge lists are undirected). weighted
// keeps tie strengths (see LoadOptions). Node keys are the file's node ids;
// GraphML node attributes are kept in g.Attrs. Parallel edges merge, the
// strongest winning, and self-loops are counted in g.Loops.
//
// With analysis.Betweenness this is all a command needs:
//
//	g, err := netfile.LoadGraph(path, false, false)
//	bc, err := analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Normalized: true})
func LoadGraph(path string, directed, weighted bool) (*analysis.Graph, error) {
	opt := LoadOptions{Weighted: weighted}
	if directed {
		opt.Direction = Directed
	}
	return Load(path, opt)
}

// Load is LoadGraph with the direction chosen explicitly.
func Load(path string, opt LoadOptions) (*analysis.Graph, error) {
	read, err := readerFor(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("netfile: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.EqualFold(filepath.Ext(path), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, graph.Errorf(graph.EINVALID, "", "%s: %v", path, err)
		}
		defer zr.Close()
		r = zr
	}
	l := &loader{opt: opt}
	if read == nil { // edge list
		l.start(false)
		read = ReadEdgeList
	}
	if err := read(path, r, l.add); err != nil {
		return nil, err
	}
	if l.b == nil { // a GraphML document without a graph
		l.start(false)
	}
	return l.b.Build(), nil
}

// readerFor picks the reader from path's extension: ReadGraphML, or nil for
// an edge list.
func readerFor(path string) (func(string, io.Reader, func(Element) error) error, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".gz" {
		ext = strings.ToLower(filepath.Ext(strings.TrimSuffix(path, filepath.Ext(path))))
	}
	switch ext {
	case ".graphml":
		return ReadGraphML, nil
	case ".txt", ".edgelist", ".edges", ".tsv":
		return nil, nil
	}
	return nil, graph.Errorf(graph.EINVALID, "", "%s: unknown network format %q (want .graphml, .txt, .edgelist, .edges or .tsv)", path, ext)
}

// loader builds a snapshot from a stream of elements.
type loader struct {
	opt      LoadOptions
	b        *analysis.Builder
	directed bool // the snapshot's
	graphml  bool // edges carry their own direction
}

func (l *loader) start(fileDirected bool) {
	directed := fileDirected
	switch l.opt.Direction {
	case Directed:
		directed = true
	case Undirected:
		directed = false
	}
	l.b = analysis.NewBuilder(directed)
	l.directed = directed
}

func (l *loader) add(e Element) error {
	switch e.Kind {
	case GraphElement:
		l.start(e.Directed)
		l.graphml = true
	case NodeElement:
		v := l.b.Node(e.ID)
		for name, val := range e.Attrs {
			l.b.SetAttr(v, name, val)
		}
	case EdgeElement:
		w := 1.0
		if l.opt.Weighted {
			if !(e.Weight > 0) {
				return graph.Errorf(graph.EINVALID, "", "weight %v: tie strength must be positive", e.Weight)
			}
			w = e.Weight
		}
		u, v := l.b.Node(e.Source), l.b.Node(e.Target)
		l.b.Edge(u, v, w, -1)
		// An undirected GraphML edge in a directed graph is two arcs; an
		// edge-list line is one arc.
		if l.directed && l.graphml && !e.Directed {
			l.b.Edge(v, u, w, -1)
		}
	}
	return nil
}
