package server

import (
	"embed"
	"net/http"
	"net/url"

	"github.com/99designs/gqlgen/graphql/playground"
)

//go:embed graphiql/*.js graphiql/*.css
var graphiqlAssets embed.FS

// graphiqlExample is the query GraphiQL opens on: the service's two
// questions, answerable on any network (the demo's, an empty one).
const graphiqlExample = `# partnergraph answers two questions. Press ▶ to run this one.
# Who are the key intermediaries, the brokers who hold the network together?
{
  networkSummary { actors links components largestComponentShare crossSectorLinkShare }
  brokers(metric: BETWEENNESS, first: 5) { rank score actor { key name } }
}

# How can knowledge travel? Paths between two actors, by key:
# { knowledgePaths(from: "croxteth-community-primary-school", to: "tina-cook", k: 3) {
#     hops actors { name } steps { link { type evidence { source quote } } } } }
`

// graphiqlPage serves GraphiQL from the embedded assets (it works offline),
// opening on graphiqlExample: the query lives in the URL, so a first visit
// is sent to /?query=… and later edits and reloads keep the user's own.
func graphiqlPage() http.Handler {
	page := withCSP(playground.Handler("partnergraph", "/graphql",
		playground.WithGraphiqlVersion("/graphiql/graphiql.min.js", "/graphiql/graphiql.min.css",
			"sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=", "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU="),
		playground.WithGraphiqlReactVersion("/graphiql/react.production.min.js", "/graphiql/react-dom.production.min.js",
			"sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=", "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc="),
		playground.WithGraphiqlEnablePluginExplorer(false),
		playground.WithGraphiqlPersistStateInURL(true))) // browser.go
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) == 0 {
			http.Redirect(w, r, "/?query="+url.QueryEscape(graphiqlExample), http.StatusFound)
			return
		}
		page.ServeHTTP(w, r)
	})
}
