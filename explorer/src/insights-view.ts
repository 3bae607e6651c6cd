// The Insights view: four charts from the README's dashboard queries and a
// live counter of the changes made since the view was opened. A change
// (from this page, another tab or any client) refetches the charts, at most
// once per burst of changes, so their numbers follow without a reload.

import { createClient, type Client } from "graphql-ws";
import { gql, getApiKey } from "./api";
import { bars, bump, shareLine, stackedBars } from "./charts";
import { byId, debounce, fill, num } from "./dom";
import { CHANGES, LINKS_AND_SECTORS, SERIES } from "./insights-queries";

interface Group {
  keys: (string | null)[];
  count: number;
}
interface LinksAndSectors {
  linksAggregate: Group[];
  actorsAggregate: Group[];
}
interface Series {
  networkSeries: {
    from: string;
    to: string;
    summary: { crossSectorLinkShare: number; topBrokers: { rank: number; actor: { name: string } }[] };
  }[];
}

const BUMP_DEPTH = 3; // SERIES asks for topBrokers(first: 3)

export class InsightsView {
  private client?: Client;
  private unsubscribe?: () => void;
  private changes = 0;
  private readonly live = byId("insights-live");
  private readonly charts = byId("insights-charts");
  private readonly refresh = debounce(() => void this.load(), 250);

  constructor(private readonly dialog: HTMLDialogElement) {
    dialog.addEventListener("close", () => this.stop());
  }

  open(): void {
    this.dialog.showModal();
    this.changes = 0;
    this.showLive("Connecting to live updates…");
    this.listen();
    void this.load();
  }

  private async load(): Promise<void> {
    this.charts.setAttribute("aria-busy", "true");
    try {
      const [ls, series] = await Promise.all([gql<LinksAndSectors>(LINKS_AND_SECTORS), gql<Series>(SERIES)]);
      this.render(ls, series);
    } catch (e) {
      fill(this.charts, e instanceof Error ? e.message : String(e));
    } finally {
      this.charts.setAttribute("aria-busy", "false");
    }
  }

  private render(ls: LinksAndSectors, series: Series): void {
    const focused = document.activeElement?.id;
    const dated = ls.linksAggregate.filter((g) => g.keys[0] != null);
    const months = monthsBetween(dated[0]?.keys[0], dated.at(-1)?.keys[0]);
    const types = [...new Set(dated.map((g) => g.keys[1] ?? "none"))].sort();
    const perMonth = new Map(dated.map((g) => [`${g.keys[0]}|${g.keys[1] ?? "none"}`, g.count]));
    const undated = ls.linksAggregate.filter((g) => g.keys[0] == null).reduce((t, g) => t + g.count, 0);
    const monthly = stackedBars("chart-links", "Links per month by type", months, types, (m, t) => perMonth.get(`${m}|${t}`) ?? 0);
    if (undated) monthly.querySelector(".chart-desc")!.append(` ${num(undated)} links without a start date are not shown.`);

    const sectors = ls.actorsAggregate.map((g) => [g.keys[0] ?? "none", g.count] as [string, number]);
    sectors.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

    const periods = series.networkSeries.map((p) => period(p.from, p.to));
    const share = series.networkSeries.map((p, i) => [periods[i], p.summary.crossSectorLinkShare] as [string, number]);
    fill(
      this.charts,
      monthly,
      bars("chart-sectors", "Organisations by sector", sectors, "organisations"),
      shareLine("chart-cross", "Cross-sector share of links by academic year", share),
      bump("chart-brokers", "Top brokers by academic year", periods, brokerRanks(series), BUMP_DEPTH),
    );
    if (focused) document.getElementById(focused)?.focus();
  }

  /** Subscribes to every change; without a subscription endpoint the counter says so. */
  private listen(): void {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
    const key = getApiKey();
    this.client = createClient({
      url,
      retryAttempts: 0,
      lazy: false,
      connectionParams: key ? { Authorization: `Bearer ${key}` } : {},
      on: { connected: () => this.showLive() },
    });
    this.unsubscribe = this.client.subscribe(
      { query: CHANGES },
      {
        next: () => {
          this.changes++;
          this.showLive();
          this.refresh();
        },
        error: () => this.showLive("Live updates unavailable"),
        complete: () => {},
      },
    );
  }

  private showLive(state?: string): void {
    this.live.dataset.changes = String(this.changes);
    this.live.textContent = state ?? `Live: ${num(this.changes)} ${this.changes === 1 ? "change" : "changes"} since opened`;
  }

  private stop(): void {
    this.unsubscribe?.();
    void this.client?.dispose();
    this.client = undefined;
  }
}

/** Every month from first to last ("2019-03"), so months without links show as gaps. */
function monthsBetween(first?: string | null, last?: string | null): string[] {
  if (!first || !last) return [];
  const out: string[] = [];
  let [y, m] = first.split("-").map(Number);
  for (let month = first; month <= last; month = `${y}-${String(m).padStart(2, "0")}`) {
    out.push(month);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

/** "2016–17" for an academic year, "2019" for a calendar year. */
function period(from: string, to: string): string {
  return from.slice(0, 4) === to.slice(0, 4) ? from.slice(0, 4) : `${from.slice(0, 4)}–${to.slice(2, 4)}`;
}

/** Each broker's rank per period (null when not in the top), best-ranked brokers first. */
function brokerRanks(series: Series): Map<string, (number | null)[]> {
  const n = series.networkSeries.length;
  const ranks = new Map<string, (number | null)[]>();
  series.networkSeries.forEach((p, i) => {
    for (const b of p.summary.topBrokers) {
      if (!ranks.has(b.actor.name)) ranks.set(b.actor.name, new Array<number | null>(n).fill(null));
      ranks.get(b.actor.name)![i] = b.rank;
    }
  });
  const best = (k: string) => Math.min(...ranks.get(k)!.map((r) => r ?? Infinity));
  const names = [...ranks.keys()].sort((a, b) => best(a) - best(b) || a.localeCompare(b));
  return new Map(names.map((k) => [k, ranks.get(k)!]));
}
