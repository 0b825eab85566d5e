// Carebridge: keep typed work. A form marked data-autosave="URL" is saved to the
// server as the person types (two seconds after they stop, and at least every ten
// seconds while they go on), and once more when the page is hidden. The server keeps
// one draft per person per form and puts it back when the form is next opened, so a
// timeout, a crash or a lost connection loses at most the last few seconds.
// Hand-written (no framework does exactly this); loaded as a module (CSP: no inline).

const QUIET_MS = 2000;
const EVERY_MS = 10000;

for (const form of document.querySelectorAll('form[data-autosave]')) {
  const url = form.dataset.autosave;
  const status = form.querySelector('[data-autosave-status]');
  let dirty = false;
  let timer = null;
  let lastSave = Date.now();
  let ended = false;

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const body = () => new URLSearchParams(new FormData(form));

  const save = async () => {
    clearTimeout(timer);
    timer = null;
    if (!dirty || ended) return;
    dirty = false;
    lastSave = Date.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: body(),
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (response.status === 401) {
        ended = true;
        say('Your session has ended. Everything up to your last saved draft is kept: sign in again to carry on.');
        const link = document.createElement('a');
        link.className = 'govuk-link';
        link.href = '/sign-in?next=' + encodeURIComponent(location.pathname + location.search);
        link.textContent = 'Sign in again';
        status.append(' ', link);
        return;
      }
      if (!response.ok) {
        dirty = true;
        say('Your draft could not be saved just now. It will be tried again.');
        return;
      }
      const answer = await response.json();
      say('Draft saved at ' + answer.saved_at + '.');
    } catch {
      dirty = true;
      say('No connection: your draft will be saved when the connection is back.');
    }
  };

  const changed = () => {
    dirty = true;
    clearTimeout(timer);
    const wait = Date.now() - lastSave > EVERY_MS ? 0 : QUIET_MS;
    timer = setTimeout(save, wait);
  };

  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', () => {
    // The form is being saved for real: no more drafts from this page.
    ended = true;
    clearTimeout(timer);
  });
  window.addEventListener('online', () => { if (dirty) save(); });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && dirty && !ended) {
      dirty = false;
      navigator.sendBeacon(url, body());
    }
  });
}
