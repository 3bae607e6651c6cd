// GraphQL over fetch, with the optional API key the service may ask for.

const KEY_STORAGE = "partnergraph.apiKey";

/** What the service puts in a GraphQL error's extensions. */
export interface ErrorExtensions {
  code?: string;
  /** The input field at fault, as the mutation's input names it. */
  field?: string;
  /** CONFLICT: the entity as it is now, and its revision. */
  current?: Record<string, unknown>;
  revision?: string;
  /** An import's bad rows. */
  rows?: { file: string; line: number; message: string }[];
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly status?: number,
    readonly extensions: ErrorExtensions = {},
  ) {
    super(message);
  }
  /** The service wants an API key, or a different one. */
  get needsKey(): boolean {
    return this.status === 401 || this.status === 403 || this.code === "UNAUTHENTICATED" || this.code === "FORBIDDEN";
  }
}

let apiKey = readStoredKey();

// A key is kept for this tab (sessionStorage), or in this browser when the
// user asks to remember it (localStorage).
function readStoredKey(): string {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? sessionStorage.getItem(KEY_STORAGE) ?? "";
  } catch {
    return ""; // storage disabled: the key lives for this page only
  }
}

export function getApiKey(): string {
  return apiKey;
}

export function isKeyRemembered(): boolean {
  try {
    return localStorage.getItem(KEY_STORAGE) !== null;
  } catch {
    return false;
  }
}

/** Uses key for every request; remember keeps it in this browser's localStorage, else for this tab only. */
export function setApiKey(key: string, remember: boolean): void {
  apiKey = key.trim();
  try {
    localStorage.removeItem(KEY_STORAGE);
    sessionStorage.removeItem(KEY_STORAGE);
    if (apiKey) (remember ? localStorage : sessionStorage).setItem(KEY_STORAGE, apiKey);
  } catch {
    // storage disabled
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: ErrorExtensions }[];
}

/** Runs a GraphQL operation against the service that served the page. */
export function gql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  return post<T>({ "Content-Type": "application/json" }, JSON.stringify({ query, variables }), signal);
}

/**
 * Runs a GraphQL operation with files (the GraphQL multipart request
 * specification): each file goes in as variables[name][i].
 */
export function gqlUpload<T>(query: string, variables: Record<string, unknown>, name: string, files: File[]): Promise<T> {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables: { ...variables, [name]: files.map(() => null) } }));
  form.append("map", JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.${name}.${i}`]]))));
  files.forEach((f, i) => form.append(String(i), f, f.name));
  // The service's CSRF guard wants this header on multipart requests.
  return post<T>({ "Apollo-Require-Preflight": "true" }, form);
}

async function post<T>(contentHeaders: Record<string, string>, request: BodyInit, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { ...contentHeaders, Accept: "application/json" };
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  const res = await fetch("/graphql", { method: "POST", headers, body: request, signal });
  let body: GraphQLResponse<T> | undefined;
  try {
    body = (await res.json()) as GraphQLResponse<T>;
  } catch {
    // not JSON: reported below by status
  }
  const err = body?.errors?.[0];
  if (res.status === 401 || res.status === 403) {
    throw new ApiError(err?.message ?? "The service needs an API key: enter it under “API key”.", err?.extensions?.code, res.status);
  }
  if (err) throw new ApiError(err.message, err.extensions?.code, res.status, err.extensions ?? {});
  if (!res.ok || !body?.data) throw new ApiError(`The service answered ${res.status} ${res.statusText}`.trim(), undefined, res.status);
  return body.data;
}

interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

/**
 * Fetches every node of a Relay connection, page after page. query takes
 * $after and selects the connection as field; onPage hears each page.
 */
export async function fetchAll<T>(
  query: string,
  field: string,
  onPage: (nodes: T[], loaded: number, total: number) => void = () => {},
): Promise<T[]> {
  const all: T[] = [];
  let after: string | null = null;
  for (;;) {
    const data: Record<string, Page<T>> = await gql<Record<string, Page<T>>>(query, { after });
    const page = data[field];
    all.push(...page.nodes);
    onPage(page.nodes, all.length, page.totalCount);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return all;
    after = page.pageInfo.endCursor;
  }
}
