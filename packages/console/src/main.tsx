import { render } from 'preact';
import { useState } from 'preact/hooks';
import './styles.css';
import { startLive, stopLive, useLiveStatus } from './live.js';
import { href, useRoute, type Route } from './router.js';
import { restore, signIn, signOut } from './session.js';
import { errorText } from './ui/format.js';
import { PAGES, type PageDef } from './pages/index.js';

function SignIn({ onDone }: { onDone: () => void }) {
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(key, remember);
      setKey('');
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">FTM console</h1>
        <p class="muted">Sign in with an FTM API key. It is kept in this tab's memory (or its session storage if you ask), never in a URL or cookie.</p>
        <label>
          API key
          <input name="api-key" type="password" autocomplete="off" required value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember((e.target as HTMLInputElement).checked)} /> Stay signed in for this tab
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function pageFor(route: Route): PageDef {
  return PAGES.find((p) => p.path === (route.parts[0] ?? '')) ?? PAGES[0]!;
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const route = useRoute();
  const live = useLiveStatus();
  const page = pageFor(route);
  const View = page.view;
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/">
          FTM console
        </a>
        <span class={`live live-${live}`} role="status" aria-label={`live updates: ${live}`}>
          {live === 'live' ? '● live' : live === 'connecting' ? '○ connecting' : '○ offline'}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav class="side" aria-label="Sections">
        <ul>
          {PAGES.map((p) => (
            <li key={p.path}>
              <a href={href(p.path ? [p.path] : [])} aria-current={p === page ? 'page' : undefined}>
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="content" id="content">
        <View route={route} />
      </main>
    </div>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(() => {
    const ok = restore();
    if (ok) startLive();
    return ok;
  });
  if (!signedIn)
    return (
      <SignIn
        onDone={() => {
          startLive();
          setSignedIn(true);
        }}
      />
    );
  return (
    <Shell
      onSignOut={() => {
        stopLive();
        signOut();
        setSignedIn(false);
        location.hash = '#/';
      }}
    />
  );
}

const root = document.getElementById('app')!;
// The static "loading" line is replaced, not kept beside the app.
root.textContent = '';
render(<App />, root);
