// The scope bar: which link types, which date window, which programme. The
// map filters itself at once; the analytics follow once the input settles.

import { byId, h, num, swatch } from "./dom";
import { LINK_TYPES, ProgrammeRow, Scope } from "./model";
import { years } from "./card";

export class ScopeBar {
  private scope: Scope = {};
  private months: string[] = [];
  private boxes: HTMLInputElement[] = [];
  private fromInput = byId<HTMLInputElement>("date-from");
  private toInput = byId<HTMLInputElement>("date-to");
  private programme = byId<HTMLSelectElement>("programme");

  constructor(
    typeCounts: Map<string, number>,
    dates: [string, string] | null,
    programmes: ProgrammeRow[],
    private onChange: (s: Scope) => void,
  ) {
    this.linkTypes(typeCounts);
    this.dateWindow(dates);
    for (const p of programmes) this.programme.append(h("option", { value: p.id }, p.name + years(p.start, p.end)));
    this.programme.addEventListener("change", () => this.update());
    byId("scope-reset").addEventListener("click", () => this.reset());
  }

  current(): Scope {
    return this.scope;
  }

  /** The months the date window moves over ("YYYY-MM"), first to last; [] if no link is dated. */
  monthList(): string[] {
    return this.months;
  }

  /** The date window's first and last month, as indices into monthList. */
  window(): [number, number] {
    return [Number(this.fromInput.value), Number(this.toInput.value)];
  }

  /** Sets the date window to months i..j (the timeline's replay) and applies it. */
  setWindow(i: number, j: number): void {
    this.fromInput.value = String(i);
    this.toInput.value = String(j);
    this.update();
  }

  private linkTypes(counts: Map<string, number>): void {
    const fieldset = byId("link-types");
    for (const [type, style] of Object.entries(LINK_TYPES)) {
      const n = counts.get(type) ?? 0;
      if (!n) continue;
      const box = h("input", { type: "checkbox", value: type, checked: true, onchange: () => this.update() });
      this.boxes.push(box);
      fieldset.append(h("label", { class: "check type" }, box, swatch(style.color), ` ${style.label} `, h("span", { class: "count" }, num(n))));
    }
  }

  private dateWindow(dates: [string, string] | null): void {
    if (!dates) {
      this.fromInput.disabled = this.toInput.disabled = true;
      byId("dates-hint").textContent = "No link in this network has dates.";
      return;
    }
    this.months = monthsBetween(dates[0], dates[1]);
    for (const input of [this.fromInput, this.toInput]) {
      input.max = String(this.months.length - 1);
      input.addEventListener("input", () => {
        // Keep from ≤ to by moving the other handle.
        if (Number(this.fromInput.value) > Number(this.toInput.value)) {
          (input === this.fromInput ? this.toInput : this.fromInput).value = input.value;
        }
        this.update();
      });
    }
    this.fromInput.value = "0";
    this.toInput.value = String(this.months.length - 1);
    this.showDates();
  }

  private showDates(): void {
    if (!this.months.length) return;
    const label = monthLabel;
    const f = this.months[Number(this.fromInput.value)];
    const t = this.months[Number(this.toInput.value)];
    byId("date-from-out").textContent = label(f);
    byId("date-to-out").textContent = label(t);
    this.fromInput.setAttribute("aria-valuetext", label(f));
    this.toInput.setAttribute("aria-valuetext", label(t));
  }

  private update(): void {
    const s: Scope = {};
    const on = this.boxes.filter((b) => b.checked).map((b) => b.value);
    if (on.length < this.boxes.length) s.linkTypes = on;
    if (this.programme.value) s.programmeId = this.programme.value;
    if (this.months.length) {
      const i = Number(this.fromInput.value);
      const j = Number(this.toInput.value);
      if (i > 0) s.from = `${this.months[i]}-01`;
      if (j < this.months.length - 1) s.to = lastDay(this.months[j]);
      this.showDates();
    }
    this.scope = s;
    this.onChange(s);
  }

  private reset(): void {
    for (const b of this.boxes) b.checked = true;
    this.programme.value = "";
    this.fromInput.value = "0";
    this.toInput.value = String(Math.max(0, this.months.length - 1));
    this.update();
  }
}

/** A month for people: "Mar 2020". */
export function monthLabel(m: string): string {
  return new Date(`${m}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
}

/** "YYYY-MM" for every month from the one of day a to the one of day b. */
function monthsBetween(a: string, b: string): string[] {
  const out: string[] = [];
  let [y, m] = a.split("-").map(Number);
  const [y2, m2] = b.split("-").map(Number);
  while (y < y2 || (y === y2 && m <= m2)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export function lastDay(month: string): string {
  const [y, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(d).padStart(2, "0")}`;
}
