// The timeline: replays the network's change a month at a time. Each step
// sets the scope's date window to that month, so the map shows the links
// active in it (undated links count as active throughout, as the API's
// scope does) and the panels ask the server for that window; positions
// stay where the layout put them, so only what is visible changes.

import { byId, num } from "./dom";
import { monthLabel, type ScopeBar } from "./scope";

/** How long each month shows while playing. */
const STEP_MS = 900;

export class Timeline {
  private slider = byId<HTMLInputElement>("timeline");
  private play = byId<HTMLButtonElement>("timeline-play");
  private all = byId<HTMLButtonElement>("timeline-all");
  private dateOut = byId<HTMLOutputElement>("timeline-date");
  private counts = byId("timeline-counts");
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private scope: ScopeBar,
    /** Playing stopped (the panels may now catch up with the window shown). */
    private stopped: () => void,
  ) {
    const months = scope.monthList();
    if (!months.length) {
      this.slider.disabled = this.play.disabled = this.all.disabled = true;
      this.counts.textContent = "No link in this network has dates.";
      return;
    }
    this.slider.max = String(months.length - 1);
    this.slider.value = "0";
    this.slider.addEventListener("input", () => {
      this.pause();
      this.show(Number(this.slider.value));
    });
    // A key or click that leaves the value as it was (Home on the first
    // month) fires no input, yet asks for that month: show it too.
    const settle = () => {
      const v = Number(this.slider.value);
      const [i, j] = this.scope.window();
      if (i !== v || j !== v) {
        this.pause();
        this.show(v);
      }
    };
    this.slider.addEventListener("keyup", settle);
    this.slider.addEventListener("pointerup", settle);
    this.play.addEventListener("click", () => (this.playing() ? this.pause() : this.start()));
    this.all.addEventListener("click", () => {
      this.pause();
      this.scope.setWindow(0, months.length - 1);
    });
    this.label(0);
  }

  playing(): boolean {
    return this.timer !== undefined;
  }

  /** Shows month i: the scope's window becomes that month. */
  private show(i: number): void {
    this.slider.value = String(i);
    this.scope.setWindow(i, i);
  }

  private start(): void {
    const last = this.scope.monthList().length - 1;
    const [i, j] = this.scope.window();
    // From the start, unless a month is on show and there are more to come.
    const from = i === j && i < last ? i : 0;
    this.setPlaying(true);
    const step = (k: number) => {
      this.show(k);
      this.timer = k < last ? setTimeout(() => step(k + 1), STEP_MS) : undefined;
      if (k >= last) this.setPlaying(false);
    };
    step(from);
  }

  pause(): void {
    if (!this.playing()) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.setPlaying(false);
  }

  private setPlaying(on: boolean): void {
    this.play.textContent = on ? "Pause" : "Play";
    this.play.setAttribute("aria-pressed", String(on));
    // A month a second is too many announcements: say where it stopped.
    this.counts.setAttribute("aria-live", on ? "off" : "polite");
    if (!on) this.stopped();
  }

  private label(i: number): void {
    const m = monthLabel(this.scope.monthList()[i]);
    this.dateOut.textContent = m;
    this.slider.setAttribute("aria-valuetext", m);
  }

  /**
   * Follows the scope's date window (set here or in the scope panel) and
   * says what the map shows: one month, or the window it spans.
   */
  update(visible: { actors: number; links: number }): void {
    const months = this.scope.monthList();
    if (!months.length) return;
    const [i, j] = this.scope.window();
    if (i === j) {
      this.slider.value = String(i);
      this.label(i);
    }
    const when = i === j ? monthLabel(months[i]) : i === 0 && j === months.length - 1 ? "All dates" : `${monthLabel(months[i])} – ${monthLabel(months[j])}`;
    if (i !== j) {
      this.dateOut.textContent = when;
      this.slider.setAttribute("aria-valuetext", when);
    }
    this.counts.textContent = `${when}: ${num(visible.actors)} actors, ${num(visible.links)} links active`;
  }
}
