package scaleload

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
)

// write sends one write: a new person, a new link, or an update of a link
// or person this client created (weight, description). Every acknowledged
// write goes into the ledger that verify checks at the end.
func (w *workload) write(ctx context.Context, rng *rand.Rand, own *owned) (string, error) {
	own.seq++
	switch p := rng.IntN(10); {
	case p < 2 || (p >= 7 && len(own.people) == 0):
		return "write:createPerson", w.createPerson(ctx, own)
	case p < 5 || len(own.links) == 0:
		a, b := w.pair(rng)
		_, err := w.createLink(ctx, own, a.ID, b.ID)
		return "write:createLink", err
	case p < 7:
		id := own.links[rng.IntN(len(own.links))]
		weight := 1 + float64(own.seq%50)/10
		return "write:updateLink", w.update(ctx, id, "weight", strconv.FormatFloat(weight, 'f', -1, 64), weight,
			`mutation Weight($id: ID!, $v: Float!) { updateLink(input: {id: $id, weight: $v}) { id } }`)
	default:
		id := own.people[rng.IntN(len(own.people))]
		desc := fmt.Sprintf("scale-test %s c%d n%d", w.run, own.client, own.seq)
		return "write:updatePerson", w.update(ctx, id, "description", desc, desc,
			`mutation Describe($id: ID!, $v: String) { updatePerson(input: {id: $id, description: $v}) { id } }`)
	}
}

func (w *workload) createPerson(ctx context.Context, own *owned) error {
	var got struct{ CreatePerson struct{ ID string } }
	key := fmt.Sprintf("scale-%s-c%d-p%d", w.run, own.client, own.seq)
	if err := w.do(ctx, `mutation Person($key: String!) { createPerson(input: {key: $key, name: "Scale Tester",
		roles: ["scale test"], evidence: {source: "scale test", note: "written by scaleload"}}) { id } }`,
		map[string]any{"key": key}, &got); err != nil {
		return err
	}
	own.people = append(own.people, got.CreatePerson.ID)
	w.acknowledge(got.CreatePerson.ID, &entry{kind: "Person"})
	return nil
}

// createLink links a and b and returns the new link's ID.
func (w *workload) createLink(ctx context.Context, own *owned, a, b string) (string, error) {
	var got struct{ CreateLink struct{ ID string } }
	key := fmt.Sprintf("scale-%s-c%d-l%d", w.run, own.client, own.seq)
	if err := w.do(ctx, `mutation Link($key: String!, $a: ID!, $b: ID!) { createLink(input: {key: $key, type: COLLABORATION,
		sourceId: $a, targetId: $b, weight: 1, from: "2025-01-01",
		evidence: {source: "scale test", quote: "written by scaleload"}}) { id } }`,
		map[string]any{"key": key, "a": a, "b": b}, &got); err != nil {
		return "", err
	}
	own.links = append(own.links, got.CreateLink.ID)
	w.acknowledge(got.CreateLink.ID, &entry{kind: "Link", field: "weight", value: "1"})
	return got.CreateLink.ID, nil
}

// update sets field of an entity this client created to v (value as verify
// reads it back) and records the outcome: acknowledged, or pending (it may
// or may not have applied).
func (w *workload) update(ctx context.Context, id, field, value string, v any, mutation string) error {
	err := w.do(ctx, mutation, map[string]any{"id": id, "v": v}, nil)
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.ledger[id]
	e.field = field
	if err != nil {
		e.pending = append(e.pending, value)
		return err
	}
	e.value, e.pending = value, nil
	w.acks++
	return nil
}

func (w *workload) acknowledge(id string, e *entry) {
	w.mu.Lock()
	w.ledger[id] = e
	w.acks++
	w.mu.Unlock()
}

// verify reads back every entity an acknowledged write left, 500 at a
// time, and returns how many it read and the ones missing or holding
// another value.
func (w *workload) verify(ctx context.Context) (entities int, lost []string, err error) {
	ids := make([]string, 0, len(w.ledger))
	for id := range w.ledger {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		var got struct {
			Nodes []*struct {
				ID          string
				Typename    string
				Weight      *float64
				Description *string
			}
		}
		if err := w.do(ctx, `query Check($ids: [ID!]!) { nodes(ids: $ids) { id typename: __typename
			... on Link { weight } ... on Person { description } } }`, map[string]any{"ids": batch}, &got); err != nil {
			return entities, lost, fmt.Errorf("scaleload: read back writes: %w", err)
		}
		for i, n := range got.Nodes {
			entities++
			e := w.ledger[batch[i]]
			var have string
			switch {
			case n == nil || n.Typename != e.kind:
				lost = append(lost, batch[i]+": missing")
				continue
			case e.field == "weight" && n.Weight != nil:
				have = strconv.FormatFloat(*n.Weight, 'f', -1, 64)
			case e.field == "description" && n.Description != nil:
				have = *n.Description
			}
			if e.field != "" && have != e.value && !slices.Contains(e.pending, have) {
				lost = append(lost, fmt.Sprintf("%s: %s is %q, want %q", batch[i], e.field, have, e.value))
			}
		}
	}
	return entities, lost, nil
}
