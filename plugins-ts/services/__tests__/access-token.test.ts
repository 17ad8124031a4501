import { createServer } from "node:http";
import { closeServer, listen } from "../../host/http/lifecycle";
import { TokenRequestError, clientCredentialsToken } from "../access-token";

describe("clientCredentialsToken", () => {
  it("posts the client credentials grant, and caches the token until shortly before it expires", async () => {
    const requests: URLSearchParams[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        requests.push(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token_type: "Bearer", expires_in: 3599, access_token: `token-${requests.length}` }));
      });
    });
    const authority = await listen(server, 0);
    try {
      let now = 1_000_000;
      const token = clientCredentialsToken({ tenantId: "contoso", clientId: "app", clientSecret: "secret", resource: "https://contoso.crm.dynamics.com/", authorityHost: authority }, () => now);
      expect(await Promise.all([token(), token()])).toEqual(["token-1", "token-1"]);
      expect(Object.fromEntries(requests[0] ?? [])).toEqual({ grant_type: "client_credentials", client_id: "app", client_secret: "secret", scope: "https://contoso.crm.dynamics.com/.default" });
      now += 3_000_000;
      expect(await token()).toBe("token-1");
      now += 600_000;
      expect(await token()).toBe("token-2");
    } finally {
      await closeServer(server);
    }
  });

  it("says what the token endpoint answered when it refuses", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid_client"}');
    });
    const authority = await listen(server, 0);
    try {
      const token = clientCredentialsToken({ tenantId: "contoso", clientId: "app", clientSecret: "wrong", resource: "https://x", authorityHost: authority });
      await expect(token()).rejects.toThrow(TokenRequestError);
      await expect(token()).rejects.toThrow(/answered 401: \{"error":"invalid_client"\}/);
    } finally {
      await closeServer(server);
    }
  });
});
