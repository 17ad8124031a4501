/**
 * Real city centres (WGS 84, from public gazetteers, rounded to 4 decimals) that the seed
 * warehouses are spread around, grouped by company and operational site.
 */

export interface CityCentre {
  readonly name: string;
  /** State / Land / nation code stored in PrimaryAddressStateId. */
  readonly state: string;
  readonly latitude: number;
  readonly longitude: number;
  /** US ZIP or German PLZ of the centre (numeric), or UK postcode districts. */
  readonly postal: number | readonly string[];
  /** Seed warehouses in this city. */
  readonly warehouses: number;
  /**
   * Where a city borders open water (a lake, a bay, the sea): the bearings (degrees clockwise
   * from north, `from` to `to`) and distance that stay on land, so no warehouse stands in the water.
   */
  readonly land?: LandSector;
}

export interface LandSector {
  readonly fromDeg: number;
  readonly toDeg: number;
  readonly radiusKm: number;
}

export interface SeedSite {
  readonly siteId: string;
  readonly siteName: string;
  /** The first city hosts the site's transit and quarantine warehouses. */
  readonly cities: readonly CityCentre[];
}

export interface SeedCompany {
  readonly dataAreaId: string;
  readonly country: "USA" | "DEU" | "GBR";
  readonly streets: readonly string[];
  readonly sites: readonly SeedSite[];
}

const city = (
  name: string,
  state: string,
  latitude: number,
  longitude: number,
  postal: number | readonly string[],
  warehouses: number,
  land?: LandSector,
): CityCentre => ({ name, state, latitude, longitude, postal, warehouses, ...(land === undefined ? {} : { land }) });

const onLand = (fromDeg: number, toDeg: number, radiusKm: number): LandSector => ({ fromDeg, toDeg, radiusKm });

