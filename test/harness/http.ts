/**
 * A small cookie-keeping HTTP client over fetch, acting like a browser on our pages:
 * it keeps cookies and remembers the CSRF token of the last page it read.
 */
export class WebClient {
  private readonly cookies = new Map<string, string>();
  csrf?: string;

  constructor(readonly baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; headers: Headers; text: string; location: string | null }> {
    const headers = new Headers(init.headers);
    if (this.cookies.size)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (!headers.has('accept')) headers.set('accept', 'text/html');
    const res = await fetch(this.baseUrl + path, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return {
      status: res.status,
      headers: res.headers,
      text,
      location: res.headers.get('location'),
    };
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  /** Posts a form like a browser would, with the CSRF token of the last page unless given. */
  post(path: string, fields: Record<string, string>, opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams(fields);
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf) body.set('_csrf', csrf);
    return this.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  async signIn(email: string, password = 'vetlane-demo') {
    await this.get('/login');
    const res = await this.post('/login', { email, password });
    if (res.status !== 303) throw new Error(`sign-in of ${email} failed: ${res.status}`);
    return res;
  }
}
