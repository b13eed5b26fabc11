import { describe, expect, it } from 'vitest';
import { emailOf, languageOf, mobileOf } from './notifications.contacts';
import { retryDelayMs } from './notifications.service';
import { render, renderText } from './notifications.templates';

describe('templates', () => {
  it('fills placeholders and escapes values in the HTML part only', () => {
    const rendered = render(
      { subject: 'Hi {{name}}\nthere', body: 'Dear {{name}},\n\nSee you on {{date}}.{{missing}}' },
      { name: '<b>Ana & "Bo"</b>', date: '1 May' },
    );
    expect(rendered.subject).toBe('Hi <b>Ana & "Bo"</b> there');
    expect(rendered.text).toBe('Dear <b>Ana & "Bo"</b>,\n\nSee you on 1 May.');
    expect(rendered.html).toBe('<p>Dear &lt;b&gt;Ana &amp; &quot;Bo&quot;&lt;/b&gt;,</p>\n<p>See you on 1 May.</p>');
  });

  it('leaves text that only looks like a placeholder inside a value alone', () => {
    expect(renderText('{{a}}', { a: '{{b}}', b: 'x' })).toBe('{{b}}');
  });
});

describe('contacts', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  it('picks the best-ranked current email and a number that takes text messages', () => {
    const telecom = [
      { system: 'email' as const, value: 'old@example.org', use: 'old' as const },
      { system: 'email' as const, value: 'second@example.org', rank: 2 },
      { system: 'email' as const, value: 'first@example.org', rank: 1 },
      { system: 'phone' as const, value: '+1 555 0100', use: 'home' as const },
      { system: 'phone' as const, value: '+1 (555) 0199', use: 'mobile' as const, period: { end: '2020-01-01' } },
      { system: 'phone' as const, value: '+1 (555) 0142', use: 'mobile' as const },
    ];
    expect(emailOf(telecom, now)).toBe('first@example.org');
    expect(mobileOf(telecom, now)).toBe('+15550142');
    expect(mobileOf([{ system: 'phone', value: '555', use: 'home' }], now)).toBeUndefined();
  });

  it('reads the preferred language', () => {
    expect(
      languageOf({
        communication: [
          { language: { coding: [{ code: 'en' }] } },
          { language: { coding: [{ code: 'es-MX' }] }, preferred: true },
        ],
      }),
    ).toBe('es');
    expect(languageOf({})).toBeUndefined();
  });
});

describe('back-off', () => {
  it('doubles from the base up to an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(30, 30_000)).toBe(3_600_000);
  });
});
