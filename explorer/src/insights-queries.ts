// The queries the Insights view sends. Each is, character for character, an
// example of the README's "Dashboards" section (test/insights-queries.test.mjs
// checks it), so what the view shows is what a dashboard tool can reproduce.

/** Links per month and type (a stacked chart) and organisations per sector. */
export const LINKS_AND_SECTORS = `{
  linksAggregate(groupBy: [MONTH, TYPE]) { keys count }
  actorsAggregate(filter: {kinds: [ORGANISATION]}, groupBy: [SECTOR]) { keys count }
}`;

/** The cross-sector share and the top brokers of each academic year. */
export const SERIES = `{
  networkSeries(from: "2016-09-01", to: "2020-08-31", interval: ACADEMIC_YEAR) {
    from to
    summary {
      actors links density components crossSectorLinkShare
      topBrokers(first: 3) { rank score actor { name } }
    }
  }
}`;

/** Every change as it is made (graphql-transport-ws on /graphql). */
export const CHANGES = `subscription { changes { version op kind entityId at } }`;
