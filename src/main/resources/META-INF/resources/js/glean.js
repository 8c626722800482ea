// Glean's pages share this module: requests to the JSON API with errors in plain words, signing in
// again without leaving the page, and the header every page shows.

/** Every state-changing request carries this header (the server refuses those without it: CSRF). */
export const REQUEST_HEADER = 'X-Glean-Request';

/** A refused or failed request: the server's code, and a sentence a person can act on. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// What a clinician reads for each refusal the server names; the server's own sentence otherwise.
const WORDS = {
  'connection-lost': 'The connection to Glean was lost. Check the network and try again; your work is kept in this page.',
  'signed-out': 'Your session has expired. Sign in again; your work is kept in this page.',
  'lease-expired': 'Your time on this study ran out and it went back to the queue. Your boxes are kept in this browser; take the next task to go on.',
  'task-taken': 'Someone else is working on this study now. Your boxes are kept in this browser; take the next task to go on.',
  'forbidden': 'Your account may not do this. Ask an administrator for the role it takes.',
  'server-error': 'Glean could not do this because of a fault on the server. Try again in a moment; if it persists, tell your administrator.',
};

let signingIn = null;

/**
 * A JSON request to Glean. Resolves with the parsed body (null for 204); rejects with an ApiError.
 * A 401 opens the sign-in dialog over the page and retries once signed in, so nothing is lost.
 */
export async function api(path, { method = 'GET', body, signal, signInAgain = true } = {}) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers[REQUEST_HEADER] = 'page';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'connection-lost', words('connection-lost'));
  }
  if (response.ok) {
    return response.status === 204 ? null : response.json();
  }
  const refusal = await response.json().catch(() => ({}));
  const code = refusal.code || (response.status >= 500 ? 'server-error' : 'refused');
  if (response.status === 401 && code === 'signed-out' && signInAgain) {
    await signInOverPage();
    return api(path, { method, body, signal, signInAgain: false });
  }
  throw new ApiError(response.status, code, WORDS[code] || refusal.message || WORDS['server-error']);
}

/** Signs in with a password; resolves with the session or rejects with an ApiError. */
export function signIn(user, password) {
  return api('/api/session', { method: 'POST', body: { user, password }, signInAgain: false });
}

// One dialog for however many requests found the session expired at the same time.
function signInOverPage() {
  if (!signingIn) {
    signingIn = new Promise((resolve) => {
      const dialog = document.createElement('dialog');
      dialog.className = 'sign-in-again';
      dialog.innerHTML = `<form method="dialog">
          <h2>Sign in again</h2>
          <p>Your session has expired. Your work is kept in this page.</p>
          <label>User name <input name="user" autocomplete="username" required></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
          <p class="error" role="alert"></p>
          <button type="submit">Sign in</button>
        </form>`;
      document.body.append(dialog);
      const form = dialog.querySelector('form');
      const known = document.body.dataset.user;
      if (known) form.user.value = known;
      dialog.addEventListener('cancel', (event) => event.preventDefault());
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        try {
          await signIn(form.user.value, form.password.value);
          dialog.close();
          dialog.remove();
          signingIn = null;
          resolve();
        } catch (e) {
          dialog.querySelector('.error').textContent = e.message;
        }
      });
      dialog.showModal();
    });
  }
  return signingIn;
}

/** Shows a message in the page's message bar; kind is 'error', 'warning' or 'info'. */
export function notify(message, kind = 'error') {
  let bar = document.getElementById('messages');
  if (!bar) {
    bar = document.createElement('div');
    bar.id = 'messages';
    bar.setAttribute('role', 'status');
    document.body.prepend(bar);
  }
  bar.textContent = message;
  bar.className = message ? kind : '';
}

/**
 * The header of every signed-in page: the user, sign-out, and links to the pages the user's roles
 * open. Sends anyone not signed in to the sign-in page, back here afterwards. Resolves with the
 * session ({user, roles, expiresAt}).
 */
export async function shell(active) {
  let session;
  try {
    session = await api('/api/session', { signInAgain: false });
  } catch (e) {
    if (e.status === 401) {
      location.assign('/?next=' + encodeURIComponent(location.pathname + location.search));
      return new Promise(() => {});
    }
    throw e;
  }
  document.body.dataset.user = session.user;
  const curator = session.roles.includes('curator') || session.roles.includes('admin');
  const header = document.getElementById('shell') || document.body.insertBefore(
    document.createElement('header'), document.body.firstChild);
  header.id = 'shell';
  header.innerHTML = `<span class="brand">Glean</span>
    <nav>
      <a href="/annotate.html" data-page="annotate">Annotate</a>
      ${curator ? '<a href="/console.html" data-page="console">Console</a>' : ''}
    </nav>
    <span class="user"></span>
    <button type="button" class="sign-out">Sign out</button>`;
  header.querySelector('.user').textContent = session.user;
  header.querySelector(`[data-page="${active}"]`)?.classList.add('active');
  header.querySelector('.sign-out').addEventListener('click', async () => {
    await api('/api/session', { method: 'DELETE', signInAgain: false }).catch(() => {});
    location.assign('/');
  });
  return session;
}

/** Minutes and seconds, as a countdown shows them. */
export function minutesSeconds(milliseconds) {
  const total = Math.max(0, Math.round(milliseconds / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
