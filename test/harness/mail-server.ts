import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server (the `smtp-server` package) on a free port, for the run. Every message
 * it accepts is written to TEST_MAILBOX_DIR as one .eml file, so any test file (and any app
 * process) reads what arrived. Recipients whose address starts with `bounce` are refused
 * for good (550), `tempfail` for now (451): how tests make a bounce and a retry.
 */
export async function startTestSmtp(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const local = address.address.toLowerCase();
      if (local.startsWith('bounce'))
        return callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
      if (local.startsWith('tempfail'))
        return callback(Object.assign(new Error('4.2.0 Try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const name = `${Date.now()}-${randomBytes(4).toString('hex')}.eml`;
        writeFileSync(join(dir, name), Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: ParsedMail['headers'];
  raw: string;
}

/** Every message the run's SMTP server has received so far. */
export async function receivedMail(): Promise<ReceivedMail[]> {
  const dir = process.env.TEST_MAILBOX_DIR;
  if (!dir) throw new Error('The test SMTP server starts in Jest global setup');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  return Promise.all(
    files.map(async (file) => {
      const raw = readFileSync(join(dir, file), 'utf8');
      const parsed = await simpleParser(raw);
      const to = [parsed.to ?? []]
        .flat()
        .flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
      return {
        to,
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : '',
        headers: parsed.headers,
        raw,
      };
    }),
  );
}

/** The messages sent to `address` so far. */
export async function mailTo(address: string): Promise<ReceivedMail[]> {
  return (await receivedMail()).filter((m) => m.to.includes(address.toLowerCase()));
}

/**
 * Waits (generously: the machine is busy) until `count` messages to `address` arrived and
 * answers them; fails with what did arrive when they do not.
 */
export async function waitForMail(
  address: string,
  opts: { count?: number; timeoutMs?: number } = {},
): Promise<ReceivedMail[]> {
  const count = opts.count ?? 1;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const mails = await mailTo(address);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline)
      throw new Error(
        `Expected ${count} message(s) to ${address}, got ${mails.length}: ${mails.map((m) => m.subject).join(' | ')}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
