package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/spf13/cobra"
)

func newKeysCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke API keys (serve --auth accepts them as Authorization: Bearer KEY)",
		Long: `API keys authenticate requests when serve runs with --auth. A key's role is
viewer (reads, without personal contact data), editor (also writes) or admin (also
keys, imports, erasure and the audit log). The store keeps only a SHA-256 hash of
each key: create prints it once, and it cannot be shown again. On Neo4j, every
replica sees the same keys, and a revocation holds at once on all of them.`,
	}
	cmd.AddCommand(newKeysCreateCommand(), newKeysListCommand(), newKeysRevokeCommand())
	return cmd
}

func newKeysCreateCommand() *cobra.Command {
	sf := newStoreFlags()
	var role, name string
	cmd := &cobra.Command{
		Use:   "create [--data DIR | --store neo4j] --role viewer|editor|admin [--name NAME]",
		Short: "Create an API key and print it, once, on standard output",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := graph.ParseAccessRole("role", role)
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			return withAdminStore(cmd.Context(), sf, func(ctx context.Context, a graph.AdminStore) error {
				now := time.Now()
				k, secret, err := graph.NewAPIKey(name, r, now)
				if err != nil {
					return err
				}
				if err := a.CreateKey(ctx, k, graph.NewAuditEntry(ctx, graph.AuditCreateKey, k.ID, now)); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "created key %s (%s); it is shown only now, keep it secret:\n", k.ID, k.Role)
				fmt.Fprintln(cmd.OutOrStdout(), secret)
				return nil
			})
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&role, "role", "", "viewer, editor or admin (required)")
	cmd.Flags().StringVar(&name, "name", "", "what the key is for, shown in lists and logs")
	cmd.MarkFlagRequired("role")
	return cmd
}

func newKeysListCommand() *cobra.Command {
	sf := newStoreFlags()
	cmd := &cobra.Command{
		Use:   "list [--data DIR | --store neo4j]",
		Short: "List API keys, revoked ones too (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAdminStore(cmd.Context(), sf, func(ctx context.Context, a graph.AdminStore) error {
				ks, err := a.Keys(ctx)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tROLE\tCREATED\tREVOKED\tNAME")
				for _, k := range ks {
					revoked := "-"
					if !k.Revoked.IsZero() {
						revoked = k.Revoked.Format(time.RFC3339)
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.Created.Format(time.RFC3339), revoked, k.Name)
				}
				return w.Flush()
			})
		},
	}
	sf.register(cmd)
	return cmd
}

func newKeysRevokeCommand() *cobra.Command {
	sf := newStoreFlags()
	cmd := &cobra.Command{
		Use:   "revoke [--data DIR | --store neo4j] ID",
		Short: "Revoke an API key at once (a running server refuses it from its next request)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAdminStore(cmd.Context(), sf, func(ctx context.Context, a graph.AdminStore) error {
				k, err := a.RevokeKey(ctx, args[0], graph.NewAuditEntry(ctx, graph.AuditRevokeKey, args[0], time.Now()))
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "key %s (%s, %q) revoked at %s\n", k.ID, k.Role, k.Name, k.Revoked.Format(time.RFC3339))
				return nil
			})
		},
	}
	sf.register(cmd)
	return cmd
}

func newEraseCommand() *cobra.Command {
	sf := newStoreFlags()
	cmd := &cobra.Command{
		Use:   "erase [--data DIR | --store neo4j] PERSON_KEY",
		Short: "Erase a person (right to erasure): them, their links and participations, in one transaction with an audit entry",
		Long: `Erase a person: remove them, their links and participations, and them as broker of
other links, in one transaction that also records in the audit log who erased
(cli:USER), when, and a salted hash of the erased ID (never the name or key).
Later reads and exports hold nothing of them. Free text elsewhere (evidence quotes
and notes on other entities) is not rewritten: search it for the person's name.
Backups and, on Neo4j, transaction logs keep old data until they expire.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := graph.NewID(graph.KindPerson, args[0])
			return withAdminStore(cmd.Context(), sf, func(ctx context.Context, a graph.AdminStore) error {
				e := graph.NewAuditEntry(ctx, graph.AuditErasePerson, graph.ErasureRef(id), time.Now())
				if err := a.ErasePerson(ctx, id, e); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "erased; audit entry %s\n", e.ID)
				return nil
			})
		},
	}
	sf.register(cmd)
	return cmd
}

// withAdminStore opens the store and calls fn with its administrative side,
// acting for the operator (cli:USER) as an administrator: whoever can open
// the store can read and change everything in it anyway.
func withAdminStore(ctx context.Context, sf StoreFlags, fn func(context.Context, graph.AdminStore) error) error {
	st, err := sf.Open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a, ok := st.(graph.AdminStore)
	if !ok {
		return fmt.Errorf("the %s store keeps no API keys", sf.Kind)
	}
	return fn(graph.WithCaller(ctx, graph.Caller{Subject: "cli:" + operator(), Role: graph.AccessAdmin}), a)
}

// operator names who runs the command, for the audit log.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}
