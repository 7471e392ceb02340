// The scanner's only way to the server: the DRF API with JWT. The access token is short-lived; on a 401 the
// refresh token is exchanged once (the server rotates it and blacklists the old one, so the new one is
// stored every time) and the request is repeated; a second 401 means the session is over.
//
// Failures are typed so callers can decide: NetworkError (no answer at all: offline, timeout, DNS) means
// "work offline"; AuthRequired means "show the sign-in screen"; any answer, error or not, is returned.

const TOKENS_KEY = "eh-scanner-tokens";

export class NetworkError extends Error {}

export class AuthRequired extends Error {}

/** The parsed answer of one request. */
export class ApiResponse {
  constructor(status, body, headers) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  get ok() {
    return this.status >= 200 && this.status < 300;
  }

  get errorCode() {
    return (this.body && this.body.error && this.body.error.code) || null;
  }

  get errorMessage() {
    return (this.body && this.body.error && this.body.error.message) || null;
  }
}

export function storedTokens() {
  try {
    const tokens = JSON.parse(localStorage.getItem(TOKENS_KEY) || "null");
    return tokens && tokens.access && tokens.refresh ? tokens : null;
  } catch {
    return null;
  }
}

function storeTokens(tokens) {
  if (tokens) {
    localStorage.setItem(TOKENS_KEY, JSON.stringify({ access: tokens.access, refresh: tokens.refresh }));
  } else {
    localStorage.removeItem(TOKENS_KEY);
  }
}

// One refresh at a time across tabs: a second tab refreshing with the same (now blacklisted) token would
// sign both out. Inside the lock, a token that changed meanwhile means someone else already refreshed.
function exclusively(name, task) {
  if (navigator.locks && navigator.locks.request) {
    return navigator.locks.request(name, task);
  }
  return task();
}

export function createApi({ base, onAuthLost = () => {} }) {
  let refreshing = null;

  async function send(path, { method = "GET", body, access, headers = {}, timeout = 8000 } = {}) {
    const init = { method, headers: { Accept: "application/json", ...headers }, cache: "no-store", credentials: "omit" };
    if (access) {
      init.headers.Authorization = `Bearer ${access}`;
    }
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
      init.signal = AbortSignal.timeout(timeout);
    }
    let response;
    try {
      response = await fetch(base + path, init);
    } catch (error) {
      throw new NetworkError(error && error.message);
    }
    let parsed = null;
    if (response.status !== 204 && response.status !== 304) {
      try {
        parsed = await response.json();
      } catch {
        parsed = null; // a proxy's HTML error page, say
      }
    }
    return new ApiResponse(response.status, parsed, response.headers);
  }

  function refresh(staleAccess) {
    if (!refreshing) {
      refreshing = exclusively("eh-scanner-token-refresh", async () => {
        const current = storedTokens();
        if (!current) {
          throw new AuthRequired();
        }
        if (current.access !== staleAccess) {
          return current;
        }
        const response = await send("auth/token/refresh/", { method: "POST", body: { refresh: current.refresh } });
        if (response.status === 400 || response.status === 401 || response.status === 403) {
          storeTokens(null);
          throw new AuthRequired();
        }
        if (!response.ok || !response.body || !response.body.access) {
          throw new NetworkError(`refresh answered ${response.status}`);
        }
        const fresh = { access: response.body.access, refresh: response.body.refresh || current.refresh };
        storeTokens(fresh);
        return fresh;
      }).finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  function authLost() {
    storeTokens(null);
    onAuthLost();
    return new AuthRequired();
  }

  /** An authenticated request; refreshes the access token once on a 401. */
  async function request(path, options = {}) {
    const tokens = storedTokens();
    if (!tokens) {
      throw authLost();
    }
    let response = await send(path, { ...options, access: tokens.access });
    if (response.status !== 401) {
      return response;
    }
    let fresh;
    try {
      fresh = await refresh(tokens.access);
    } catch (error) {
      if (error instanceof AuthRequired) {
        throw authLost();
      }
      throw error;
    }
    response = await send(path, { ...options, access: fresh.access });
    if (response.status === 401) {
      throw authLost();
    }
    return response;
  }

  return {
    request,
    get: (path, options = {}) => request(path, { ...options, method: "GET" }),
    post: (path, body, options = {}) => request(path, { ...options, method: "POST", body }),

    isSignedIn: () => Boolean(storedTokens()),

    /** Exchange e-mail and password for tokens. Returns the response (400/401/429 carry the error). */
    async login(email, password) {
      const response = await send("auth/token/", { method: "POST", body: { email, password } });
      if (response.ok && response.body && response.body.access) {
        storeTokens(response.body);
      }
      return response;
    },

    /** Blacklist the refresh token (best effort) and forget both tokens. */
    async logout() {
      const tokens = storedTokens();
      storeTokens(null);
      if (tokens) {
        try {
          await send("auth/logout/", { method: "POST", body: { refresh: tokens.refresh }, timeout: 4000 });
        } catch {
          // offline: the refresh token simply expires
        }
      }
    },
  };
}
