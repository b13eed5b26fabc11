import { escapeHtml } from './smart.provider';

/**
 * The sign-in, consent and patient-picker pages an app's user sees during authorization: plain,
 * server-rendered HTML that works without script, labelled for screen readers, styled just enough.
 */

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f5f7fa;color:#1a1b1e}
main{max-width:30rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input[type=email],input[type=password],input[type=text],select{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;background:#1c7ed6;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#868e96}.error{color:#c92a2a;font-weight:600}fieldset{border:1px solid #dee2e6;border-radius:4px}
.check{display:flex;gap:.5rem;align-items:center;margin:.3rem 0;font-weight:400}a{color:#1864ab}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Meridian</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function errorLine(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

export function loginPage(input: {
  action: string;
  clientName: string;
  email?: string;
  error?: string;
  askTotp?: boolean;
  externalUrl?: string;
  externalName?: string;
}): string {
  const totp = input.askTotp
    ? `<label for="totp">Two-factor code</label><input id="totp" name="totp" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required autofocus>`
    : '';
  const external = input.externalUrl
    ? `<p><a href="${escapeHtml(input.externalUrl)}">Sign in with ${escapeHtml(input.externalName ?? 'your organization')}</a></p>`
    : '';
  return page(
    'Sign in to Meridian',
    `<p><strong>${escapeHtml(input.clientName)}</strong> asks you to sign in.</p>${errorLine(input.error)}
<form method="post" action="${escapeHtml(input.action)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(input.email ?? '')}"${input.askTotp ? '' : ' autofocus'}>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
${totp}<button type="submit">Sign in</button></form>${external}`,
  );
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are',
  fhirUser: 'Know which person in the record you are',
  profile: 'See your name and email',
  launch: 'Open with the patient and encounter chosen in Meridian',
  'launch/patient': 'Work with a patient you choose',
  'launch/encounter': 'Work with an encounter',
  offline_access: 'Stay connected after you sign out',
  online_access: 'Stay connected while you are signed in',
};

export function describeScope(scope: string): string {
  if (SCOPE_TEXT[scope]) return SCOPE_TEXT[scope]!;
  const match = /^(patient|user|system)\/([^.]+)\.(.+)$/.exec(scope);
  if (!match) return scope;
  const [, context, type, permissions] = match;
  const verbs: Record<string, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };
  const v1: Record<string, string> = { read: 'rs', write: 'cud', '*': 'cruds' };
  const letters = (v1[permissions!] ?? permissions!).split('?')[0]!;
  const what = type === '*' ? 'all records' : `${type} records`;
  const whose = context === 'patient' ? 'of the selected patient' : 'you can access';
  return `${[...letters].map((letter) => verbs[letter] ?? letter).join(', ')} ${what} ${whose}`;
}

export function consentPage(input: {
  action: string;
  clientName: string;
  userName: string;
  scopes: string[];
  patients?: { id: string; label: string }[];
  patientQuery?: string;
  searchAction?: string;
  launchPatient?: string;
  error?: string;
}): string {
  const scopeList = input.scopes
    .map(
      (scope, index) =>
        `<label class="check" for="scope-${index}"><input type="checkbox" id="scope-${index}" name="scope" value="${escapeHtml(scope)}" checked> <span>${escapeHtml(describeScope(scope))} <code>${escapeHtml(scope)}</code></span></label>`,
    )
    .join('');
  let picker = '';
  if (input.patients) {
    const options = input.patients
      .map((patient) => `<option value="${escapeHtml(patient.id)}">${escapeHtml(patient.label)}</option>`)
      .join('');
    picker = input.patients.length
      ? `<label for="patient">Patient</label><select id="patient" name="patient" required>${options}</select>`
      : `<p role="status">No patient matches. Search again.</p>`;
  }
  const search =
    input.patients && input.searchAction
      ? `<form method="get" action="${escapeHtml(input.searchAction)}" role="search"><label for="q">Find a patient</label><input id="q" name="q" type="text" value="${escapeHtml(input.patientQuery ?? '')}"><button type="submit" class="secondary">Search</button></form>`
      : '';
  return page(
    'Allow access',
    `<p>Signed in as <strong>${escapeHtml(input.userName)}</strong>. <strong>${escapeHtml(input.clientName)}</strong> asks to:</p>${errorLine(input.error)}${search}
<form method="post" action="${escapeHtml(input.action)}"><fieldset><legend>Permissions</legend>${scopeList}</fieldset>${picker}
<button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny" class="secondary" formnovalidate>Deny</button></form>`,
  );
}
