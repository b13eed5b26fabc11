import { describe, expect, it } from 'vitest';
import { ListRewriter, rewriteHead } from './list-method.js';

describe('LIST request rewriting', () => {
  it('rewrites the request line only', () => {
    expect(rewriteHead('LIST /v1/secret/ HTTP/1.1\r\nHost: a\r\n\r\n')).toBe(
      'GET /v1/secret/?list=true HTTP/1.1\r\nHost: a\r\n\r\n',
    );
    expect(rewriteHead('LIST /v1/x?a=1 HTTP/1.1\r\n\r\n')).toBe('GET /v1/x?a=1&list=true HTTP/1.1\r\n\r\n');
    expect(rewriteHead('GET /v1/x HTTP/1.1\r\n\r\n')).toBe('GET /v1/x HTTP/1.1\r\n\r\n');
    expect(rewriteHead('POST /v1/x HTTP/1.1\r\nX-Note: LIST /v1/y HTTP/1.1\r\n\r\n')).toContain('POST /v1/x');
  });

  it('tracks request boundaries across arbitrary chunking, skipping bodies', () => {
    const body = 'LIST /v1/not-a-request HTTP/1.1\r\n\r\n';
    const stream =
      `POST /v1/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
      'LIST /v1/b HTTP/1.1\r\nHost: h\r\n\r\n' +
      'LIST /v1/c HTTP/1.1\r\n\r\n';
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const rewriter = new ListRewriter();
      let out = '';
      for (let i = 0; i < stream.length; i += size) {
        out += rewriter.push(Buffer.from(stream.slice(i, i + size), 'latin1')).toString('latin1');
      }
      expect(out).toBe(
        `POST /v1/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
          'GET /v1/b?list=true HTTP/1.1\r\nHost: h\r\n\r\n' +
          'GET /v1/c?list=true HTTP/1.1\r\n\r\n',
      );
    }
  });

  it('passes chunked bodies through untouched', () => {
    const rewriter = new ListRewriter();
    const input =
      'POST /v1/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nLIST /v1/b HTTP/1.1\r\n\r\n';
    expect(rewriter.push(Buffer.from(input)).toString()).toBe(input);
  });
});
