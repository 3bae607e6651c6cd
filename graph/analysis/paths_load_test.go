package analysis

// A test-only loader for the shared datasets (GraphML and SNAP edge lists),
// so the path tests need no other package: netfile imports this one.

import (
	"bufio"
	"encoding/xml"
	"os"
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
		b := NewBuilder(false)
		sc := bufio.NewScanner(f)
		link := int32(0)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) < 2 || strings.HasPrefix(fs[0], "#") {
				continue
			}
			b.Edge(b.Node(fs[0]), b.Node(fs[1]), 1, link)
			link++
		}
		return b.Build(), false, sc.Err()
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
