// Modal forms for editing: a <dialog> with labelled fields, the server's
// errors shown beside the field they name, and focus kept where a
// keyboard or screen-reader user expects it (the first field on opening,
// the field at fault on an error, the opener on closing).

import { ApiError } from "./api";
import { h } from "./dom";
import { actorPicker, type ActorRef, type Picker } from "./picker";

export interface FieldSpec {
  /** The mutation input's name for it (errors name fields this way); "evidence.quote" for nested ones. */
  name: string;
  label: string;
  type?: "text" | "textarea" | "select" | "date" | "number" | "checkbox" | "email" | "tel" | "list" | "actor";
  options?: Record<string, string>;
  help?: string;
  required?: boolean;
}

let forms = 0;

/** A value a form field holds, as the mutation takes it. */
export type Value = string | number | boolean | string[] | ActorRef | null;

interface Field {
  spec: FieldSpec;
  el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
  picker?: Picker;
}

export class FormDialog {
  readonly dialog: HTMLDialogElement;
  readonly form: HTMLFormElement;
  /** Where messages about the whole form (and the conflict view) go. */
  readonly notice: HTMLElement;
  readonly actions: HTMLElement;
  private fields = new Map<string, Field>();
  private opener: Element | null = null;
  private readonly id = `form-${++forms}`;

  constructor(title: string, specs: FieldSpec[], submitLabel: string, onSubmit: () => void, onError: (e: unknown) => void) {
    const titleId = `${this.id}-title`;
    this.notice = h("div", { class: "form-notice", id: `${this.id}-notice` });
    this.actions = h("div", { class: "row actions" },
      h("button", { type: "submit" }, submitLabel),
      h("button", { type: "button", class: "secondary", onclick: () => this.close() }, "Cancel"));
    this.form = h("form", { class: "edit-form", novalidate: true, "aria-describedby": `${this.id}-notice` },
      specs.map((s) => this.field(s, onError)), this.notice, this.actions);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      onSubmit();
    });
    this.dialog = h("dialog", { class: "edit-dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, title), this.form);
    this.dialog.addEventListener("close", () => {
      this.dialog.remove();
      if (this.opener instanceof HTMLElement && this.opener.isConnected) this.opener.focus();
    });
  }

  private field(spec: FieldSpec, onError: (e: unknown) => void): HTMLElement {
    const id = `${this.id}-field-${spec.name.replace(/\W/g, "-")}`;
    const helpId = spec.help ? `${id}-help` : null;
    const error = h("p", { id: `${id}-error`, class: "field-error error", hidden: true });
    const common = { id, name: spec.name, "aria-describedby": [helpId, `${id}-error`].filter(Boolean).join(" "), required: !!spec.required };
    let el: Field["el"];
    switch (spec.type) {
      case "textarea":
        el = h("textarea", { ...common, rows: 3 });
        break;
      case "select":
        el = h("select", common, Object.entries(spec.options ?? {}).map(([v, label]) => h("option", { value: v }, label)));
        break;
      case "checkbox":
        el = h("input", { ...common, type: "checkbox" });
        break;
      case "number":
        el = h("input", { ...common, type: "number", step: "any", min: "0" });
        break;
      default:
        el = h("input", { ...common, type: spec.type === "date" || spec.type === "email" || spec.type === "tel" ? spec.type : "text", autocomplete: "off" });
    }
    const f: Field = { spec, el, error };
    this.fields.set(spec.name, f);
    const label = h("label", { for: id }, spec.label, spec.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null);
    const help = spec.help ? h("p", { id: helpId!, class: "hint" }, spec.help) : null;
    const wrap = h("div", { class: `field${spec.type === "checkbox" ? " check" : ""}${spec.type === "actor" ? " picker" : ""}` });
    if (spec.type === "checkbox") wrap.append(el, " ", label, help ?? "", error);
    else wrap.append(label, el, help ?? "", error);
    if (spec.type === "actor") f.picker = actorPicker(el as HTMLInputElement, () => {}, onError);
    return wrap;
  }

  open(): void {
    this.opener = document.activeElement;
    document.body.append(this.dialog);
    this.dialog.showModal();
    this.form.querySelector<HTMLElement>("input:not([disabled]), select:not([disabled]), textarea")?.focus();
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  disable(name: string): void {
    const f = this.fields.get(name);
    if (f) f.el.disabled = true;
  }

  set(values: Record<string, Value | undefined>): void {
    for (const [name, v] of Object.entries(values)) {
      const f = this.fields.get(name);
      if (!f || v === undefined) continue;
      if (f.picker) f.picker.set((v as ActorRef | null) ?? null);
      else if (f.el instanceof HTMLInputElement && f.el.type === "checkbox") f.el.checked = !!v;
      else f.el.value = Array.isArray(v) ? v.join(", ") : v == null ? "" : String(v);
    }
  }

  /** The form's values by field name: "" becomes null, lists are split at commas. */
  values(): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const [name, f] of this.fields) {
      if (f.picker) out[name] = f.picker.value();
      else if (f.el instanceof HTMLInputElement && f.el.type === "checkbox") out[name] = f.el.checked;
      else if (f.spec.type === "list") out[name] = f.el.value.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
      else if (f.spec.type === "number") out[name] = f.el.value.trim() === "" ? null : Number(f.el.value);
      // A required field left empty goes as "", so the service names it in its error.
      else out[name] = f.el.value.trim() === "" && !f.spec.required ? null : f.el.value.trim();
    }
    return out;
  }

  label(name: string): string {
    return this.fields.get(name)?.spec.label ?? name;
  }

  has(name: string): boolean {
    return this.fields.has(name);
  }

  clearErrors(): void {
    this.notice.replaceChildren();
    for (const f of this.fields.values()) {
      f.error.hidden = true;
      f.error.textContent = "";
      f.el.removeAttribute("aria-invalid");
    }
  }

  /**
   * Shows an error: beside the field the server names (extensions.field)
   * if the form has it, else above the buttons; focus goes to it.
   */
  showError(e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    const field = e instanceof ApiError ? e.extensions.field : undefined;
    const f = field ? this.fields.get(field) ?? this.fields.get(`${field}.quote`) : undefined;
    if (f) {
      f.error.textContent = msg;
      f.error.hidden = false;
      f.el.setAttribute("aria-invalid", "true");
      f.el.focus();
      return;
    }
    this.notice.replaceChildren(h("p", { class: "error", role: "alert", tabindex: "-1" }, msg));
    this.notice.querySelector<HTMLElement>("p")?.focus();
  }
}

