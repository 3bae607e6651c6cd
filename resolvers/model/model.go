// Package model holds the GraphQL-facing types that are not domain types:
// gqlgen's generated inputs and connections, the Date scalar, and the Person
// and Organisation views of graph.Actor.
package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
)

// Person is the GraphQL view of an actor of kind Person.
type Person struct{ *graph.Actor }

// Organisation is the GraphQL view of an actor of kind Organisation.
type Organisation struct{ *graph.Actor }

func (Person) IsNode()        {}
func (Person) IsActor()       {}
func (Organisation) IsNode()  {}
func (Organisation) IsActor() {}

// Programme is the GraphQL view of a graph.Programme.
type Programme struct{ *graph.Programme }

// Link is the GraphQL view of a graph.Link.
type Link struct{ *graph.Link }

func (Programme) IsNode() {}
func (Link) IsNode()      {}

// ActorOf returns the GraphQL type of a.
func ActorOf(a *graph.Actor) Actor {
	if a == nil {
		return nil
	}
	if a.Kind == graph.KindPerson {
		return &Person{a}
	}
	return &Organisation{a}
}

// ActorKind is the GraphQL enum of actor kinds.
type ActorKind string

const (
	ActorKindPerson       ActorKind = "PERSON"
	ActorKindOrganisation ActorKind = "ORGANISATION"
)

// MarshalDate writes a graph.Date as YYYY-MM-DD, and the zero Date (an
// open-ended bound) as null: "" is not a Date, and the schema promises null.
// Non-null Date fields are never zero.
func MarshalDate(d graph.Date) graphql.Marshaler {
	if d.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads YYYY-MM-DD.
func UnmarshalDate(v any) (graph.Date, error) {
	s, ok := v.(string)
	if !ok {
		return graph.Date{}, fmt.Errorf("a Date must be a string YYYY-MM-DD, got %T", v)
	}
	return graph.ParseDate("date", s)
}
