/**
 * The sandbox's Microsoft Entra ID stand-in serves its tenant over https with a self-signed
 * certificate (MSAL.js accepts only an https authority; sandbox/README.md, "Signing in"). Until the
 * browser trusts that certificate, MSAL cannot read the tenant's OpenID metadata and every form
 * reports `endpoints_resolution_error`. The start page checks the metadata from the browser and,
 * when it cannot be read, says what to do, with the link.
 */
import { h } from "../dom";
import type { SandboxWebApi } from "../web-api";

const AUTHORITY_VARIABLE = "fsi_EntraAuthority";

async function authorityOf(webApi: SandboxWebApi): Promise<string | undefined> {
  const response = await webApi.send(
    "GET",
    `RetrieveEnvironmentVariableValue(DefinitionSchemaName='${AUTHORITY_VARIABLE}')`,
    undefined,
    false,
  );
  const body = (await response.json()) as { Value?: unknown };
  return typeof body.Value === "string" && body.Value !== "" ? body.Value : undefined;
}

async function metadataReadable(authority: string): Promise<boolean> {
  try {
    const response = await fetch(`${authority.replace(/\/$/, "")}/v2.0/.well-known/openid-configuration`);
    return response.ok;
  } catch {
    return false; // An untrusted certificate surfaces as a network error.
  }
}

/** A notice, hidden until the check finds the sign-in stand-in unreachable from this browser. */
export function signInCertificateNotice(webApi: SandboxWebApi): HTMLElement {
  const link = h("a", { attributes: { target: "_blank", rel: "noopener" } });
  const notice = h("p", { className: "sign-in-notice", attributes: { role: "status", hidden: "" } }, [
    "Sign-in is not reachable from this browser yet: the sandbox's Microsoft Entra ID runs with a self-signed certificate. Open ",
    link,
    " once and accept the warning (Chrome: Advanced → Proceed), then come back. Until then the forms cannot read SCM's rules before a save; SCM still checks every save.",
  ]);
  void authorityOf(webApi)
    .then(async (authority) => {
      if (authority === undefined || (await metadataReadable(authority))) return;
      const origin = `${new URL(authority).origin}/`;
      link.href = origin;
      link.textContent = origin;
      notice.hidden = false;
    })
    .catch(() => undefined); // Without the variable there is no sign-in to check.
  return notice;
}