/** Splits "evidence.quote"-style names into nested objects, as the mutations take them. */
export function nest(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(values)) {
    const [head, tail] = name.split(".", 2);
    if (!tail) out[head] = v;
    else ((out[head] ??= {}) as Record<string, unknown>)[tail] = v;
  }
  return out;
}

/** Reads a nested value ("evidence.quote") of an entity as the server gives it. */
export function pick(obj: Record<string, unknown> | null | undefined, name: string): unknown {
  return name.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** Shows a value for the conflict view. */
export function show(v: unknown): string {
  if (v == null || v === "" || (Array.isArray(v) && !v.length)) return "(empty)";
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "object" && "name" in (v as object)) return String((v as ActorRef).name);
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/** A confirmation dialog: resolves true if the user confirms. */
export function confirmDialog(title: string, body: (HTMLElement | string)[], confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const id = `confirm-${++forms}`;
    let answer = false;
    const yes = h("button", { type: "button", class: "danger", onclick: () => { answer = true; dialog.close(); } }, confirmLabel);
    const dialog = h("dialog", { class: "edit-dialog", role: "alertdialog", "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-body` },
      h("h2", { id: `${id}-title` }, title),
      h("div", { id: `${id}-body` }, body),
      h("div", { class: "row actions" }, yes, h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Cancel")));
    const opener = document.activeElement;
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    // The safe choice has focus first.
    dialog.querySelector<HTMLButtonElement>("button.secondary")?.focus();
  });
}
