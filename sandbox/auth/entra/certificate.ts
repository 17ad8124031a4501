/**
 * Self-signed X.509 certificates, made in-process with @peculiar/x509 over Node's WebCrypto (Node can
 * read certificates but not make them, and an `openssl` binary is not on every machine): the issuer's
 * TLS certificate (MSAL refuses an authority that is not https, so the sandbox's Entra ID stand-in is
 * served over TLS) and the client certificates an app registration authenticates with. Keys are
 * generated per call and never written outside the caller's folder.
 */
// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { createHash, KeyObject, X509Certificate, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

export interface SelfSignedCertificate {
  /** PKCS#8 private key, PEM. */
  readonly keyPem: string;
  readonly certificatePem: string;
  /** base64url SHA-1 of the DER certificate: a client assertion's `x5t` header. */
  readonly x5t: string;
  /** base64url SHA-256 of the DER certificate: a client assertion's `x5t#S256` header. */
  readonly x5tS256: string;
  /** base64 SHA-256 of the public key (SPKI), what Chromium's `--ignore-certificate-errors-spki-list` takes. */
  readonly spkiSha256: string;
}

export interface CertificateRequest {
  readonly commonName: string;
  /** subjectAltName entries, e.g. `["IP:127.0.0.1", "DNS:localhost"]`. */
  readonly altNames?: readonly string[];
  readonly days?: number;
}

const SIGNING = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const DAY_MS = 24 * 60 * 60 * 1000;
/** Node's WebCrypto is the DOM's `Crypto`; only their TypeScript declarations differ. */
const x509Crypto = webcrypto as unknown as Crypto;

function subjectAltName(entry: string): x509.JsonGeneralName {
  const [kind, value] = entry.split(":", 2) as [string, string | undefined];
  if (value === undefined || (kind !== "IP" && kind !== "DNS"))
    throw new Error(`Unsupported subjectAltName "${entry}"`);
  if (kind === "IP" && isIP(value) === 0) throw new Error(`"${value}" is not an IP address`);
  return { type: kind === "IP" ? "ip" : "dns", value };
}

export async function createSelfSignedCertificate(request: CertificateRequest): Promise<SelfSignedCertificate> {
  const keys = await webcrypto.subtle.generateKey(SIGNING, true, ["sign", "verify"]);
  const now = Date.now();
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (request.altNames !== undefined && request.altNames.length > 0)
    extensions.push(new x509.SubjectAlternativeNameExtension(request.altNames.map(subjectAltName)));
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
        .toString("hex")
        .replace(/^[89a-f]/, "1"),
      name: `CN=${request.commonName}`,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + (request.days ?? 30) * DAY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions,
    },
    x509Crypto,
  );
  const keyPem = KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }) as string;
  return describeCertificate(keyPem, certificate.toString("pem"));
}

export function describeCertificate(keyPem: string, certificatePem: string): SelfSignedCertificate {
  const certificate = new X509Certificate(certificatePem);
  const spki = certificate.publicKey.export({ type: "spki", format: "der" });
  return {
    keyPem,
    certificatePem,
    x5t: createHash("sha1").update(certificate.raw).digest("base64url"),
    x5tS256: createHash("sha256").update(certificate.raw).digest("base64url"),
    spkiSha256: createHash("sha256").update(spki).digest("base64"),
  };
}
