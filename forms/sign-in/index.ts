/**
 * The entry of the `fsi_/scripts/sign-in.js` web resource library: publishes `FSI.SignIn` (MSAL.js)
 * for the form scripts. Listed before `fsi_/scripts/forms.js` in each form's libraries.
 */
import { publishSignIn } from "../lib/sign-in-contract";
import { msalSignIn } from "./msal-sign-in";

publishSignIn(msalSignIn);
