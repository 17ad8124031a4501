import type { HostRequest } from "../exchange";
import { HttpError } from "../errors";
import { type WebhookAuth, requireWebhookKey, sameSecret } from "../auth/webhook-key";

function request(url: string, headers: Record<string, string> = {}): HostRequest {
  return {
    method: "POST",
    url: new URL(url),
    header: (name) => headers[name.toLowerCase()],
    readBody: () => Promise.resolve(Buffer.alloc(0)),
  };
}

/** How the check answers: undefined when it lets the request through, else "<status> <code>". */
function refusal(target: HostRequest, auth: WebhookAuth): string | undefined {
  try {
    requireWebhookKey(target, auth);
    return undefined;
  } catch (error) {
    return error instanceof HttpError ? `${error.status} ${error.code}` : String(error);
  }
}

describe("the service endpoint key check", () => {
  it("compares secrets of any length without throwing", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abcd")).toBe(false);
    expect(sameSecret("", "x".repeat(1000))).toBe(false);
  });

  it("reads the key where each Dataverse authentication type sends it", () => {
    const header = { kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: "k1" } as const;
    expect(refusal(request("http://h/p", { "x-fsi-webhook-key": "k1" }), header)).toBeUndefined();
    expect(refusal(request("http://h/p?code=k1"), header)).toBe("401 MISSING_WEBHOOK_KEY");

    const webhookKey = { kind: "WebhookKey", key: "k2" } as const;
    expect(refusal(request("http://h/p?code=k2"), webhookKey)).toBeUndefined();
    expect(refusal(request("http://h/p?code=k3"), webhookKey)).toBe("401 INVALID_WEBHOOK_KEY");

    const queryString = { kind: "HttpQueryString", parameterName: "secret", key: "k4" } as const;
    expect(refusal(request("http://h/p?secret=k4"), queryString)).toBeUndefined();
    expect(refusal(request("http://h/p?secret="), queryString)).toBe("401 MISSING_WEBHOOK_KEY");
  });
});

describe("a service endpoint without its key (Dataverse never exports it with a solution)", () => {
  const message = (auth: WebhookAuth): string => {
    try {
      requireWebhookKey(request("http://h/p"), auth);
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("says where the key goes and how to set it on the service endpoint after import", () => {
    const header = message({ kind: "HttpHeader", headerName: "x-fsi-webhook-key", key: "k1" });
    expect(header).toContain("send it in the x-fsi-webhook-key header");
    expect(header).toContain("PATCH /api/data/v9.2/serviceendpoints(<id>)");
    expect(header).toContain('"authtype": 5');
    expect(header).not.toContain("k1");
    expect(message({ kind: "WebhookKey", key: "k2" })).toContain('"authtype": 4');
    expect(message({ kind: "HttpQueryString", parameterName: "secret", key: "k3" })).toContain(
      'setting name=\\"secret\\"',
    );
  });
});
