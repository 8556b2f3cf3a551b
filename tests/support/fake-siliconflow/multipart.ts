/** A minimal multipart/form-data reader: enough to find the parts of an upload, not a full parser. */

export interface FormPart {
  name: string;
  filename?: string;
  data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** The parts of a multipart body; parts without a name are skipped. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const first = Buffer.from(`--${boundary}`);
  // Every delimiter after the first is preceded by CRLF, which belongs to the delimiter, not the data.
  const delimiter = Buffer.concat([CRLF, first]);
  const parts: FormPart[] = [];
  let cursor = body.indexOf(first);
  let delimiterLength = first.length;
  while (cursor !== -1) {
    const start = cursor + delimiterLength;
    if (body.subarray(start, start + 2).toString('latin1') === '--') break; // closing delimiter
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = parsePart(body.subarray(start + CRLF.length, next));
    if (part) parts.push(part);
    cursor = next;
    delimiterLength = delimiter.length;
  }
  return parts;
}

function parsePart(raw: Buffer): FormPart | undefined {
  const headerEnd = raw.indexOf(HEADER_END);
  if (headerEnd === -1) return undefined;
  const headers = raw.subarray(0, headerEnd).toString('utf8');
  const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return undefined;
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, ...(filename !== undefined ? { filename } : {}), data: raw.subarray(headerEnd + HEADER_END.length) };
}