export const seedCompanies: readonly SeedCompany[] = [
  {
    dataAreaId: "usmf",
    country: "USA",
    streets: [
      "W Madison St",
      "N Michigan Ave",
      "S Halsted St",
      "Commerce Dr",
      "Industrial Pkwy",
      "Logistics Blvd",
      "Main St",
      "Oak St",
      "Maple Ave",
      "Lake St",
      "Washington Blvd",
      "Market St",
      "Airport Rd",
      "Harbor Dr",
      "Distribution Way",
      "Enterprise Ave",
    ],
    sites: [
      {
        siteId: "1",
        siteName: "Midwest",
        cities: [
          city("Chicago", "IL", 41.8781, -87.6298, 60601, 8, onLand(200, 340, 12)),
          city("Milwaukee", "WI", 43.0389, -87.9065, 53202, 3, onLand(200, 340, 10)),
          city("Minneapolis", "MN", 44.9778, -93.265, 55401, 3),
          city("Detroit", "MI", 42.3314, -83.0458, 48201, 3, onLand(280, 400, 12)),
          city("Indianapolis", "IN", 39.7684, -86.1581, 46204, 3),
          city("Columbus", "OH", 39.9612, -82.9988, 43215, 3),
          city("St. Louis", "MO", 38.627, -90.1994, 63101, 3),
          city("Kansas City", "MO", 39.0997, -94.5786, 64105, 3),
        ],
      },
      {
        siteId: "2",
        siteName: "Northeast",
        cities: [
          city("New York", "NY", 40.7128, -74.006, 10001, 4, onLand(12, 30, 9)),
          city("Boston", "MA", 42.3601, -71.0589, 2108, 3, onLand(200, 320, 10)),
          city("Philadelphia", "PA", 39.9526, -75.1652, 19102, 3),
          city("Pittsburgh", "PA", 40.4406, -79.9959, 15222, 3),
        ],
      },
      {
        siteId: "3",
        siteName: "Southeast",
        cities: [
          city("Atlanta", "GA", 33.749, -84.388, 30303, 4),
          city("Charlotte", "NC", 35.2271, -80.8431, 28202, 3),
          city("Nashville", "TN", 36.1627, -86.7816, 37203, 3),
          city("Miami", "FL", 25.7617, -80.1918, 33130, 3, onLand(240, 340, 10)),
          city("Orlando", "FL", 28.5383, -81.3792, 32801, 2),
        ],
      },
      {
        siteId: "4",
        siteName: "Southwest",
        cities: [
          city("Dallas", "TX", 32.7767, -96.797, 75201, 4),
          city("Houston", "TX", 29.7604, -95.3698, 77002, 3),
          city("Phoenix", "AZ", 33.4484, -112.074, 85003, 3),
        ],
      },
      {
        siteId: "5",
        siteName: "West",
        cities: [
          city("Denver", "CO", 39.7392, -104.9903, 80202, 3),
          city("Los Angeles", "CA", 34.0522, -118.2437, 90012, 4),
          city("San Francisco", "CA", 37.7749, -122.4194, 94102, 3, onLand(150, 300, 4)),
          city("Seattle", "WA", 47.6062, -122.3321, 98101, 3, onLand(165, 185, 8)),
          city("Portland", "OR", 45.5152, -122.6784, 97204, 2),
          city("Salt Lake City", "UT", 40.7608, -111.891, 84101, 2),
        ],
      },
    ],
  },
  {
    dataAreaId: "demf",
    country: "DEU",
    streets: [
      "Hauptstraße",
      "Industriestraße",
      "Bahnhofstraße",
      "Gewerbering",
      "Lagerstraße",
      "Am Güterbahnhof",
      "Hafenstraße",
      "Logistikpark",
      "Schillerstraße",
      "Goethestraße",
      "Lindenallee",
      "Kanalstraße",
    ],
    sites: [
      {
        siteId: "NRD",
        siteName: "Nord",
        cities: [
          city("Hamburg", "HH", 53.5511, 9.9937, 20095, 4),
          city("Bremen", "HB", 53.0793, 8.8017, 28195, 3),
          city("Hannover", "NI", 52.3759, 9.732, 30159, 3),
          city("Kiel", "SH", 54.3233, 10.1228, 24103, 2, onLand(200, 340, 6)),
        ],
      },
      {
        siteId: "OST",
        siteName: "Ost",
        cities: [
          city("Berlin", "BE", 52.52, 13.405, 10115, 5),
          city("Leipzig", "SN", 51.3397, 12.3731, 4109, 3),
          city("Dresden", "SN", 51.0504, 13.7373, 1067, 3),
        ],
      },
      {
        siteId: "WST",
        siteName: "West",
        cities: [
          city("Köln", "NW", 50.9375, 6.9603, 50667, 4),
          city("Düsseldorf", "NW", 51.2277, 6.7735, 40213, 3),
          city("Dortmund", "NW", 51.5136, 7.4653, 44135, 3),
          city("Essen", "NW", 51.4556, 7.0116, 45127, 2),
          city("Frankfurt am Main", "HE", 50.1109, 8.6821, 60311, 4),
        ],
      },
      {
        siteId: "SUD",
        siteName: "Süd",
        cities: [
          city("München", "BY", 48.1351, 11.582, 80331, 4),
          city("Nürnberg", "BY", 49.4521, 11.0767, 90402, 3),
          city("Stuttgart", "BW", 48.7758, 9.1829, 70173, 3),
          city("Mannheim", "BW", 49.4875, 8.466, 68159, 2),
        ],
      },
    ],
  },
  {
    dataAreaId: "gbsi",
    country: "GBR",
    streets: [
      "High Street",
      "Station Road",
      "Church Lane",
      "Mill Lane",
      "Victoria Road",
      "Park Road",
      "Dock Road",
      "Commercial Street",
      "Trafalgar Way",
      "Queens Road",
      "Bridge Street",
      "Canal Side",
    ],
    sites: [
      {
        siteId: "LON",
        siteName: "London and South",
        cities: [
          city("London", "ENG", 51.5074, -0.1278, ["EC1A", "SE1", "E14", "W1D", "N1"], 6),
          city("Reading", "ENG", 51.4543, -0.9781, ["RG1"], 2),
          city("Southampton", "ENG", 50.9097, -1.4044, ["SO14"], 2, onLand(300, 420, 6)),
        ],
      },
      {
        siteId: "MID",
        siteName: "Midlands and Wales",
        cities: [
          city("Birmingham", "ENG", 52.4862, -1.8904, ["B1", "B5"], 4),
          city("Nottingham", "ENG", 52.9548, -1.1581, ["NG1"], 2),
          city("Leicester", "ENG", 52.6369, -1.1398, ["LE1"], 2),
          city("Bristol", "ENG", 51.4545, -2.5879, ["BS1"], 3),
          city("Cardiff", "WLS", 51.4816, -3.1791, ["CF10"], 2, onLand(280, 440, 6)),
        ],
      },
      {
        siteId: "NTH",
        siteName: "North of England",
        cities: [
          city("Manchester", "ENG", 53.4808, -2.2426, ["M1", "M4"], 4),
          city("Liverpool", "ENG", 53.4084, -2.9916, ["L1"], 2, onLand(10, 170, 8)),
          city("Leeds", "ENG", 53.8008, -1.5491, ["LS1"], 2),
          city("Sheffield", "ENG", 53.3811, -1.4701, ["S1"], 2),
          city("Newcastle", "ENG", 54.9783, -1.6178, ["NE1"], 2),
        ],
      },
      {
        siteId: "SCO",
        siteName: "Scotland and Northern Ireland",
        cities: [
          city("Glasgow", "SCT", 55.8642, -4.2518, ["G1", "G2"], 3),
          city("Edinburgh", "SCT", 55.9533, -3.1883, ["EH1", "EH2"], 2, onLand(120, 250, 6)),
          city("Aberdeen", "SCT", 57.1497, -2.0943, ["AB10"], 2, onLand(190, 330, 6)),
          city("Belfast", "NIR", 54.5973, -5.9301, ["BT1"], 2, onLand(150, 300, 6)),
        ],
      },
    ],
  },
];
