// Agora's playground: GraphiQL with the project's example operations and a sign-in helper.
// Everything it loads comes from the Agora server it is served by (no CDN): this bundle, its
// stylesheet, `/playground/operations.json` (the documents under playground/operations/, with
// their fragments appended and example variables) and `/graphql` (HTTP and WebSocket).
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { useEditorContext, useSchemaStore } from '@graphiql/react';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { buildSchema } from 'graphql';
import { exampleVariables } from './variables.js';
import 'graphiql/style.css';
import './playground.css';

const TOKEN_KEY = 'agora.playground.accessToken';
const graphqlUrl = new URL('/graphql', window.location.href).toString();
const wsUrl = graphqlUrl.replace(/^http/, 'ws');

const headersWith = (token) => JSON.stringify({ Authorization: `Bearer ${token || ''}` }, null, 2);

// HTTP for queries and mutations, graphql-transport-ws on the same path for subscriptions.
const baseFetcher = createGraphiQLFetcher({
  url: graphqlUrl,
  subscriptionUrl: wsUrl,
  // Agora answers plain JSON (no incremental delivery), so no multipart Accept header.
  enableIncrementalDelivery: false,
});

// The header editor starts with `Authorization: Bearer ` and no token: that placeholder is not
// sent (the server answers 401 to a malformed token), so anonymous operations just work.
const fetcher = (params, opts = {}) => {
  const headers = { ...(opts.headers || {}) };
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'authorization' && /^bearer\s*$/i.test(String(headers[name]))) {
      delete headers[name];
    }
  }
  return baseFetcher(params, { ...opts, headers });
};

async function loadOperations() {
  const r = await fetch('/playground/operations.json');
  if (!r.ok) throw new Error(`operations.json: HTTP ${r.status}`);
  return r.json();
}

function ExamplesContent() {
  const editors = useEditorContext({ nonNull: true });
  const schema = useSchemaStore((s) => s.schema);
  const [groups, setGroups] = useState(null);
  const [error, setError] = useState(null);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    loadOperations().then(setGroups, (e) => setError(String(e)));
  }, []);
  const open = (op) => {
    editors.queryEditor?.setValue(op.document);
    // The tab would otherwise keep the previous operation's name and send it.
    editors.setOperationName(op.name);
    const vars = op.variables ?? exampleVariables(op.document, schema);
    editors.variableEditor?.setValue(JSON.stringify(vars, null, 2));
  };
  if (error) return <p className="agora-error">Could not load the examples: {error}</p>;
  if (!groups) return <p>Loading…</p>;
  const needle = filter.trim().toLowerCase();
  return (
    <div className="agora-examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>
        The documents in <code>playground/operations/</code>, with their fragments appended. Pick one to fill the
        editor; mutations for staff need an admin (<code>agora create-admin</code>) signed in.
      </p>
      <input
        className="agora-filter"
        placeholder="Filter…"
        aria-label="Filter examples"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {groups.map((g) => {
        const ops = g.operations.filter((o) => !needle || o.name.toLowerCase().includes(needle));
        if (!ops.length) return null;
        return (
          <details key={g.group} open={Boolean(needle) || g.open}>
            <summary>{g.group}</summary>
            <ul>
              {ops.map((o) => (
                <li key={o.path}>
                  <button type="button" data-operation={o.path} title={o.path} onClick={() => open(o)}>
                    {o.name}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        );
      })}
    </div>
  );
}

const TOKEN_CREATE = `mutation TokenCreate($input: TokenCreateInput!) {
  tokenCreate(input: $input) {
    tokens { accessToken }
    user { email role }
    userErrors { code message }
  }
}`;

function SignInContent() {
  const editors = useEditorContext({ nonNull: true });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState(sessionStorage.getItem(TOKEN_KEY) ? 'A token is set for this tab.' : '');
  const setToken = (token) => {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    editors.headerEditor?.setValue(headersWith(token));
  };
  const signIn = async (e) => {
    e.preventDefault();
    setStatus('Signing in…');
    try {
      const r = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: TOKEN_CREATE, variables: { input: { email, password } } }),
      });
      const body = await r.json();
      const payload = body.data?.tokenCreate;
      const problem = payload?.userErrors?.[0]?.code || body.errors?.[0]?.extensions?.code || body.errors?.[0]?.message;
      if (!payload?.tokens) throw new Error(problem || `HTTP ${r.status}`);
      setToken(payload.tokens.accessToken);
      setPassword('');
      setStatus(`Signed in as ${payload.user.email} (${payload.user.role}). The token is in the headers editor.`);
    } catch (err) {
      setStatus(`Sign-in failed: ${err.message}`);
    }
  };
  return (
    <form className="agora-signin" onSubmit={signIn}>
      <div className="graphiql-doc-explorer-title">Sign in</div>
      <p>
        Runs <code>tokenCreate</code> and puts <code>Authorization: Bearer …</code> in the headers editor. The token
        is kept for this tab only (session storage) and lasts 15 minutes.
      </p>
      <label>
        E-mail
        <input name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <div className="agora-buttons">
        <button type="submit" className="graphiql-button">Sign in</button>
        <button type="button" className="graphiql-button" onClick={() => { setToken(''); setStatus('Signed out.'); }}>
          Sign out
        </button>
      </div>
      <p role="status" className="agora-status">{status}</p>
    </form>
  );
}

const ListIcon = () => (
  <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
    <path d="M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01" />
  </svg>
);
const KeyIcon = () => (
  <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
    <circle cx="8" cy="15" r="4" />
    <path d="M10.8 12.2 20 3m-4 4 3 3m-6-1 2 2" />
  </svg>
);

const examples = { title: 'Examples', icon: ListIcon, content: ExamplesContent };
const signIn = { title: 'Sign in', icon: KeyIcon, content: SignInContent };

const DEFAULT_QUERY = `# Welcome to Agora's playground.
#
# Pick a document under "Examples" (the list icon on the left), sign in with the key icon,
# and run it with the play button (Ctrl-Enter). Docs are under the book icon.

query FirstProducts {
  products(first: 3) {
    totalCount
    edges { node { title vendor { name } variants { sku price { amount currencyCode } } } }
  }
}
`;

// The schema comes from the server's SDL (`/schema.graphql`) rather than an introspection query:
// GraphiQL's full introspection query is deeper than the API's depth limit allows.
async function loadSchema() {
  try {
    const r = await fetch('/schema.graphql');
    return r.ok ? buildSchema(await r.text()) : undefined;
  } catch {
    return undefined;
  }
}

function App({ schema }) {
  return (
    <GraphiQL
      fetcher={fetcher}
      schema={schema}
      plugins={[examples, signIn]}
      visiblePlugin={examples}
      defaultQuery={DEFAULT_QUERY}
      defaultHeaders={headersWith(sessionStorage.getItem(TOKEN_KEY))}
      defaultEditorToolsVisibility="headers"
      shouldPersistHeaders={false}
    >
      <GraphiQL.Logo>Agora</GraphiQL.Logo>
    </GraphiQL>
  );
}

loadSchema().then((schema) => createRoot(document.getElementById('graphiql')).render(<App schema={schema} />));
