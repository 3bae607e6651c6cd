package netfile

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/partnergraph/partnergraph/graph"
)

// FormatVersion names the service's own JSON network format.
const FormatVersion = "partnergraph/1"

// Document is the service's own JSON format: what export writes and import
// reads back losslessly. References are keys, not IDs, so people can write
// and read it.
type Document struct {
	Format         string             `json:"format"`
	Actors         []DocActor         `json:"actors"`
	Programmes     []DocProgramme     `json:"programmes"`
	Participations []DocParticipation `json:"participations"`
	Links          []DocLink          `json:"links"`
}

type DocActor struct {
	Key         string            `json:"key"`
	Kind        graph.Kind        `json:"kind"`
	Name        string            `json:"name"`
	Aliases     []string          `json:"aliases,omitempty"`
	Description string            `json:"description,omitempty"`
	Title       string            `json:"title,omitempty"`
	Roles       []string          `json:"roles,omitempty"`
	Email       string            `json:"email,omitempty"`
	Phone       string            `json:"phone,omitempty"`
	Type        graph.OrgType     `json:"type,omitempty"`
	Sector      string            `json:"sector,omitempty"`
	Region      string            `json:"region,omitempty"`
	Parent      string            `json:"parent,omitempty"`
	Evidence    graph.Evidence    `json:"evidence,omitzero"`
	Attrs       map[string]string `json:"attrs,omitempty"`
}

type DocProgramme struct {
	Key         string         `json:"key"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Aims        []string       `json:"aims,omitempty"`
	Start       graph.Date     `json:"start,omitzero"`
	End         graph.Date     `json:"end,omitzero"`
	Tags        []string       `json:"tags,omitempty"`
	Evidence    graph.Evidence `json:"evidence,omitzero"`
}

type DocParticipation struct {
	Actor     string         `json:"actor"`
	Programme string         `json:"programme"`
	Role      graph.Role     `json:"role"`
	Evidence  graph.Evidence `json:"evidence,omitzero"`
}

type DocLink struct {
	Key        string            `json:"key,omitempty"`
	Type       graph.LinkType    `json:"type"`
	Source     string            `json:"source"`
	Target     string            `json:"target"`
	Directed   bool              `json:"directed,omitempty"`
	Weight     float64           `json:"weight,omitempty"`
	From       graph.Date        `json:"from,omitzero"`
	To         graph.Date        `json:"to,omitzero"`
	Programme  string            `json:"programme,omitempty"`
	BrokeredBy string            `json:"brokeredBy,omitempty"`
	Evidence   graph.Evidence    `json:"evidence,omitzero"`
	Attrs      map[string]string `json:"attrs,omitempty"`
}

// ReadDocument decodes a Document, rejecting unknown fields and formats.
// name is the file name used in error messages.
func ReadDocument(name string, r io.Reader) (*Document, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		return nil, graph.Errorf(graph.EINVALID, "", "%s: %v", name, err)
	}
	if d.Format != FormatVersion {
		return nil, graph.Errorf(graph.EINVALID, "format", "%s: format %q is not %q", name, d.Format, FormatVersion)
	}
	return &d, nil
}

// Batch converts d into a batch of upserts, references resolved to IDs.
func (d *Document) Batch() *graph.Batch {
	actor := func(key string) string { return id(graph.KindActor, key) }
	prog := func(key string) string { return id(graph.KindProgramme, key) }
	b := &graph.Batch{}
	for _, a := range d.Actors {
		b.Actors = append(b.Actors, &graph.Actor{Key: a.Key, Kind: a.Kind, Name: a.Name, Aliases: a.Aliases, Description: a.Description,
			Title: a.Title, Roles: a.Roles, Email: a.Email, Phone: a.Phone, OrgType: a.Type, Sector: a.Sector,
			Region: a.Region, ParentID: actor(a.Parent), Evidence: a.Evidence, Attrs: a.Attrs})
	}
	for _, p := range d.Programmes {
		b.Programmes = append(b.Programmes, &graph.Programme{Key: p.Key, Name: p.Name, Description: p.Description,
			Aims: p.Aims, Start: p.Start, End: p.End, Tags: p.Tags, Evidence: p.Evidence})
	}
	for _, p := range d.Participations {
		b.Participations = append(b.Participations, &graph.Participation{ActorID: actor(p.Actor),
			ProgrammeID: prog(p.Programme), Role: p.Role, Evidence: p.Evidence})
	}
	for _, l := range d.Links {
		b.Links = append(b.Links, &graph.Link{Key: l.Key, Type: l.Type, SourceID: actor(l.Source), TargetID: actor(l.Target),
			Directed: l.Directed, Weight: l.Weight, Interval: graph.Interval{From: l.From, To: l.To},
			ProgrammeID: prog(l.Programme), BrokeredByID: actor(l.BrokeredBy), Evidence: l.Evidence, Attrs: l.Attrs})
	}
	return b
}

func id(k graph.Kind, key string) string {
	if key == "" {
		return ""
	}
	return graph.NewID(k, key)
}

// key returns the key inside an ID this service issued, "" for "".
func key(id string) string {
	_, k, _ := graph.ParseID(id)
	return k
}

// Add appends one scanned item to d.
func (d *Document) Add(it graph.Item) {
	switch {
	case it.Actor != nil:
		a := it.Actor
		d.Actors = append(d.Actors, DocActor{Key: a.Key, Kind: a.Kind, Name: a.Name, Aliases: a.Aliases, Description: a.Description,
			Title: a.Title, Roles: a.Roles, Email: a.Email, Phone: a.Phone, Type: a.OrgType, Sector: a.Sector,
			Region: a.Region, Parent: key(a.ParentID), Evidence: a.Evidence, Attrs: a.Attrs})
	case it.Programme != nil:
		p := it.Programme
		d.Programmes = append(d.Programmes, DocProgramme{Key: p.Key, Name: p.Name, Description: p.Description,
			Aims: p.Aims, Start: p.Start, End: p.End, Tags: p.Tags, Evidence: p.Evidence})
	case it.Participation != nil:
		p := it.Participation
		d.Participations = append(d.Participations, DocParticipation{Actor: key(p.ActorID), Programme: key(p.ProgrammeID),
			Role: p.Role, Evidence: p.Evidence})
	case it.Link != nil:
		l := it.Link
		d.Links = append(d.Links, DocLink{Key: l.Key, Type: l.Type, Source: key(l.SourceID), Target: key(l.TargetID),
			Directed: l.Directed, Weight: l.Weight, From: l.From, To: l.To, Programme: key(l.ProgrammeID),
			BrokeredBy: key(l.BrokeredByID), Evidence: l.Evidence, Attrs: l.Attrs})
	}
}

// WriteDocument writes d as indented JSON.
func WriteDocument(w io.Writer, d *Document) error {
	d.Format = FormatVersion
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("netfile: write json: %w", err)
	}
	return nil
}
