package resolvers

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// importNetwork imports uploaded files with netfile.Import. An upload is
// read twice (check, then write): the multipart transport keeps it in
// memory or a temporary file, both seekable.
func (r *Resolver) importNetwork(ctx context.Context, files []*graphql.Upload, dryRun, directed *bool,
	mapping []*model.ColumnMapping, keyPrefix *string) (*model.ImportResult, error) {
	if len(files) == 0 {
		return nil, graph.Errorf(graph.EINVALID, "files", "no files")
	}
	srcs := make([]netfile.Source, len(files))
	for i, f := range files {
		srcs[i] = netfile.Source{Name: f.Filename, Open: func() (io.ReadCloser, error) {
			if _, err := f.File.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			return io.NopCloser(f.File), nil
		}}
	}
	opt := netfile.ImportOptions{DryRun: orZero(dryRun), Directed: orZero(directed), KeyPrefix: orZero(keyPrefix), Mapping: netfile.Mapping{},
		MaxBytes: r.MaxUploadBytes}
	for _, m := range mapping {
		spec, err := netfile.ParseMapping([]string{m.From + "=" + m.To})
		if err != nil {
			return nil, err
		}
		for k, v := range spec {
			opt.Mapping[k] = v
		}
	}
	res, err := netfile.Import(ctx, r.Store, srcs, opt)
	if err != nil {
		return nil, err
	}
	return &model.ImportResult{Created: int32(res.Created), Updated: int32(res.Updated), Unchanged: int32(res.Unchanged),
		Rows: int32(res.Rows), SkippedSelfLoops: int32(res.SelfLoops), Actors: int32(res.Actors), Programmes: int32(res.Programmes),
		Participations: int32(res.Participations), Links: int32(res.Links), DryRun: opt.DryRun}, nil
}

// orZero returns *p, or T's zero value for nil.
func orZero[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
