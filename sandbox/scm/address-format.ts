/**
 * SCM builds a postal address's formatted text itself, from the address's parts and the address
 * format of its country/region: it is a computed field, never taken from the request (AX 2012
 * reference, `LogisticsPostalAddressMap.makeCity`: "Create a formatted address block… based on
 * current postal address, combined with State and Country/Region"). So an edit of the street or the
 * city changes the formatted address in the same write, and its data event carries both.
 *
 * **Unconfirmed**: the exact line layout of each country's default address format. The layouts
 * below (street; city, state and ZIP or postcode; country) are the emulator's, kept here only.
 */
import type { StoredRow } from "./store/fields";

/** The entity fields an address is made of, for the entities that carry a primary address. */
const PARTS = {
  street: "PrimaryAddressStreet",
  city: "PrimaryAddressCity",
  state: "PrimaryAddressStateId",
  zip: "PrimaryAddressZipCode",
  country: "PrimaryAddressCountryRegionId",
} as const;

export const FORMATTED_ADDRESS_FIELD = "FormattedPrimaryAddress";

export interface PostalAddressParts {
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly zip: string;
  readonly country: string;
}

const joined = (separator: string, ...parts: string[]): string => parts.filter((part) => part !== "").join(separator);

/** The formatted address: one line per part group, empty parts and lines left out. */
export function formatPostalAddress(address: PostalAddressParts): string {
  const { street, city, state, zip, country } = address;
  const lines =
    country === "DEU"
      ? [street, joined(" ", zip, city), country]
      : country === "GBR"
        ? [street, city, zip, country]
        : [street, joined(", ", city, joined(" ", state, zip)), country];
  return joined("\n", ...lines);
}

/** Sets a row's formatted address from its parts, for entities that have one. */
export function deriveFormattedAddress(fields: Readonly<Record<string, unknown>>, row: StoredRow): void {
  if (!(FORMATTED_ADDRESS_FIELD in fields)) return;
  const part = (name: string): string => {
    const value = row[name];
    return typeof value === "string" ? value.trim() : "";
  };
  row[FORMATTED_ADDRESS_FIELD] = formatPostalAddress({
    street: part(PARTS.street),
    city: part(PARTS.city),
    state: part(PARTS.state),
    zip: part(PARTS.zip),
    country: part(PARTS.country),
  });
}
