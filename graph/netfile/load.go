package netfile

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
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
	// MaxBytes bounds the file's decompressed size (DefaultMaxBytes if 0).
	MaxBytes int64
}

// LoadGraph reads the network in path into an analysis snapshot: GraphML
// (.graphml), GEXF (.gexf), partnergraph JSON (.json, what export writes) or
// a SNAP edge list (.txt, .edgelist, .edges, .tsv), each optionally gzipped
// (.gz). directed forces a directed graph; otherwise the file decides
// (GraphML's edgedefault, GEXF's defaultedgetype; a JSON network is directed
// when every link is; edge lists are undirected). weighted keeps tie
// strengths (see LoadOptions). Node keys are the file's node ids; node
// attributes are kept in g.Attrs. Parallel edges merge, the strongest
// winning, and self-loops are counted in g.Loops.
//
// A partnergraph JSON file is projected exactly as the server projects its
// store (snapshot.FromNetwork): people take the sector, type, region and
// organisation of their first affiliated organisation, so brokerage by
// group gives the server's numbers.
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

// LoadFormats lists the extensions Load reads (each also gzipped, .gz).
var LoadFormats = []string{".graphml", ".gexf", ".json", ".txt", ".edgelist", ".edges", ".tsv"}

// Load is LoadGraph with the direction chosen explicitly.
func Load(path string, opt LoadOptions) (*analysis.Graph, error) {
	ext := loadExt(path)
	if !slices.Contains(LoadFormats, ext) {
		return nil, graph.Errorf(graph.EINVALID, "", "%s: unknown network format %q (want one of %s)", path, ext, strings.Join(LoadFormats, ", "))
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
	lines := ext != ".json" && ext != ".graphml" && ext != ".gexf" // an edge list's lines are held whole
	r = newBoundedReader(r, opt.MaxBytes, lines)
	l := &loader{opt: opt}
	switch ext {
	case ".json":
		return loadDocument(path, r, opt)
	case ".graphml":
		err = ReadGraphML(path, r, l.add)
	case ".gexf":
		err = ReadGEXF(path, r, l.add)
	default: // edge list
		l.start(false)
		err = ReadEdgeList(path, r, l.add)
	}
	if err != nil {
		return nil, err
	}
	if l.b == nil { // a document without a graph
		l.start(false)
	}
	return l.b.Build(), nil
}

// loadExt is path's format extension, lower case, under any .gz.
func loadExt(path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".gz" {
		ext = strings.ToLower(filepath.Ext(strings.TrimSuffix(path, filepath.Ext(path))))
	}
	return ext
}

// loadDocument projects a partnergraph JSON network as the server does.
func loadDocument(path string, r io.Reader, opt LoadOptions) (*analysis.Graph, error) {
	var actors []*graph.Actor
	var links []*graph.Link
	err := readDocumentStream(path, r, "", func(line int, it graph.Item, err error) error {
		if err != nil {
			return lineError(path, line, "%v", err)
		}
		switch {
		case it.Actor != nil:
			it.Actor.ID = id(graph.KindActor, it.Actor.Key) // as the store would
			actors = append(actors, it.Actor)
		case it.Link != nil:
			if err := it.Link.Validate(); err != nil { // and a missing weight is 1, as import reads it
				return lineError(path, line, "%v", err)
			}
			links = append(links, it.Link)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	directed := len(links) > 0 && !slices.ContainsFunc(links, func(l *graph.Link) bool { return !l.Directed })
	switch opt.Direction {
	case Directed:
		directed = true
	case Undirected:
		directed = false
	}
	return snapshot.FromNetwork(actors, links, graph.Scope{Directed: directed, Weighted: opt.Weighted}).G, nil
}

// loader builds a snapshot from a stream of elements.
type loader struct {
	opt      LoadOptions
	b        *analysis.Builder
	directed bool // the snapshot's
	graphml  bool // edges carry their own direction (GraphML, GEXF)
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
		// An undirected GraphML or GEXF edge in a directed graph is two
		// arcs; an edge-list line is one arc. partnergraph writes a mixed
		// network undirected, its directed links marked directed=true.
		if l.directed && l.graphml && !edgeDirected(e) {
			l.b.Edge(v, u, w, -1)
		}
	}
	return nil
}

// edgeDirected is an edge's direction: its directed data attribute (which
// partnergraph's export writes in mixed networks) over the file's.
func edgeDirected(e Element) bool {
	if d, ok := e.Attrs[fieldDirected]; ok {
		return d == "true"
	}
	return e.Directed
}
