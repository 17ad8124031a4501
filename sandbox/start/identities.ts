/** The bearer token the browser (and the sandbox's own seeding, on the user's behalf) sends to the Web API. */
export const BROWSER_TOKEN = "sandbox-browser";
