import { createServer } from "node:http";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { Router, closeServer, listen } from "../../http";
import { createLocalTokenIssuer } from "../token-issuer";
import { registerAuthRoutes } from "../routes";

describe("the sandbox's local token issuer", () => {
  it("issues short-lived tokens for the signed-in user that verify against its published keys", async () => {
    const issuer = await createLocalTokenIssuer({ issuer: "urn:fsi:sandbox", audience: "api://fsi-validation", lifetimeSeconds: 120 });
    let user = { id: "a0000000-0000-4000-8000-000000000001", name: "Dana" };
    const router = registerAuthRoutes(new Router(), issuer, { signedInUser: () => user });
    const server = createServer(router.listener);
    const origin = await listen(server, 0);
    try {
      const reply = await fetch(`${origin}/plugins/token`);
      expect(reply.headers.get("cache-control")).toBe("no-store");
      const token = (await reply.json()) as { access_token: string; expires_in: number; token_type: string };
      expect([token.token_type, token.expires_in]).toEqual(["Bearer", 120]);
      const { payload, protectedHeader } = await jwtVerify(token.access_token, createRemoteJWKSet(new URL(`${origin}/plugins/.well-known/jwks.json`)), {
        issuer: "urn:fsi:sandbox",
        audience: "api://fsi-validation",
      });
      expect(protectedHeader.alg).toBe("ES256");
      expect(payload).toMatchObject({ sub: user.id, name: "Dana" });
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);

      user = { id: "a0000000-0000-4000-8000-000000000002", name: "Sam" };
      const next = (await (await fetch(`${origin}/plugins/token`)).json()) as { access_token: string };
      expect(decodeJwt(next.access_token).sub).toBe(user.id);
    } finally {
      await closeServer(server);
    }
  });

  it("publishes only the public key", async () => {
    const issuer = await createLocalTokenIssuer({ issuer: "urn:fsi:sandbox", audience: "api://x" });
    expect(issuer.jwks.keys).toHaveLength(1);
    expect(issuer.jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(issuer.jwks.keys[0]).not.toHaveProperty("d");
  });
});
