/**
 * The host's identity through @azure/identity against the sandbox's Entra ID (https, its own CA):
 * a client secret, a certificate (client assertion), and App Service's managed identity, each giving
 * app-only tokens for the Dataverse and SCM resources; tokens kept until the credential says to
 * refresh them; refusals named.
 */
import { Agent } from "node:https";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import {
  type EntraEmulator,
  type SelfSignedCertificate,
  SANDBOX_HOST_CLIENT_ID,
  createSelfSignedCertificate,
  sandboxDirectory,
  startEntraEmulator,
} from "@fsi/sandbox/auth/entra";
import { type HostCredentialConfig, TokenRequestError, hostTokenProvider } from "../auth/host-credentials";

const DATAVERSE = "https://contoso.crm.dynamics.com";
const SCM = "https://contoso.operations.dynamics.com";
const SECRET = "host-secret-0123456789abcdef";

let entra: EntraEmulator;
let trustTls: { policy: PipelinePolicy; position: "perCall" }[];
let hostCertificate: SelfSignedCertificate;

async function startTenant(accessTokenLifetimeSeconds?: number): Promise<EntraEmulator> {
  return startEntraEmulator({
    directory: sandboxDirectory({
      organizationUrl: DATAVERSE,
      users: [],
      resources: [DATAVERSE, SCM],
      hostSecret: SECRET,
      hostCertificatePem: hostCertificate.certificatePem,
    }),
    ...(accessTokenLifetimeSeconds === undefined ? {} : { accessTokenLifetimeSeconds }),
  });
}

/** The credentials' HTTP calls trust the tenant's self-signed certificate, as a machine trusts its CA. */
function trusting(tenant: EntraEmulator) {
  const agent = new Agent({ ca: tenant.tlsCertificate.certificatePem });
  const policy: PipelinePolicy = {
    name: "trust-sandbox-entra",
    sendRequest: (request, next) => {
      request.agent = agent;
      return next(request);
    },
  };
  return [{ policy, position: "perCall" as const }];
}

beforeAll(async () => {
  hostCertificate = await createSelfSignedCertificate({ commonName: "fsi-host" });
  entra = await startTenant();
  trustTls = trusting(entra);
});

afterAll(async () => {
  await entra.close();
});

const secret = (tenant: EntraEmulator, clientSecret = SECRET): HostCredentialConfig => ({
  kind: "client-secret",
  tenantId: tenant.directory.tenantId,
  clientId: SANDBOX_HOST_CLIENT_ID,
  clientSecret,
  authorityHost: tenant.authorityHost,
});

async function verified(tenant: EntraEmulator, token: string, audience: string) {
  const keys = createRemoteJWKSet(new URL(tenant.jwksUri), {
    agent: new Agent({ ca: tenant.tlsCertificate.certificatePem }),
  });
  return (await jwtVerify(token, keys, { issuer: tenant.issuer, audience })).payload;
}

describe("the host's credentials (@azure/identity) against the sandbox's Entra ID", () => {
  it("client secret: an app-only token for Dataverse, kept for the next call", async () => {
    const before = entra.issued.length;
    const dataverseToken = hostTokenProvider(secret(entra), DATAVERSE, { additionalPolicies: trustTls });
    const token = await dataverseToken();
    expect(await verified(entra, token, DATAVERSE)).toMatchObject({
      azp: SANDBOX_HOST_CLIENT_ID,
      azpacr: "1",
      tid: entra.directory.tenantId,
    });
    expect(await dataverseToken()).toBe(token);
    expect(entra.issued.slice(before)).toEqual([{ grant: "client_credentials", clientId: SANDBOX_HOST_CLIENT_ID }]);
  });

  it("certificate: a client assertion signed by the certificate's key gets a token for SCM", async () => {
    const config: HostCredentialConfig = {
      kind: "client-certificate",
      tenantId: entra.directory.tenantId,
      clientId: SANDBOX_HOST_CLIENT_ID,
      certificate: { pem: `${hostCertificate.keyPem}\n${hostCertificate.certificatePem}` },
      authorityHost: entra.authorityHost,
    };
    const token = await hostTokenProvider(config, SCM, { additionalPolicies: trustTls })();
    expect(await verified(entra, token, SCM)).toMatchObject({ azp: SANDBOX_HOST_CLIENT_ID, azpacr: "2" });
  });

  it("a certificate the app registration does not have is refused, and the error says why", async () => {
    const stranger = await createSelfSignedCertificate({ commonName: "someone-else" });
    const config: HostCredentialConfig = {
      kind: "client-certificate",
      tenantId: entra.directory.tenantId,
      clientId: SANDBOX_HOST_CLIENT_ID,
      certificate: { pem: `${stranger.keyPem}\n${stranger.certificatePem}` },
      authorityHost: entra.authorityHost,
    };
    await expect(hostTokenProvider(config, SCM, { additionalPolicies: trustTls })()).rejects.toThrow(/AADSTS700027/);
  });

  it("a wrong client secret is refused with Entra's AADSTS code", async () => {
    const attempt = hostTokenProvider(secret(entra, "not-the-secret-000000"), DATAVERSE, {
      additionalPolicies: trustTls,
    })();
    await expect(attempt).rejects.toBeInstanceOf(TokenRequestError);
    await expect(attempt).rejects.toThrow(/AADSTS7000215/);
  });

  it("managed identity (App Service's IDENTITY_ENDPOINT and IDENTITY_HEADER): a token with no stored secret", async () => {
    const identity = entra.directory.managedIdentity;
    if (identity === undefined) throw new Error("the tenant has no managed identity");
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = entra.managedIdentityEndpoint;
    process.env.IDENTITY_HEADER = identity.identityHeader;
    try {
      const token = await hostTokenProvider({ kind: "managed-identity" }, DATAVERSE, {
        additionalPolicies: trustTls,
      })();
      expect(await verified(entra, token, DATAVERSE)).toMatchObject({
        oid: identity.principalId,
        azp: identity.clientId,
      });
      expect(entra.issued.at(-1)).toEqual({ grant: "managed_identity", clientId: identity.clientId });
    } finally {
      if (saved.endpoint === undefined) delete process.env.IDENTITY_ENDPOINT;
      else process.env.IDENTITY_ENDPOINT = saved.endpoint;
      if (saved.header === undefined) delete process.env.IDENTITY_HEADER;
      else process.env.IDENTITY_HEADER = saved.header;
    }
  });

  it("refreshes a token that is about to expire instead of handing it out", async () => {
    // Tokens that live four minutes are inside the five-minute refresh window from the start.
    const shortLived = await startTenant(240);
    try {
      const provider = hostTokenProvider(secret(shortLived), DATAVERSE, { additionalPolicies: trusting(shortLived) });
      const first = await provider();
      const second = await provider();
      expect(second).not.toBe(first);
      expect(shortLived.issued.map((issued) => issued.grant)).toEqual(["client_credentials", "client_credentials"]);
      expect(decodeJwt(second).exp).toBeGreaterThanOrEqual(decodeJwt(first).exp ?? 0);
    } finally {
      await shortLived.close();
    }
  });

  it("a fixed token (the sandbox's emulators map it to a user) is handed out as is", async () => {
    expect(await hostTokenProvider({ kind: "fixed-token", token: "sandbox-integration" }, DATAVERSE)()).toBe(
      "sandbox-integration",
    );
  });
});
