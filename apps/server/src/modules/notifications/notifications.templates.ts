/** What a notification is about; each has a template per channel and language. */
export const NOTIFICATION_KINDS = [
  'appointment-confirmation',
  'appointment-reminder',
  'appointment-rescheduled',
  'appointment-cancellation',
  'critical-result',
  'break-the-glass',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const CHANNELS = ['email', 'sms', 'in-app'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Template {
  subject: string;
  body: string;
}

type Catalog = Record<string, Partial<Record<NotificationKind, Partial<Record<Channel, Template>>>>>;

/**
 * The shipped wording, per language; a tenant overrides any of them through the API. Placeholders are
 * `{{name}}`; values are HTML-escaped in the email's HTML part. Texts name no clinical detail: a
 * critical result says that there is one and where to look, not what it is.
 */
export const DEFAULT_TEMPLATES: Catalog = {
  en: {
    'appointment-confirmation': {
      email: {
        subject: 'Your appointment on {{date}} is confirmed',
        body: 'Hello {{patientName}},\n\nYour appointment at {{clinic}} on {{date}} at {{time}} is confirmed.\n\nTo change or cancel it, please contact us.',
      },
      sms: {
        subject: 'Appointment confirmed',
        body: '{{clinic}}: your appointment on {{date}} at {{time}} is confirmed.',
      },
    },
    'appointment-reminder': {
      email: {
        subject: 'Reminder: your appointment on {{date}} at {{time}}',
        body: 'Hello {{patientName}},\n\nThis is a reminder of your appointment at {{clinic}} on {{date}} at {{time}}.',
      },
      sms: {
        subject: 'Appointment reminder',
        body: '{{clinic}}: reminder of your appointment on {{date}} at {{time}}.',
      },
    },
    'appointment-rescheduled': {
      email: {
        subject: 'Your appointment has moved to {{date}} at {{time}}',
        body: 'Hello {{patientName}},\n\nYour appointment at {{clinic}} is now on {{date}} at {{time}}.',
      },
      sms: { subject: 'Appointment moved', body: '{{clinic}}: your appointment is now on {{date}} at {{time}}.' },
    },
    'appointment-cancellation': {
      email: {
        subject: 'Your appointment on {{date}} is cancelled',
        body: 'Hello {{patientName}},\n\nYour appointment at {{clinic}} on {{date}} at {{time}} is cancelled.',
      },
      sms: {
        subject: 'Appointment cancelled',
        body: '{{clinic}}: your appointment on {{date}} at {{time}} is cancelled.',
      },
    },
    'critical-result': {
      email: {
        subject: 'Critical result needs your attention',
        body: 'A critical result for one of your patients is available ({{resource}}). Please review it in Meridian.',
      },
      'in-app': { subject: 'Critical result', body: 'A critical result is available: {{resource}}.' },
    },
    'break-the-glass': {
      email: {
        subject: 'Break-the-glass access',
        body: 'A user ({{user}}) used break-the-glass access to a patient record ({{patient}}) at {{time}}. Review it under access alerts.',
      },
      'in-app': { subject: 'Break-the-glass access', body: '{{user}} used break-the-glass access to {{patient}}.' },
    },
  },
  es: {
    'appointment-confirmation': {
      email: {
        subject: 'Su cita del {{date}} está confirmada',
        body: 'Hola {{patientName}}:\n\nSu cita en {{clinic}} el {{date}} a las {{time}} está confirmada.\n\nPara cambiarla o cancelarla, contáctenos.',
      },
      sms: { subject: 'Cita confirmada', body: '{{clinic}}: su cita del {{date}} a las {{time}} está confirmada.' },
    },
    'appointment-reminder': {
      email: {
        subject: 'Recordatorio: su cita del {{date}} a las {{time}}',
        body: 'Hola {{patientName}}:\n\nLe recordamos su cita en {{clinic}} el {{date}} a las {{time}}.',
      },
      sms: { subject: 'Recordatorio de cita', body: '{{clinic}}: le recordamos su cita del {{date}} a las {{time}}.' },
    },
    'appointment-rescheduled': {
      email: {
        subject: 'Su cita pasa al {{date}} a las {{time}}',
        body: 'Hola {{patientName}}:\n\nSu cita en {{clinic}} es ahora el {{date}} a las {{time}}.',
      },
      sms: { subject: 'Cita cambiada', body: '{{clinic}}: su cita es ahora el {{date}} a las {{time}}.' },
    },
    'appointment-cancellation': {
      email: {
        subject: 'Su cita del {{date}} está cancelada',
        body: 'Hola {{patientName}}:\n\nSu cita en {{clinic}} el {{date}} a las {{time}} está cancelada.',
      },
      sms: { subject: 'Cita cancelada', body: '{{clinic}}: su cita del {{date}} a las {{time}} está cancelada.' },
    },
  },
};

export const DEFAULT_LANGUAGE = 'en';

/** The shipped template for a kind, channel and language (no fallback). */
export function shippedTemplate(kind: NotificationKind, channel: Channel, language: string): Template | undefined {
  return DEFAULT_TEMPLATES[language]?.[kind]?.[channel];
}

/** `en-GB` → `en`; anything unusable → undefined. */
export function baseLanguage(code: string | undefined): string | undefined {
  const match = /^([a-z]{2,3})(?:[-_][A-Za-z0-9]+)*$/i.exec(code?.trim() ?? '');
  return match ? match[1]!.toLowerCase() : undefined;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** Replaces `{{name}}` with its value (missing values become empty); `escape` is applied to values only. */
export function renderText(
  template: string,
  values: Record<string, string | undefined>,
  transform: (value: string) => string = (value) => value,
): string {
  return template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g, (_match, name: string) =>
    transform(Object.hasOwn(values, name) ? (values[name] ?? '') : ''),
  );
}

export interface Rendered {
  subject: string;
  text: string;
  /** The email's HTML part: the text with its values escaped, paragraphs kept. */
  html: string;
}

export function render(template: Template, values: Record<string, string | undefined>): Rendered {
  const subject = renderText(template.subject, values).replace(/[\r\n]+/g, ' ');
  const text = renderText(template.body, values);
  const html = renderText(escapeHtml(template.body), values, escapeHtml)
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return { subject, text, html };
}

/** Placeholders a template uses, to refuse overrides naming ones the kind does not provide. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g)].map((match) => match[1]!);
}

export const PLACEHOLDERS: Record<NotificationKind, string[]> = {
  'appointment-confirmation': ['patientName', 'clinic', 'date', 'time', 'appointment'],
  'appointment-reminder': ['patientName', 'clinic', 'date', 'time', 'appointment'],
  'appointment-rescheduled': ['patientName', 'clinic', 'date', 'time', 'appointment'],
  'appointment-cancellation': ['patientName', 'clinic', 'date', 'time', 'appointment'],
  'critical-result': ['resource', 'patient'],
  'break-the-glass': ['user', 'patient', 'time'],
};
