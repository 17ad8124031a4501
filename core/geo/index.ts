export * from "./bounding-box";
export * from "./distance";
export * from "./geo-error";
export * from "./nearest";
export * from "./odata-filter";
