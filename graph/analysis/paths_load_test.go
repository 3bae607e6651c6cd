package analysis

// A test-only loader for the networks in testdata/networks (GraphML and SNAP edge lists),
// so the path tests need no other package: netfile imports this one.

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// plLoad reads a GraphML file (the edge attribute "weight" is tie strength,
// 1 if absent) or a SNAP edge list (undirected). Link ids are edge numbers
// in file order. weighted reports whether the file has weights.
func plLoad(path string) (g *Graph, weighted bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	if !strings.HasSuffix(path, ".graphml") {
		g, err := plLoadSNAP(f)
		return g, false, err
	}
	var doc struct {
		Keys []struct {
			ID   string `xml:"id,attr"`
			For  string `xml:"for,attr"`
			Name string `xml:"attr.name,attr"`
		} `xml:"key"`
		Graph struct {
			EdgeDefault string `xml:"edgedefault,attr"`
			Nodes       []struct {
				ID string `xml:"id,attr"`
			} `xml:"node"`
			Edges []struct {
				Source string `xml:"source,attr"`
				Target string `xml:"target,attr"`
				Data   []struct {
					Key   string `xml:"key,attr"`
					Value string `xml:",chardata"`
				} `xml:"data"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.NewDecoder(f).Decode(&doc); err != nil {
		return nil, false, err
	}
	wkey := ""
	for _, k := range doc.Keys {
		if k.For == "edge" && k.Name == "weight" {
			wkey, weighted = k.ID, true
		}
	}
	b := NewBuilder(doc.Graph.EdgeDefault == "directed")
	for _, n := range doc.Graph.Nodes {
		b.Node(n.ID)
	}
	for i, e := range doc.Graph.Edges {
		w := 1.0
		for _, d := range e.Data {
			if d.Key == wkey {
				if w, err = strconv.ParseFloat(strings.TrimSpace(d.Value), 64); err != nil {
					return nil, false, err
				}
			}
		}
		b.Edge(b.Node(e.Source), b.Node(e.Target), w, int32(i))
	}
	return b.Build(), weighted, nil
}

// plLoadSNAP reads an undirected SNAP edge list without a per-line
// allocation, and hands the builder its edges already in the order Build
// sorts them into, which keeps loading a small part of bench-paths' job.
func plLoadSNAP(f *os.File) (*Graph, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	b := NewBuilder(false)
	index := map[string]int32{}
	node := func(key []byte) int32 {
		if i, ok := index[string(key)]; ok {
			return i
		}
		i := b.Node(string(key))
		index[string(key)] = i
		return i
	}
	var edges []uint64
	for line := range bytes.Lines(data) {
		f0, rest := plField(line)
		f1, _ := plField(rest)
		if len(f1) == 0 || f0[0] == '#' {
			continue
		}
		u, v := node(f0), node(f1)
		edges = append(edges, uint64(min(u, v))<<32|uint64(max(u, v)))
	}
	slices.Sort(edges)
	for i, e := range edges { // link ids: positions in sorted order
		b.Edge(int32(e>>32), int32(uint32(e)), 1, int32(i))
	}
	return b.Build(), nil
}

// plField splits off the first whitespace-separated field of line.
func plField(line []byte) (field, rest []byte) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n') {
		i++
	}
	j := i
	for j < len(line) && !(line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\n') {
		j++
	}
	return line[i:j], line[j:]
}
