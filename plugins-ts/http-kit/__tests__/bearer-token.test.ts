import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { createBearerVerifier, verifiedTokenTrustMs } from "../auth/bearer-token";
import type { HostRequest } from "../exchange";

const issuer = "https://login.example/tenant/v2.0";
const audience = "api://fsi-validation";

function requestWith(token: string): HostRequest {
  return {
    method: "POST",
    url: new URL("http://host/plugins/validate"),
    header: (name) => (name.toLowerCase() === "authorization" ? `Bearer ${token}` : undefined),
    readBody: () => Promise.resolve(Buffer.alloc(0)),
  };
}

describe("bearer tokens taken on trust once verified", () => {
  const start = new Date("2026-01-01T10:00:00Z").getTime();
  let sign: (subject: string, lifetimeSeconds: number) => Promise<string>;
  let verifier: ReturnType<typeof createBearerVerifier>;

  beforeEach(async () => {
    jest.useFakeTimers({ now: start, doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    sign = (subject, lifetimeSeconds) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "ES256", kid: "k1", typ: "JWT" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt(Math.floor(Date.now() / 1000))
        .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
        .sign(privateKey);
    verifier = createBearerVerifier({ issuer, audience, jwks: { keys: { keys: [jwk] } }, clockToleranceSeconds: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("answers each token with its own caller, again and again", async () => {
    const alice = await sign("alice", 3600);
    const bob = await sign("bob", 3600);
    for (let round = 0; round < 3; round++) {
      expect((await verifier(requestWith(alice))).subject).toBe("alice");
      expect((await verifier(requestWith(bob))).subject).toBe("bob");
    }
  });

  it("never accepts a token past its exp, even one accepted before", async () => {
    const token = await sign("alice", 30);
    expect((await verifier(requestWith(token))).subject).toBe("alice");
    jest.setSystemTime(start + 31_000);
    await expect(verifier(requestWith(token))).rejects.toMatchObject({ status: 401 });
  });

  it("checks the signature again once the trust window has passed", async () => {
    const token = await sign("alice", 3600);
    expect((await verifier(requestWith(token))).subject).toBe("alice");
    jest.setSystemTime(start + verifiedTokenTrustMs + 1);
    expect((await verifier(requestWith(token))).subject).toBe("alice");
  });

  it("keeps no refusal: a tampered token is refused every time", async () => {
    const token = await sign("alice", 3600);
    const [header, , signature] = token.split(".");
    const forged = `${header}.${Buffer.from(JSON.stringify({ iss: issuer, aud: audience, sub: "mallory", exp: 9999999999 })).toString("base64url")}.${signature}`;
    expect((await verifier(requestWith(token))).subject).toBe("alice");
    for (let round = 0; round < 2; round++) {
      await expect(verifier(requestWith(forged))).rejects.toMatchObject({ status: 401 });
    }
  });
});
