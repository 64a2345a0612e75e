// The simulator's own login page: a plain HTML form listing the seeded users (stands in for GoTo's login + consent).
import type { SimDirectory, SimOAuthClient } from '../context.ts';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderLoginPage(
  directory: SimDirectory,
  client: SimOAuthClient,
  service: string,
  hint: string | null,
): string {
  const rows = directory.users.map((user) => {
    const extensions = directory.lines
      .filter((line) => user.lineIds.includes(line.id))
      .map((line) => line.extension)
      .join(', ');
    const preselected =
      hint !== null && (hint.toLowerCase() === user.email.toLowerCase() || hint === user.userKey);
    return `<li><button type="submit" name="user" value="${escapeHtml(user.email)}"${preselected ? ' autofocus' : ''}>${escapeHtml(`${user.firstName} ${user.lastName}`)}</button>
  <span>${escapeHtml(user.email)}</span> <span>${extensions === '' ? 'no line' : `ext ${escapeHtml(extensions)}`}</span>${user.admin ? ' <strong>super admin</strong>' : ''}</li>`;
  });
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GoTo simulator sign-in</title>
<style>body{font:15px system-ui,sans-serif;max-width:40rem;margin:2rem auto}li{margin:.4rem 0;list-style:none}button{min-width:12rem}</style>
</head>
<body>
<h1>GoTo Connect simulator</h1>
<p>Sign in to <code>${escapeHtml(client.clientId)}</code> as:</p>
<form method="post" action="/login">
<input type="hidden" name="service" value="${escapeHtml(service)}">
<ul>
${rows.join('\n')}
</ul>
<p><button type="submit" name="deny" value="1">Deny</button></p>
</form>
</body>
</html>
`;
}

export function renderErrorPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body><h1>Sign-in error</h1><p>${escapeHtml(message)}</p></body></html>
`;
}
