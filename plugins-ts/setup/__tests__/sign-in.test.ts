/**
 * The CLI's own sign-in (`fsi setup` / `fsi doctor`) through @azure/identity against the sandbox's
 * Entra ID: an admin app registration's secret gets a token for the organization; a wrong secret is
 * refused with the reason; a token given as is passes through; the settings refuse a sign-in whose
 * parts are missing, naming them.
 */
import { Agent } from "node:https";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { createRemoteJWKSet, jwtVerify } from "jose";
import {
  type EntraEmulator,
  SANDBOX_HOST_CLIENT_ID,
  sandboxDirectory,
  startEntraEmulator,
} from "@fsi/sandbox/auth/entra";
import { SetupConfigurationError, setupSettings } from "../settings";
import { signInTokenProvider } from "../sign-in";

const DATAVERSE = "https://contoso.crm.dynamics.com";
const SECRET = "setup-secret-0123456789abcdef";
const USER = "a0000000-0000-4000-8000-0000000000f5";

let entra: EntraEmulator;
let trust: { policy: PipelinePolicy; position: "perCall" }[];

beforeAll(async () => {
  entra = await startEntraEmulator({
    directory: sandboxDirectory({ organizationUrl: DATAVERSE, users: [], resources: [DATAVERSE], hostSecret: SECRET }),
  });
  const agent = new Agent({ ca: entra.tlsCertificate.certificatePem });
  trust = [
    {
      policy: { name: "trust-sandbox-entra", sendRequest: (request, next) => next(Object.assign(request, { agent })) },
      position: "perCall",
    },
  ];
});

afterAll(async () => {
  await entra.close();
});

const settings = (env: Record<string, string>, flags = {}) =>
  setupSettings(
    { sandbox: "/nonexistent-fsi-sandbox", ...flags },
    { FSI_DATAVERSE_URL: DATAVERSE, FSI_HOST_URL: "https://host.example", FSI_INTEGRATION_USER_ID: USER, ...env },
    "/",
  );

describe("fsi setup's own sign-in", () => {
  it("client secret: a token for the organization, from the admin app registration", async () => {
    const resolved = settings({
      FSI_SIGN_IN: "client-secret",
      FSI_TENANT_ID: entra.directory.tenantId,
      FSI_CLIENT_ID: SANDBOX_HOST_CLIENT_ID,
      FSI_SETUP_CLIENT_SECRET: SECRET,
      FSI_AUTHORITY_HOST: entra.authorityHost,
    });
    const token = await signInTokenProvider(
      resolved.signIn,
      resolved.dataverseUrl,
      resolved.authorityHost,
      () => undefined,
      { additionalPolicies: trust },
    )();
    const keys = createRemoteJWKSet(new URL(entra.jwksUri), {
      agent: new Agent({ ca: entra.tlsCertificate.certificatePem }),
    });
    expect((await jwtVerify(token, keys, { issuer: entra.issuer, audience: DATAVERSE })).payload).toMatchObject({
      azp: SANDBOX_HOST_CLIENT_ID,
    });
  });

  it("a wrong secret is refused, and the error says so", async () => {
    const resolved = settings({
      FSI_SIGN_IN: "client-secret",
      FSI_TENANT_ID: entra.directory.tenantId,
      FSI_CLIENT_ID: SANDBOX_HOST_CLIENT_ID,
      FSI_SETUP_CLIENT_SECRET: "wrong-secret-0123456789",
      FSI_AUTHORITY_HOST: entra.authorityHost,
    });
    await expect(
      signInTokenProvider(resolved.signIn, resolved.dataverseUrl, resolved.authorityHost, () => undefined, {
        additionalPolicies: trust,
      })(),
    ).rejects.toThrow(
      /No token for https:\/\/contoso\.crm\.dynamics\.com\/\.default: .*(invalid_client|AADSTS7000215)/,
    );
  });

  it("a token given as is passes through; device code needs a tenant and a public client id", async () => {
    const resolved = settings({}, { signIn: "token", token: "given-token" });
    expect(await signInTokenProvider(resolved.signIn, DATAVERSE, undefined, () => undefined)()).toBe("given-token");
    expect(() => settings({})).toThrow(SetupConfigurationError);
    expect(() => settings({})).toThrow("--tenant-id (or FSI_TENANT_ID) for --sign-in device-code is required.");
    expect(settings({ FSI_TENANT_ID: "t", FSI_CLIENT_ID: "c" }).signIn).toEqual({
      kind: "device-code",
      tenantId: "t",
      clientId: "c",
    });
  });

  it("defaults the host's identity to the managed identity, with secret or certificate only when asked", () => {
    const base = { FSI_SIGN_IN: "token" };
    expect(settings(base, { token: "t" }).hostCredential).toBe("managed-identity");
    expect(settings(base, { token: "t", hostCredential: "client-certificate" }).hostCredential).toBe(
      "client-certificate",
    );
    expect(() => settings(base, { token: "t", hostCredential: "password" })).toThrow(
      "--host-credential must be managed-identity, client-secret, client-certificate; got 'password'.",
    );
  });
});
