/**
 * Self-signed X.509 certificates made with the `openssl` command (Node can read certificates but
 * not make them): the issuer's TLS certificate (MSAL refuses an authority that is not https, so the
 * sandbox's Entra ID stand-in is served over TLS) and the client certificates an app registration
 * authenticates with. Keys are generated per call and never written outside the caller's folder.
 */
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

export function createSelfSignedCertificate(request: CertificateRequest): SelfSignedCertificate {
  const folder = mkdtempSync(join(tmpdir(), "fsi-cert-"));
  try {
    const keyPath = join(folder, "key.pem");
    const certPath = join(folder, "cert.pem");
    const args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath];
    args.push("-days", String(request.days ?? 30), "-subj", `/CN=${request.commonName}`);
    if (request.altNames !== undefined && request.altNames.length > 0)
      args.push("-addext", `subjectAltName=${request.altNames.join(",")}`);
    execFileSync("openssl", args, { stdio: "pipe" });
    return describeCertificate(readFileSync(keyPath, "utf8"), readFileSync(certPath, "utf8"));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
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
