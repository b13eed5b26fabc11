import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
}

/** Sends one email or throws; the error text is kept as the delivery's last error (never the message). */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
  close?(): void;
}

export interface SmsMessage {
  to: string;
  body: string;
}

/** An SMS provider. Adapters never log a message's content or number. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** SMTP through nodemailer (`smtp://user:pass@host:port`, `smtps://…`). */
export function smtpSender(url: string, from: string): EmailSender {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
    close: () => transport.close(),
  };
}

/** Development: each email becomes an .eml file in `folder` (DATA_DIR/mailbox), readable by any mail client. */
export function mailboxSender(folder: string, from: string): EmailSender {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
      await writeFile(join(folder, name), info.message as Buffer, { mode: 0o600 });
    },
  };
}

/** Development: each SMS is a JSON file in `folder` (DATA_DIR/sms-outbox); nothing reaches the logs. */
export function outboxFileSmsSender(folder: string): SmsSender {
  return {
    async send(message) {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.json`;
      await writeFile(join(folder, name), `${JSON.stringify(message)}\n`, { mode: 0o600 });
    },
  };
}

/**
 * A generic HTTP provider: POST `{ to, from, body }` as JSON to the provider URL with an optional bearer
 * token; any 2xx is success. Errors name the status only, never the content.
 */
export function httpSmsSender(options: {
  url: string;
  token?: string | undefined;
  from?: string | undefined;
  timeoutMs?: number;
}): SmsSender {
  return {
    async send(message) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify({ to: message.to, from: options.from, body: message.body }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`SMS provider answered ${response.status}`);
    },
  };
}
