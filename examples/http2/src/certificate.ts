import { generate } from 'selfsigned';

/** A TLS key and certificate, PEM-encoded, for `createSecureServer`. */
export interface Certificate {
  key: string;
  cert: string;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, valid for one day, made in memory at
 * start (nothing is written or checked in). Browsers warn about it once; HTTP/2 needs TLS in every
 * browser, which is why the example cannot use plain http.
 * @returns the key and the certificate.
 */
export async function selfSignedCertificate(): Promise<Certificate> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
