// Importing network files from the page (administrators): the files go to
// importNetwork as a dry run first, and the page shows what would be
// created, updated and left unchanged, or every bad row with its file and
// line. Only a clean preview of the very files chosen can be confirmed;
// nothing is written before that.

import { ApiError, gqlUpload } from "./api";
import { h, num } from "./dom";

interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  rows: number;
  actors: number;
  programmes: number;
  participations: number;
  links: number;
  skippedSelfLoops: number;
  dryRun: boolean;
}

const IMPORT = `mutation ExplorerImport($files: [Upload!]!, $dryRun: Boolean, $directed: Boolean) {
  importNetwork(files: $files, dryRun: $dryRun, directed: $directed) {
    created updated unchanged rows actors programmes participations links skippedSelfLoops dryRun
  }
}`;

const ACCEPT = ".csv,.json,.graphml,.gexf,.txt,.edgelist,.gz";

/** Opens the import dialog; done is told after a confirmed import wrote. */
export function openImporter(done: (message: string) => void): void {
  const files = h("input", { id: "import-files", type: "file", multiple: true, accept: ACCEPT, "aria-describedby": "import-files-help" });
  const directed = h("input", { id: "import-directed", type: "checkbox" });
  const result = h("div", { id: "import-result", "aria-live": "polite" });
  const preview = h("button", { type: "submit", id: "import-preview" }, "Preview");
  const confirm = h("button", { type: "button", id: "import-confirm", disabled: true }, "Import");
  const opener = document.activeElement;
  let checked: File[] | null = null; // the files a clean preview was made of

  const chosen = () => [...(files.files ?? [])];
  const run = (dryRun: boolean) => gqlUpload<{ importNetwork: ImportResult }>(IMPORT, { dryRun, directed: directed.checked }, "files", chosen())
    .then((d) => d.importNetwork);
  const invalidate = () => {
    checked = null;
    confirm.disabled = true;
    result.replaceChildren();
  };
  files.addEventListener("change", invalidate);
  directed.addEventListener("change", invalidate);

  const form = h("form", { class: "edit-form", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: "import-files" }, "Files"), files,
      h("p", { id: "import-files-help", class: "hint" },
        "CSV (actors and links tables), GraphML, GEXF, JSON or edge lists. Rows are matched by key: importing a file again changes nothing.")),
    h("div", { class: "field check" }, directed, " ", h("label", { for: "import-directed" }, "Edges of edge lists and CSV links without a “directed” column are directed")),
    result,
    h("div", { class: "row actions" }, preview, confirm,
      h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Close")));
  const dialog = h("dialog", { class: "edit-dialog wide", "aria-labelledby": "import-title" },
    h("h2", { id: "import-title" }, "Import a network file"),
    h("p", { class: "hint" }, "First a preview: nothing is written until you confirm it."), form);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    invalidate();
    if (!chosen().length) {
      result.replaceChildren(h("p", { class: "error", role: "alert" }, "Choose one or more files first."));
      files.focus();
      return;
    }
    result.replaceChildren(h("p", { class: "hint" }, "Checking every row…"));
    try {
      const r = await run(true);
      checked = chosen();
      result.replaceChildren(summary(r));
      confirm.disabled = false;
      confirm.focus();
    } catch (err) {
      result.replaceChildren(errors(err));
      result.querySelector<HTMLElement>("[tabindex]")?.focus();
    }
  });
  confirm.addEventListener("click", async () => {
    const now = chosen();
    if (!checked || now.length !== checked.length || now.some((f, i) => f !== checked![i])) return;
    confirm.disabled = true;
    try {
      const r = await run(false);
      result.replaceChildren(summary(r), h("p", { role: "status" }, "Imported."));
      done(`Imported: ${num(r.created)} created, ${num(r.updated)} updated, ${num(r.unchanged)} unchanged.`);
      checked = null;
    } catch (err) {
      result.replaceChildren(errors(err));
    }
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  files.focus();
}

function summary(r: ImportResult): HTMLElement {
  const row = (label: string, v: number) => h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, num(v)));
  return h("section", { class: "import-summary", "aria-labelledby": "import-summary-h" },
    h("h3", { id: "import-summary-h" }, r.dryRun ? "Preview: what the import would do" : "What the import did"),
    h("table", { class: "kv" }, h("tbody", {},
      row(r.dryRun ? "Would be created" : "Created", r.created),
      row(r.dryRun ? "Would be changed" : "Changed", r.updated),
      row("Left unchanged", r.unchanged))),
    h("h4", {}, "Rows read"),
    h("table", { class: "kv" }, h("tbody", {},
      row("Actors", r.actors), row("Programmes", r.programmes), row("Participations", r.participations), row("Links", r.links),
      r.skippedSelfLoops ? row("Self-loops skipped", r.skippedSelfLoops) : null)));
}

/** Every bad row as file:line, or the service's message for other errors. */
function errors(err: unknown): HTMLElement {
  const rows = err instanceof ApiError ? err.extensions.rows : undefined;
  const msg = err instanceof Error ? err.message : String(err);
  if (!rows?.length) return h("div", { role: "alert", class: "error", tabindex: "-1" }, h("p", {}, msg));
  return h("section", { class: "import-errors", role: "alert", "aria-labelledby": "import-errors-h", tabindex: "-1" },
    h("h3", { id: "import-errors-h", class: "error" }, `${rows.length} ${rows.length === 1 ? "row needs" : "rows need"} fixing; nothing was written`),
    h("p", { class: "hint" }, "Fix them in the file and preview again: a file with errors cannot be imported."),
    h("ul", { class: "plain" }, rows.map((r) => h("li", {}, h("code", { class: "where" }, `${r.file}:${r.line}`), `: ${r.message}`))),
    /stopped after/.test(msg) ? h("p", { class: "hint" }, "The check stopped there; there may be more.") : null);
}
