package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

// NewCommand returns the root command with every subcommand.
func NewCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "partnergraph",
		Short:         "A knowledge graph of partnership networks: who the brokers are, how knowledge travels",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newServeCommand(), newAnalyzeCommand(), newPathsCommand(), newImportCommand(), newExportCommand())
	root.AddCommand(newKeysCommand(), newEraseCommand()) // keys.go
	return root
}

// StoreFlags choose and configure the store; shared by every command that
// opens one. Environment variables give the defaults.
type StoreFlags struct {
	Kind    string // "embedded" or "neo4j"
	DataDir string
	Neo4j   neo4j.Config
}

// newStoreFlags returns the defaults, from the environment where set.
func newStoreFlags() StoreFlags {
	return StoreFlags{Kind: env("PARTNERGRAPH_STORE", "embedded"), DataDir: env("PARTNERGRAPH_DATA", "data"),
		Neo4j: neo4j.Config{URI: env("NEO4J_URI", "bolt://127.0.0.1:7687"), User: os.Getenv("NEO4J_USER"),
			Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")}}
}

func (f *StoreFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Kind, "store", f.Kind, "store: embedded (SQLite in --data) or neo4j (env PARTNERGRAPH_STORE)")
	fl.StringVar(&f.DataDir, "data", f.DataDir, "data directory of the embedded store (env PARTNERGRAPH_DATA)")
	fl.StringVar(&f.Neo4j.URI, "neo4j-uri", f.Neo4j.URI, "Neo4j URI: bolt://, or neo4j:// for a cluster or Aura (env NEO4J_URI)")
	fl.StringVar(&f.Neo4j.User, "neo4j-user", f.Neo4j.User, "Neo4j user (env NEO4J_USER; the password only from NEO4J_PASSWORD)")
	fl.StringVar(&f.Neo4j.Database, "neo4j-database", f.Neo4j.Database, "Neo4j database, default the server's (env NEO4J_DATABASE)")
}

// Open opens the chosen store.
func (f *StoreFlags) Open(ctx context.Context) (graph.Store, error) {
	switch f.Kind {
	case "embedded":
		return sqlite.Open(ctx, f.DataDir)
	case "neo4j":
		return neo4j.Open(ctx, f.Neo4j)
	}
	return nil, fmt.Errorf("--store %q: want embedded or neo4j", f.Kind)
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// Main is the serve command's program: tests start it on port 0 with a
// temporary data directory, as a user would.
type Main struct {
	Store StoreFlags
	Addr  string
	Demo  bool
	Serve ServeFlags // limits and TLS (serveflags.go)
	Auth  AuthFlags  // access control (auth.go)

	Logger zerolog.Logger
	store  graph.Store
	server *server.Server
}

// NewMain returns a Main with defaults and JSON logs on standard error.
func NewMain() *Main {
	return &Main{Store: newStoreFlags(), Serve: newServeFlags(), Auth: newAuthFlags(), Addr: env("PARTNERGRAPH_ADDR", "127.0.0.1:8080"), Logger: zerolog.New(os.Stderr).With().Timestamp().Logger()}
}

// Run opens the store, loads the demo network if asked, and starts serving.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Serve.check(); err != nil {
		return err
	}
	auth, err := m.Auth.config(m.Logger)
	if err != nil {
		return err
	}
	s, err := m.Store.Open(ctx)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	m.store = s
	if m.Demo {
		res, err := seed.Load(ctx, s)
		if err != nil {
			return fmt.Errorf("load demo network: %w", err)
		}
		m.Logger.Info().Int("created", res.Created).Int("updated", res.Updated).Int("unchanged", res.Unchanged).Msg("demo network loaded")
	}
	cfg := m.Serve.config(s, m.Logger)
	cfg.Auth = auth
	m.server = server.New(cfg)
	if err := m.Serve.open(m.server, m.Addr); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := m.URL()
	m.Logger.Info().Str("addr", m.server.Addr()).Str("graphiql", base+"/").Str("explorer", base+"/explore").
		Str("graphql", base+"/graphql").Str("metrics", base+"/metrics").Str("health", base+"/healthz").
		Msgf("serving: GraphiQL %s/ · network explorer %s/explore · GraphQL %s/graphql", base, base, base)
	return nil
}

// URL returns the server's base URL.
func (m *Main) URL() string { return m.Serve.scheme() + "://" + m.server.Addr() }

// Close finishes in-flight requests (up to 30 s) and closes the store.
func (m *Main) Close() error {
	var err error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = m.server.Close(ctx)
	}
	if m.store != nil {
		if cerr := m.store.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func newServeCommand() *cobra.Command {
	m := NewMain()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the GraphQL API (GraphiQL at /, health at /healthz and /readyz)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := m.Run(cmd.Context()); err != nil {
				m.Close()
				return err
			}
			<-cmd.Context().Done()
			m.Logger.Info().Msg("shutting down")
			return m.Close()
		},
	}
	m.Store.register(cmd)
	m.Serve.register(cmd)
	m.Auth.register(cmd)
	cmd.Flags().StringVar(&m.Addr, "addr", m.Addr, "address to listen on, HOST:PORT (env PARTNERGRAPH_ADDR)")
	cmd.Flags().BoolVar(&m.Demo, "demo", false, "load the demo network from the seed documents (idempotent)")
	return cmd
}
