/** An outbound HTTP request made by a flow's `http` step. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

/** Its response. `body` is parsed JSON when the response was JSON, else text. */
export interface HttpResponse {
  status: number;
  body: unknown;
}

/**
 * HTTP for flow steps (CRM lookups, webhooks). Rejects with `HOTLINE_ERR_TIMEOUT` on timeout and
 * `HOTLINE_ERR_HTTP_STEP` on network failure; a non-2xx response resolves (the step decides).
 */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}
